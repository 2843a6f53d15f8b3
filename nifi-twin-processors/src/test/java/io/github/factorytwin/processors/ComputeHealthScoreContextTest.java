package io.github.factorytwin.processors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.nifi.components.state.Scope;
import org.apache.nifi.util.MockFlowFile;
import org.apache.nifi.util.TestRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Operating Context properties, through the real JSON reader and writer. */
class ComputeHealthScoreContextTest {

    private static final long T0 = 1_700_000_000_000L;

    @TempDir
    static Path stateRoot;

    /** Sensors temperature and pressure; the context is a set-point the temperature follows (not a sensor). */
    static TestRunner runner(boolean regimes) throws Exception {
        TestRunner runner = JsonTestRunners.runner(new ComputeHealthScore(), true);
        runner.setProperty(ComputeHealthScore.STATE_DIRECTORY, stateRoot.toString());
        runner.setProperty(ComputeHealthScore.SENSOR_FIELDS, "temperature,pressure");
        runner.setProperty(ComputeHealthScore.BASELINE_SIZE, "50");
        runner.setProperty(ComputeHealthScore.MINIMUM_DWELL_TIME, "10 sec");
        runner.setProperty(ComputeHealthScore.ALERT_CONFIRMATION_TIME, "0 sec"); // these tests time the dwell
        if (regimes) {
            runner.setProperty(ComputeHealthScore.OPERATING_CONTEXT_FIELDS, "setpoint, line_speed");
            runner.setProperty(ComputeHealthScore.OPERATING_CONTEXT_MODEL, "Operating Regimes");
        }
        return runner;
    }

    /** A reading at set-point 60 or 90 (temperature = set-point + noise); {@code shift} added to the temperature. */
    static ObjectNode reading(int i, double setpoint, double shift, Random noise) {
        ObjectNode r = ComputeHealthScoreTest.reading("M1", T0 + 2_000L * i, 0.5, null, noise);
        r.put("temperature", setpoint + shift + 0.2 * noise.nextGaussian());
        r.put("pressure", 5 + 0.01 * setpoint + 0.05 * noise.nextGaussian());
        r.put("setpoint", setpoint);
        r.put("line_speed", 2.0);
        return r;
    }

