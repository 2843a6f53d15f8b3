package io.github.factorytwin.processors;

import static io.github.factorytwin.processors.ScoreAnomaly.REL_ANOMALOUS;
import static io.github.factorytwin.processors.ScoreAnomaly.REL_FAILURE;
import static io.github.factorytwin.processors.ScoreAnomaly.REL_SUCCESS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.nifi.components.ValidationResult;
import org.apache.nifi.util.MockFlowFile;
import org.apache.nifi.util.TestRunner;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScoreAnomalyTest {

    private TestRunner runner;

    @BeforeEach
    void setUp() throws Exception {
        runner = AnomalyTestData.runner(new ScoreAnomaly(), true);
        runner.setProperty(ScoreAnomaly.WARM_UP_SIZE, "500");
        runner.setProperty(ScoreAnomaly.RANDOM_SEED, "7");
    }

    private boolean scheduled;

    /** Runs once, keeping the processor scheduled (and its learned state) between runs, as NiFi does. */
    private void run() {
        runner.run(1, false, !scheduled);
        scheduled = true;
    }

    private void warmUp(String... machines) {
        AnomalyTestData data = new AnomalyTestData(1);
        for (String machine : machines) {
            data.normal(machine, 500 / machines.length);
        }
        runner.enqueue(data.json());
        run();
    }

    @Test
    void warmUpReadingsPassWithoutScoreThenInjectedAnomaliesAreExactlyTheAnomalousOnes() throws Exception {
        warmUp("M001", "M002", "M003", "M004", "M005");
        runner.assertAllFlowFilesTransferred(REL_SUCCESS, 1);
        List<JsonNode> warm = AnomalyTestData.all(runner, REL_SUCCESS);
        assertEquals(500, warm.size());
        for (JsonNode record : warm) {
            assertTrue(record.get("anomaly_score").isNull());
            assertFalse(record.get("is_anomaly").asBoolean());
            assertEquals(
                    ScoreAnomaly.WARMING_UP, record.get("anomaly_explanation").asText());
        }
        assertNull(runner.getCounterValue("Records Scored"));
        runner.clearTransferState();

        AnomalyTestData data = new AnomalyTestData(2).normal("M001", 60);
        data.add("M002", 75, 3.2, 3000); // vibration spike
        data.normal("M003", 60);
        data.add("M004", 92, AnomalyTestData.vibrationAt(3000), 3000); // temperature drifted up
        data.normal("M005", 60);
        data.add("M001", 75, AnomalyTestData.vibrationAt(4500), 2000); // high vibration at low rpm
        data.normal("M002", 60);
        runner.enqueue(data.json());
        run();

        runner.assertTransferCount(REL_SUCCESS, 1);
        runner.assertTransferCount(REL_FAILURE, 0);
        List<JsonNode> scored = AnomalyTestData.all(runner, REL_SUCCESS);
        assertEquals(data.size(), scored.size());
        List<JsonNode> injected = List.of(scored.get(60), scored.get(121));
        JsonNode correlationBreak = scored.get(182);
        double lowestInjected = injected.stream()
                .mapToDouble(r -> r.get("anomaly_score").asDouble())
                .min()
                .orElseThrow();
        double highestNormal = scored.stream()
                .filter(r -> !injected.contains(r) && r != correlationBreak)
                .mapToDouble(r -> r.get("anomaly_score").asDouble())
                .max()
                .orElseThrow();
        assertTrue(lowestInjected > 0.95, "gross anomalies score close to 1: " + lowestInjected);
        assertTrue(lowestInjected > highestNormal, lowestInjected + " vs " + highestNormal);
        // High vibration at low rpm: each value is normal on its own. It is subtler, so it scores lower than the
        // gross anomalies but still above 95% of the normal readings (lower the threshold to 0.6 to flag it).
        double breakScore = correlationBreak.get("anomaly_score").asDouble();
        long normalsAbove = scored.stream()
                .filter(r -> !injected.contains(r) && r != correlationBreak)
                .filter(r -> r.get("anomaly_score").asDouble() >= breakScore)
                .count();
        assertTrue(normalsAbove <= 0.05 * (scored.size() - 3), normalsAbove + " normal readings score higher");

        List<JsonNode> anomalous = AnomalyTestData.all(runner, REL_ANOMALOUS);
        assertEquals(injected, anomalous, "the anomalous relationship gets exactly the injected anomalies");
        assertEquals("vibration", anomalous.get(0).get("anomaly_feature").asText());
        assertTrue(anomalous.get(0).get("anomaly_explanation").asText().startsWith("vibration=3.20 above normal "));
        assertEquals(3.2, anomalous.get(0).get("anomaly_feature_value").asDouble(), 1e-9);
        assertEquals("temperature", anomalous.get(1).get("anomaly_feature").asText());
        // Below the threshold: the feature and its value are written, the explanation text is not (it is built
        // only for anomalous readings and readings with an imputed value).
        assertFalse(correlationBreak.get("is_anomaly").asBoolean());
        assertTrue(correlationBreak.get("anomaly_explanation").isNull());
        assertFalse(correlationBreak.get("anomaly_feature").asText().isEmpty());
        assertTrue(correlationBreak.get("anomaly_feature_value").isNumber());
        for (JsonNode record : scored) {
            double score = record.get("anomaly_score").asDouble();
            assertTrue(score > 0 && score <= 1);
            assertEquals(score >= 0.65, record.get("is_anomaly").asBoolean());
        }
        assertEquals(scored.size(), runner.getCounterValue("Records Scored"));
        assertEquals(2L, runner.getCounterValue("Anomalies Found"));
        MockFlowFile anomalies =
                runner.getFlowFilesForRelationship(REL_ANOMALOUS).get(0);
        anomalies.assertAttributeEquals("record.count", "2");
    }

    @Test
    void malformedMissingAndUnknownRecordsGoToFailureAndNothingIsLost() throws Exception {
        runner.setProperty(ScoreAnomaly.WARM_UP_SIZE, "100");
        runner.setProperty(ScoreAnomaly.MODEL_SCOPE, "PER_MACHINE"); // (under GLOBAL a missing id is one series)
        runner.setProperty(ScoreAnomaly.MACHINE_ID_PATTERN, "M\\d{3}");
        AnomalyTestData data = new AnomalyTestData(3).normal("M001", 100);
        runner.enqueue(data.json());
        run();
        runner.clearTransferState();

        AnomalyTestData mixed = new AnomalyTestData(4)
                .normal("M001", 1)
                .addRaw("{\"temperature\":75,\"vibration\":1,\"rpm\":3000}")
                .addRaw("{\"machine_id\":\"X1\",\"temperature\":75,\"vibration\":1,\"rpm\":3000}")
                .addRaw("{\"machine_id\":\"M001\",\"temperature\":75,\"vibration\":1,\"rpm\":\"fast\"}")
                .addRaw("{\"machine_id\":\"M001\",\"temperature\":null,\"vibration\":1,\"rpm\":3000}")
                .addRaw("{\"machine_id\":\"M001\",\"vibration\":1,\"rpm\":3000,\"temperature\":null}")
                .addRaw("{\"machine_id\":\"M002\",\"vibration\":1,\"rpm\":3000}")
                .addRaw("{\"machine_id\":\"M001\",\"temperature\":1e300,\"vibration\":1,\"rpm\":3000}")
                .normal("M001", 1);
        runner.enqueue(mixed.json());
        run();

        List<JsonNode> success = AnomalyTestData.all(runner, REL_SUCCESS);
        List<JsonNode> failure = AnomalyTestData.all(runner, REL_FAILURE);
        assertEquals(mixed.size(), success.size() + failure.size(), "count in = success + failure");
        assertEquals(5, success.size());
        assertEquals(4, failure.size());
        MockFlowFile failed = runner.getFlowFilesForRelationship(REL_FAILURE).get(0);
        failed.assertAttributeEquals("record.error.count", "4");
        assertEquals("Unknown machine: field 'machine_id' is missing", failed.getAttribute("record.error.message"));
        assertTrue(failure.get(0).get("anomaly_score") == null, "failed records are unchanged");
        assertEquals("X1", failure.get(1).get("machine_id").asText());
        assertEquals("fast", failure.get(2).get("rpm").asText());
        assertEquals("M002", failure.get(3).get("machine_id").asText(), "nothing to impute for a new machine");

        JsonNode imputed = success.get(1);
        assertTrue(imputed.get("anomaly_explanation")
                .asText()
                .contains("imputed from the machine's last value: temperature"));
        assertTrue(success.get(2).get("anomaly_explanation").asText().contains("imputed"), "blank is imputed too");
        JsonNode outOfRange = success.get(3);
        assertEquals(1.0, outOfRange.get("anomaly_score").asDouble(), 1e-9);
        assertTrue(outOfRange.get("is_anomaly").asBoolean());
        assertEquals("temperature", outOfRange.get("anomaly_feature").asText());
    }

    @Test
    void failStrategySendsAMissingValueToFailureWithTheFieldName() throws Exception {
        runner.setProperty(ScoreAnomaly.WARM_UP_SIZE, "100");
        runner.setProperty(ScoreAnomaly.MISSING_VALUE_STRATEGY, "FAIL");
        runner.enqueue(new AnomalyTestData(3)
                .normal("M001", 100)
                .addRaw("{\"machine_id\":\"M001\",\"temperature\":75,\"rpm\":3000}")
                .json());
        run();
        runner.assertTransferCount(REL_SUCCESS, 1);
        runner.assertTransferCount(REL_FAILURE, 1);
        MockFlowFile failed = runner.getFlowFilesForRelationship(REL_FAILURE).get(0);
        assertEquals(
                "Feature 'vibration' is missing or not a finite number", failed.getAttribute("record.error.message"));
        assertEquals(100, AnomalyTestData.all(runner, REL_SUCCESS).size());
    }

    @Test
    void perMachineScopeJudgesEachMachineByItsOwnNormal() throws Exception {
        runner.setProperty(ScoreAnomaly.WARM_UP_SIZE, "200");
        runner.setProperty(ScoreAnomaly.MODEL_SCOPE, "PER_MACHINE");
        AnomalyTestData data = new AnomalyTestData(5).normal("M001", 200);
        for (int i = 0; i < 200; i++) { // M002 runs hot: about 95 degrees
            double rpm = 1500 + 15 * i;
            data.add("M002", 95 + Math.sin(i) * 2, AnomalyTestData.vibrationAt(rpm), rpm);
        }
        runner.enqueue(data.json());
        run();
        runner.clearTransferState();

        runner.enqueue(new AnomalyTestData(6)
                .add("M001", 95, AnomalyTestData.vibrationAt(3000), 3000)
                .add("M002", 95, AnomalyTestData.vibrationAt(3000), 3000)
                .add("M003", 95, AnomalyTestData.vibrationAt(3000), 3000)
                .json());
        run();
        List<JsonNode> scored = AnomalyTestData.all(runner, REL_SUCCESS);
        assertTrue(scored.get(0).get("is_anomaly").asBoolean(), "95 degrees is hot for M001");
        assertFalse(scored.get(1).get("is_anomaly").asBoolean(), "95 degrees is normal for M002");
        assertTrue(scored.get(2).get("anomaly_score").isNull(), "M003 has its own warm-up");
        assertEquals(1, AnomalyTestData.all(runner, REL_ANOMALOUS).size());
    }

    @Test
    void perMachineTypeScopeNeedsTheType() throws Exception {
        runner.setProperty(ScoreAnomaly.MODEL_SCOPE, "PER_MACHINE_TYPE");
        runner.enqueue("[{\"machine_id\":\"M001\",\"temperature\":75,\"vibration\":1,\"rpm\":3000},"
                + "{\"machine_id\":\"M001\",\"machine_type\":\"press\",\"temperature\":75,\"vibration\":1,"
                + "\"rpm\":3000}]");
        run();
        runner.assertTransferCount(REL_SUCCESS, 1);
        runner.getFlowFilesForRelationship(REL_FAILURE)
                .get(0)
                .assertAttributeEquals("record.error.message", "Unknown machine type: field 'machine_type' is missing");
    }

    @Test
    void theSameSeedGivesTheSameScores() throws Exception {
        String first = scoreWithSeed("11");
        assertEquals(first, scoreWithSeed("11"));
        assertFalse(first.equals(scoreWithSeed("12")));
    }

    private String scoreWithSeed(String seed) throws Exception {
        TestRunner fresh = AnomalyTestData.runner(new ScoreAnomaly(), true);
        fresh.setProperty(ScoreAnomaly.WARM_UP_SIZE, "100");
        fresh.setProperty(ScoreAnomaly.RANDOM_SEED, seed);
        fresh.setProperty(ScoreAnomaly.DERIVED_FEATURES, "DELTA_AND_WINDOW");
        fresh.setProperty(ScoreAnomaly.RETRAIN_INTERVAL, "30");
        fresh.enqueue(new AnomalyTestData(7).normal("M001", 100).json());
        fresh.enqueue(new AnomalyTestData(8).normal("M001", 100).json());
        fresh.run(2, true, true);
        return fresh.getFlowFilesForRelationship(REL_SUCCESS).get(1).getContent();
    }

    @Test
    void unreadableContentGoesToFailureWholeAndDoesNotAdvanceTheWarmUp() throws Exception {
        runner.setProperty(ScoreAnomaly.WARM_UP_SIZE, "100");
        String broken =
                new AnomalyTestData(9).normal("M001", 150).json().replaceFirst("}]$", "},{\"machine_id\": oops]");
        runner.enqueue(broken);
        run();
        runner.assertAllFlowFilesTransferred(REL_FAILURE, 1);
        runner.getFlowFilesForRelationship(REL_FAILURE).get(0).assertContentEquals(broken);
        runner.clearTransferState();

        runner.enqueue(new AnomalyTestData(10).normal("M001", 99).json());
        run();
        for (JsonNode record : AnomalyTestData.all(runner, REL_SUCCESS)) {
            assertTrue(record.get("anomaly_score").isNull(), "the broken FlowFile taught the model nothing");
        }
    }

    @Test
    void concurrentTasksShareOneDetectorAndLoseNothing() throws Exception {
        runner.setProperty(ScoreAnomaly.DERIVED_FEATURES, "DELTA_AND_WINDOW");
        runner.setProperty(ScoreAnomaly.RETRAIN_INTERVAL, "300");
        runner.setThreadCount(4);
        for (int i = 0; i < 40; i++) {
            runner.enqueue(
                    new AnomalyTestData(100 + i).normal("M00" + (i % 8), 100).json());
        }
        runner.run(40);
        runner.assertTransferCount(REL_FAILURE, 0);
        List<JsonNode> out = AnomalyTestData.all(runner, REL_SUCCESS);
        assertEquals(4000, out.size());
        long scored = out.stream().filter(r -> !r.get("anomaly_score").isNull()).count();
        assertTrue(scored >= 3000, "scored after the warm-up: " + scored);
        assertEquals(scored, runner.getCounterValue("Records Scored"));
    }

    @Test
    void aMinimumWarmUpSizeEndsASteadyMachinesWarmUpEarlyButNotADriftingOnes() throws Exception {
        runner.setProperty(ScoreAnomaly.MODEL_SCOPE, "PER_MACHINE");
        runner.setProperty(ScoreAnomaly.MINIMUM_WARM_UP_SIZE, "100");
        AnomalyTestData data = new AnomalyTestData(3).normal("M001", 500);
        for (int i = 0; i < 500; i++) {
            // warming by 0.1 degree a reading: the readings keep moving through a range the warm-up has not seen
            data.add("M002", 60 + 0.1 * i, AnomalyTestData.vibrationAt(3000), 3000);
        }
        runner.enqueue(data.json());
        run();

        runner.assertTransferCount(REL_SUCCESS, 1);
        runner.assertTransferCount(REL_FAILURE, 0);
        List<JsonNode> out = AnomalyTestData.all(runner, REL_SUCCESS);
        assertEquals(1000, out.size());
        assertEquals(100, unscored(out, "M001"), "a steady machine is scored from its 101st reading");
        assertEquals(500, unscored(out, "M002"), "a drifting one warms up for the whole Warm-up Size");
        assertTrue(out.subList(100, 500).stream()
                .allMatch(r -> r.get("anomaly_score").isNumber()));
    }

    private static long unscored(List<JsonNode> records, String machine) {
        return records.stream()
                .filter(r -> r.get("machine_id").asText().equals(machine))
                .filter(r -> r.get("anomaly_score").isNull())
                .count();
    }

    @Test
    void aMinimumWarmUpSizeAboveTheWarmUpSizeSaysWhatToFix() {
        runner.setProperty(ScoreAnomaly.MINIMUM_WARM_UP_SIZE, "600");
        String messages = messages(runner.validate());
        assertTrue(messages.contains("Minimum Warm-up Size"), messages);
        assertTrue(messages.contains("larger than Warm-up Size (500)"), messages);
        runner.setProperty(ScoreAnomaly.MINIMUM_WARM_UP_SIZE, "500");
        runner.assertValid();
    }

    @Test
    void validationSaysWhatToFix() {
        runner.setProperty(ScoreAnomaly.ANOMALY_THRESHOLD, "1.5");
        runner.setProperty(ScoreAnomaly.FEATURE_FIELDS, "temperature, ,temperature");
        String messages = messages(runner.validate());
        assertTrue(messages.contains("greater than 0 and at most 1"), messages);
        assertTrue(messages.contains("must not repeat"), messages);
        runner.setProperty(ScoreAnomaly.ANOMALY_THRESHOLD, "0.7");
        runner.setProperty(ScoreAnomaly.FEATURE_FIELDS, "temperature,vibration");
        runner.assertValid();
        runner.setProperty(ScoreAnomaly.MACHINE_ID_PATTERN, "M[");
        runner.assertNotValid();
    }

    @Test
    void aStateDirectoryMustBeSomewhereNiFiCanWrite(@TempDir Path temp) throws Exception {
        Path file = Files.writeString(temp.resolve("a-file"), "x");
        runner.setProperty(ScoreAnomaly.STATE_DIRECTORY, file.toString());
        String messages = messages(runner.validate());
        assertTrue(messages.contains("is a file, not a directory"), messages);
        runner.setProperty(ScoreAnomaly.STATE_DIRECTORY, file.resolve("state").toString());
        messages = messages(runner.validate());
        assertTrue(messages.contains("cannot be created: " + file + " is a file"), messages);
        runner.setProperty(
                ScoreAnomaly.STATE_DIRECTORY, temp.resolve("not/yet/there").toString());
        runner.assertValid();
        runner.setProperty(ScoreAnomaly.STATE_DIRECTORY, temp.toString());
        runner.assertValid();
    }

    static String messages(Collection<ValidationResult> results) {
        return results.stream()
                .filter(r -> !r.isValid())
                .map(ValidationResult::toString)
                .collect(Collectors.joining("\n"));
    }
}
