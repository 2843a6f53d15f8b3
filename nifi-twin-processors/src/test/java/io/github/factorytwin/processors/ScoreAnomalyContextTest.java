package io.github.factorytwin.processors;

import static io.github.factorytwin.processors.ScoreAnomaly.REL_FAILURE;
import static io.github.factorytwin.processors.ScoreAnomaly.REL_SUCCESS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.apache.nifi.util.MockFlowFile;
import org.apache.nifi.util.TestRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ScoreAnomaly's Operating Context Fields through the real JSON record services: a machine run at two speeds, its
 * temperature and vibration following the speed.
 */
class ScoreAnomalyContextTest {

    private static final int WARM_UP = 200;

    @TempDir
    Path directory;

    private final Random random = new Random(3);

    private static TestRunner runner(String contextFields, Path stateDirectory) throws Exception {
        TestRunner runner = AnomalyTestData.runner(new ScoreAnomaly(), true);
        runner.setProperty(ScoreAnomaly.FEATURE_FIELDS, "temperature,vibration");
        runner.setProperty(ScoreAnomaly.WARM_UP_SIZE, String.valueOf(WARM_UP));
        runner.setProperty(ScoreAnomaly.MODEL_SCOPE, "PER_MACHINE");
        runner.setProperty(ScoreAnomaly.RANDOM_SEED, "5");
        if (contextFields != null) {
            runner.setProperty(ScoreAnomaly.OPERATING_CONTEXT_FIELDS, contextFields);
        }
        if (stateDirectory != null) {
            runner.setProperty(ScoreAnomaly.STATE_DIRECTORY, stateDirectory.toString());
        }
        return runner;
    }

    /** {@code count} normal readings of M1 at {@code rpm}. */
    private String at(double rpm, int count) {
        AnomalyTestData data = new AnomalyTestData(0);
        for (int i = 0; i < count; i++) {
            double actual = rpm * (1 + 0.005 * random.nextGaussian());
            data.add(
                    "M1",
                    40 + actual / 75 + random.nextGaussian(),
                    0.4 * actual / 1000 + 0.05 * random.nextGaussian(),
                    actual);
        }
        return data.json();
    }

    /** Runs {@code json} through the (still scheduled) processor; returns the records out on success. */
    private static List<JsonNode> run(TestRunner runner, String json, boolean first) throws Exception {
        runner.clearTransferState();
        runner.enqueue(json);
        runner.run(1, false, first);
        return AnomalyTestData.all(runner, REL_SUCCESS);
    }

    private static long flagged(List<JsonNode> records) {
        return records.stream().filter(r -> r.get("is_anomaly").asBoolean()).count();
    }

    @Test
    void aChangeOfSpeedIsFlaggedWithoutContextButNotWithRpmAsContext() throws Exception {
        TestRunner plain = runner(null, null);
        run(plain, at(1500, WARM_UP + 100), true);
        long plainFlags = flagged(run(plain, at(3000, 100), false));
        assertTrue(plainFlags > 90, "without context the new speed is an anomaly: " + plainFlags + " of 100");

        TestRunner conditioned = runner("rpm", null);
        run(conditioned, at(1500, WARM_UP + 100), true);
        List<JsonNode> high = run(conditioned, at(3000, WARM_UP + 100), false);
        List<JsonNode> lowAgain = run(conditioned, at(1500, 100), false);
        assertTrue(flagged(high) <= 8, "the new speed is learned as a regime: " + flagged(high));
        assertTrue(high.get(0).get("anomaly_score").isNull(), "the new regime warms up its own model");
        assertTrue(lowAgain.get(0).get("anomaly_score").isNumber(), "the first regime's model scores again");
        assertTrue(flagged(lowAgain) <= 8, "back to the first speed: " + flagged(lowAgain));

        // full-speed temperature and vibration while the machine is asked for low speed: normal for the machine,
        // abnormal for its regime
        AnomalyTestData fault = new AnomalyTestData(0).add("M1", 80, 1.2, 1500);
        List<JsonNode> out = run(conditioned, fault.json(), false);
        assertTrue(out.get(0).get("is_anomaly").asBoolean(), out.toString());
        conditioned.assertTransferCount(REL_FAILURE, 0);
    }

    @Test
    void aReadingWithoutItsContextGoesToFailureWithTheReason() throws Exception {
        TestRunner runner = runner("rpm, load", null);
        AnomalyTestData data = new AnomalyTestData(0);
        data.addRaw("{\"machine_id\":\"M1\",\"temperature\":60,\"vibration\":0.6,\"rpm\":1500,\"load\":0.5}");
        data.addRaw("{\"machine_id\":\"M1\",\"temperature\":60,\"vibration\":0.6,\"rpm\":1500}");
        runner.enqueue(data.json());
        runner.run();
        runner.assertTransferCount(REL_SUCCESS, 1);
        runner.assertTransferCount(REL_FAILURE, 1);
        MockFlowFile failed = runner.getFlowFilesForRelationship(REL_FAILURE).get(0);
        failed.assertAttributeEquals(
                "record.error.message",
                "Operating context incomplete: field 'load' is missing or not a number (Operating Context Fields)");
    }

    @Test
    void regimesAndTheirModelsSurviveARestart() throws Exception {
        TestRunner first = runner("rpm", directory);
        run(first, at(1500, WARM_UP + 10), true);
        run(first, at(3000, WARM_UP + 10), false);
        first.stop();

        TestRunner second = runner("rpm", directory);
        List<JsonNode> high = run(second, at(3000, 20), true);
        List<JsonNode> low = run(second, at(1500, 20), false);
        assertTrue(high.get(0).get("anomaly_score").isNumber(), "the full-speed model is found again");
        assertTrue(low.get(0).get("anomaly_score").isNumber(), "the low-speed model is found again");
        assertTrue(flagged(high) + flagged(low) <= 3, high + "\n" + low);
    }

    @Test
    void contextPropertiesAreValidatedWithClearMessages() throws Exception {
        TestRunner runner = runner(null, null);
        runner.assertValid(); // no context by default
        runner.setProperty(ScoreAnomaly.OPERATING_CONTEXT_FIELDS, "rpm, rpm");
        assertInvalid(runner, "must name 1 to 16 distinct fields, separated by commas");
        runner.setProperty(ScoreAnomaly.OPERATING_CONTEXT_FIELDS, "rpm");
        runner.assertValid();
        runner.setProperty(ScoreAnomaly.REGIME_DISTANCE, "0");
        assertInvalid(runner, "must be greater than 0 and at most 10");
        runner.setProperty(ScoreAnomaly.REGIME_DISTANCE, "0.2");
        runner.setProperty(ScoreAnomaly.MAXIMUM_REGIMES, "65");
        runner.assertNotValid();
        runner.setProperty(ScoreAnomaly.MAXIMUM_REGIMES, "4");
        runner.assertValid();
    }

    /** Invalid for that reason alone: the context properties are checked once, not also by another rule. */
    private static void assertInvalid(TestRunner runner, String message) {
        ValidationAssertions.assertInvalidBecause(runner, message);
        assertEquals(
                1,
                ValidationAssertions.problems(runner).size(),
                ValidationAssertions.problems(runner).toString());
    }
}