    /** 100 readings at set-point 60, then 300 alternating 60 and 90 every 25; from {@code shiftAt} on a shift. */
    static List<ObjectNode> setpointChanges(int shiftAt, double shift) {
        Random noise = new Random(4);
        List<ObjectNode> records = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            double setpoint = i < 100 || (i / 25) % 2 == 0 ? 60 : 90;
            records.add(reading(i, setpoint, i >= shiftAt ? shift : 0, noise));
        }
        return records;
    }

    @Test
    void aSetPointChangeIsNotASymptomUnderOperatingRegimesButDriftWithinOneIs() throws Exception {
        TestRunner regimes = runner(true);
        ComputeHealthScoreTest.enqueue(regimes, setpointChanges(Integer.MAX_VALUE, 0));
        regimes.run(1, false);
        regimes.assertTransferCount(ComputeHealthScore.REL_FAILURE, 0);
        List<JsonNode> out = ComputeHealthScoreTest.successes(regimes);
        assertEquals(400, out.size());
        assertEquals(List.of(), ComputeHealthScoreTest.alerts(regimes));
        assertTrue(
                out.get(399).get("health_score").asDouble() > 90, out.get(399).toString());
        assertEquals(2, ComputeHealthScoreTest.saved(regimes).committed("M1").regimeCount());

        // The default (Load Following on rpm, here a steady field that is no sensor): the set-point change to 90
        // is 150 noise sigmas of drift.
        TestRunner plain = runner(false);
        ComputeHealthScoreTest.enqueue(plain, setpointChanges(Integer.MAX_VALUE, 0));
        plain.run();
        assertFalse(ComputeHealthScoreTest.alerts(plain).isEmpty());

        // Two degrees hotter (10 noise sigmas) at the same set-points from reading 250: an alert on temperature.
        TestRunner drift = runner(true);
        ComputeHealthScoreTest.enqueue(drift, setpointChanges(250, 2));
        drift.run();
        List<JsonNode> alerts = ComputeHealthScoreTest.alerts(drift);
        assertFalse(alerts.isEmpty());
        assertEquals("RAISED", alerts.get(0).get("alert_event").asText());
        assertTrue(
                alerts.get(0).get("reason").asText().startsWith("temperature:"),
                alerts.get(0).toString());
        assertTrue(alerts.get(0).get("timestamp").asLong() >= T0 + 2_000L * 250);
    }

    @Test
    void regimesSurviveARestart() throws Exception {
        List<ObjectNode> records = setpointChanges(250, 2);
        TestRunner reference = runner(true);
        ComputeHealthScoreTest.enqueue(reference, records.subList(0, 200));
        ComputeHealthScoreTest.enqueue(reference, records.subList(200, 400));
        reference.run(2);

        TestRunner first = runner(true);
        ComputeHealthScoreTest.enqueue(first, records.subList(0, 200));
        first.run(1, false, true); // not stopped: as if NiFi died, the journal is what is left
        TestRunner second = runner(true);
        second.getStateManager()
                .setState(first.getStateManager().getState(Scope.LOCAL).toMap(), Scope.LOCAL);
        Files.move(
                stateRoot.resolve(first.getProcessor().getIdentifier()),
                stateRoot.resolve(second.getProcessor().getIdentifier()));
        ComputeHealthScoreTest.enqueue(second, records.subList(200, 400));
        second.run(1, false);
        assertEquals(2, ComputeHealthScoreTest.saved(second).committed("M1").regimeCount());
        assertEquals(
                ComputeHealthScoreTest.successes(reference).subList(200, 400),
                ComputeHealthScoreTest.successes(second),
                "a restart changes nothing");
        assertEquals(ComputeHealthScoreTest.alerts(reference), ComputeHealthScoreTest.alerts(second));
        assertFalse(ComputeHealthScoreTest.alerts(second).isEmpty());
    }

    @Test
    void aMissingContextValueIsScoredAndATextOneFailsAlone() throws Exception {
        TestRunner runner = runner(true);
        List<ObjectNode> records = setpointChanges(Integer.MAX_VALUE, 0).subList(0, 120);
        records.get(110).remove("setpoint");
        records.get(111).put("line_speed", "fast");
        ComputeHealthScoreTest.enqueue(runner, records);
        runner.run();
        assertEquals(119, ComputeHealthScoreTest.successes(runner).size());
        List<MockFlowFile> failures = runner.getFlowFilesForRelationship(ComputeHealthScore.REL_FAILURE);
        assertEquals(1, failures.size());
        String reason = failures.get(0).getAttribute("record.error.message");
        assertTrue(reason != null && reason.contains("line_speed"), reason);
    }

    @Test
    void contextPropertiesAreValidatedWithClearMessages() throws Exception {
        TestRunner runner = runner(false);
        runner.assertValid(); // default: Load Following on rpm
        runner.setProperty(ComputeHealthScore.OPERATING_CONTEXT_FIELDS, "rpm, torque");
        ValidationAssertions.assertInvalidBecause(runner, "Load Following follows one load field, but 2 are named");
        runner.setProperty(ComputeHealthScore.OPERATING_CONTEXT_MODEL, "Operating Regimes");
        runner.assertValid();
        runner.setProperty(ComputeHealthScore.OPERATING_CONTEXT_FIELDS, "rpm, rpm");
        ValidationAssertions.assertInvalidBecause(runner, "distinct fields");
        runner.setProperty(ComputeHealthScore.OPERATING_CONTEXT_FIELDS, "rpm");
        runner.setProperty(ComputeHealthScore.REGIME_DISTANCE, "0");
        ValidationAssertions.assertInvalidBecause(runner, "must be greater than 0 and at most 10");
        runner.setProperty(ComputeHealthScore.REGIME_DISTANCE, "0.2");
        runner.setProperty(ComputeHealthScore.MAXIMUM_REGIMES, "65");
        runner.assertNotValid();
        runner.setProperty(ComputeHealthScore.MAXIMUM_REGIMES, "6");
        runner.assertValid();
    }
}
