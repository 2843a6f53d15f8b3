package io.github.factorytwin.processors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.apache.nifi.util.TestRunner;
import org.junit.jupiter.api.Test;

/** Issue 14 item 3: a whole file in one FlowFile is scored after its warm-up; ids are optional under GLOBAL. */
class BatchSemanticsTest {

    private static TestRunner runner() throws Exception {
        TestRunner runner = AnomalyTestData.runner(new ScoreAnomaly(), true);
        runner.setProperty(ScoreAnomaly.WARM_UP_SIZE, "200");
        runner.setProperty(ScoreAnomaly.RANDOM_SEED, "3");
        return runner;
    }

    @Test
    void theWarmUpCompletesWithinAFlowFileAndTheRestIsScored() throws Exception {
        TestRunner runner = runner();
        AnomalyTestData data = new AnomalyTestData(1).normal("M001", 300);
        data.add("M001", 75, 3.5, 3000); // a vibration spike after the warm-up
        runner.enqueue(data.json());
        runner.run();
        List<JsonNode> out = AnomalyTestData.all(runner, ScoreAnomaly.REL_SUCCESS);
        assertEquals(301, out.size());
        for (int i = 0; i < 301; i++) {
            assertEquals(i < 200, out.get(i).get("anomaly_score").isNull(), "record " + i);
        }
        assertTrue(out.get(300).get("is_anomaly").asBoolean(), "the spike in the same FlowFile is found");
        assertEquals(101, runner.getCounterValue("Records Scored"));
    }

    @Test
    void aFlowFileThatFailsKeepsNothingItLearned() throws Exception {
        TestRunner runner = runner();
        // 250 readings, then content the reader cannot read: the FlowFile fails whole
        String broken = new AnomalyTestData(1).normal("M001", 250).json();
        runner.enqueue(broken.substring(0, broken.length() - 1) + ",{\"machine_id\": oops}]");
        runner.run(1, false, true);
        runner.assertAllFlowFilesTransferred(ScoreAnomaly.REL_FAILURE, 1);
        runner.clearTransferState();
        runner.enqueue(new AnomalyTestData(2).normal("M001", 10).json());
        runner.run(1, false, false);
        assertTrue(
                AnomalyTestData.all(runner, ScoreAnomaly.REL_SUCCESS).stream()
                        .allMatch(r -> r.get("anomaly_score").isNull()),
                "the model fitted inside the failed FlowFile was not kept");
    }

    @Test
    void readingsWithoutAMachineIdFormOneSeriesUnderGlobalScope() throws Exception {
        TestRunner runner = runner();
        runner.setProperty(ScoreAnomaly.DERIVED_FEATURES, "DELTA");
        StringBuilder json = new StringBuilder("[");
        java.util.Random random = new java.util.Random(4);
        for (int i = 0; i < 250; i++) {
            double rpm = 1500 + 3000 * random.nextDouble();
            json.append(i == 0 ? "" : ",")
                    .append(String.format(
                            java.util.Locale.ROOT,
                            "{\"temperature\":%.3f,\"vibration\":%.3f,\"rpm\":%.1f}",
                            75 + 2 * random.nextGaussian(),
                            AnomalyTestData.vibrationAt(rpm),
                            rpm));
        }
        runner.enqueue(json.append(']').toString());
        runner.run();
        runner.assertAllFlowFilesTransferred(ScoreAnomaly.REL_SUCCESS, 1);
        List<JsonNode> out = AnomalyTestData.all(runner, ScoreAnomaly.REL_SUCCESS);
        assertEquals(250, out.size());
        assertFalse(out.get(249).get("anomaly_score").isNull(), "scored after the warm-up, no failure");
        assertTrue(out.get(249).get("machine_id") == null
                || out.get(249).get("machine_id").isNull());
    }

    @Test
    void thePostProcessingLearningPeriodIsItsOwnProperty() throws Exception {
        TestRunner runner = runner();
        runner.setProperty(ScoreAnomaly.SCORE_POST_PROCESSING, "LIKELIHOOD");
        runner.setProperty(ScoreAnomaly.ANOMALY_THRESHOLD, "0.5");
        runner.setProperty(ScoreAnomaly.POST_PROCESSING_LEARNING_PERIOD, "3");
        runner.assertNotValid();
        runner.setProperty(ScoreAnomaly.POST_PROCESSING_LEARNING_PERIOD, "20");
        runner.assertValid();
    }
}
