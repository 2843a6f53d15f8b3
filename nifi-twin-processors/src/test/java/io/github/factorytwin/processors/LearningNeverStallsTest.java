package io.github.factorytwin.processors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.nifi.util.MockFlowFile;
import org.apache.nifi.util.TestRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 13 §2: extreme or degenerate data never poisons a model, never rolls a FlowFile back. */
class LearningNeverStallsTest {

    @TempDir
    Path dir;

    private static TestRunner scorer(String warmUp) throws Exception {
        TestRunner runner = AnomalyTestData.runner(new ScoreAnomaly(), true);
        runner.setProperty(ScoreAnomaly.WARM_UP_SIZE, warmUp);
        runner.setProperty(ScoreAnomaly.RANDOM_SEED, "7");
        runner.setProperty(ScoreAnomaly.DERIVED_FEATURES, "DELTA");
        return runner;
    }

    @Test
    void extremeValuesMakingDeltaInfiniteAreNotLearnedAndTheModelStaysUseful() throws Exception {
        TestRunner runner = scorer("100");
        // one machine swings from 1e308 to -1e308: DELTA of 2e308 is infinite
        AnomalyTestData data = new AnomalyTestData(1);
        for (int i = 0; i < 10; i++) {
            data.add("X", 1e308, 1e308, 1e308).add("X", -1e308, -1e308, -1e308);
        }
        data.normal("M001", 150);
        runner.enqueue(data.json());
        runner.run(1, false, true);
        assertEquals(0, runner.getQueueSize().getObjectCount(), "nothing rolled back");
        runner.assertTransferCount(ScoreAnomaly.REL_SUCCESS, 1);
        assertEquals(170, AnomalyTestData.all(runner, ScoreAnomaly.REL_SUCCESS).size());
        runner.clearTransferState();

        runner.enqueue(new AnomalyTestData(2).normal("M001", 200).json());
        runner.run(1, false, false);
        List<JsonNode> scored = AnomalyTestData.all(runner, ScoreAnomaly.REL_SUCCESS);
        long anomalous =
                scored.stream().filter(r -> r.get("is_anomaly").asBoolean()).count();
        assertTrue(anomalous <= 4, "a model of real readings finds normal readings normal, not " + anomalous);
        assertNull(runner.getCounterValue(ScoreAnomaly.COUNTER_FITS_REFUSED));
    }

    @Test
    void aWarmUpOfOneRepeatedReadingIsRefusedAndTheWarmUpGoesOn() throws Exception {
        TestRunner runner = scorer("100");
        runner.setProperty(ScoreAnomaly.DERIVED_FEATURES, "NONE");
        String stuck = String.join(
                ",",
                Collections.nCopies(120, "{\"machine_id\":\"M1\",\"temperature\":70,\"vibration\":1,\"rpm\":3000}"));
        runner.enqueue("[" + stuck + "]");
        runner.run(1, false, true);
        assertEquals(0, runner.getQueueSize().getObjectCount(), "not rolled back");
        runner.assertAllFlowFilesTransferred(ScoreAnomaly.REL_SUCCESS, 1);
        List<JsonNode> out = AnomalyTestData.all(runner, ScoreAnomaly.REL_SUCCESS);
        assertEquals(120, out.size());
        assertTrue(out.stream().allMatch(r -> r.get("anomaly_score").isNull()), "no degenerate model scored");
        assertTrue(runner.getCounterValue(ScoreAnomaly.COUNTER_FITS_REFUSED) >= 1);
        assertTrue(runner.getLogger().getWarnMessages().stream()
                .anyMatch(m -> m.getMsg().contains("distinct")));
        runner.clearTransferState();

        // real readings arrive: the warm-up goes on and a model is fitted on them
        runner.enqueue(new AnomalyTestData(3).normal("M1", 100).json());
        runner.run(1, false, false);
        runner.enqueue(new AnomalyTestData(4).normal("M1", 50).json());
        runner.run(1, false, false);
        List<JsonNode> later = AnomalyTestData.all(runner, ScoreAnomaly.REL_SUCCESS);
        assertFalse(later.get(later.size() - 1).get("anomaly_score").isNull(), "a model fitted after all");
    }

    @Test
    void trainingOnDegenerateDataFailsOnceWithoutRetry() throws Exception {
        TestRunner trainer = AnomalyTestData.runner(new TrainAnomalyModel(), false);
        Path model = dir.resolve("model.iforest");
        trainer.setProperty(TrainAnomalyModel.MODEL_FILE, model.toString());
        trainer.setProperty(TrainAnomalyModel.DERIVED_FEATURES, "DELTA");
        AnomalyTestData data = new AnomalyTestData(1);
        for (int i = 0; i < 50; i++) {
            data.add("X", 1e308, 1e308, 1e308).add("X", -1e308, -1e308, -1e308);
        }
        for (int i = 0; i < 20; i++) {
            data.add("Y", 70, 1, 3000); // usable, but one distinct reading
        }
        trainer.enqueue(data.json());
        trainer.run(3);
        trainer.assertAllFlowFilesTransferred(TrainAnomalyModel.REL_FAILURE, 1);
        assertEquals(0, trainer.getQueueSize().getObjectCount());
        MockFlowFile failed = trainer.getFlowFilesForRelationship(TrainAnomalyModel.REL_FAILURE)
                .get(0);
        assertTrue(
                failed.getAttribute("record.error.message").contains("distinct"),
                failed.getAttributes().toString());
        assertFalse(Files.exists(model));
    }

    @Test
    void configurationsThatCanNeverFitAreInvalid() throws Exception {
        String tooMany = IntStream.range(0, 400).mapToObj(i -> "f" + i).collect(Collectors.joining(","));
        TestRunner runner = scorer("1000");
        runner.setProperty(ScoreAnomaly.FEATURE_FIELDS, tooMany);
        runner.setProperty(ScoreAnomaly.DERIVED_FEATURES, "DELTA_AND_WINDOW"); // 1,200 features
        runner.assertNotValid();
        runner.setProperty(ScoreAnomaly.DERIVED_FEATURES, "NONE");
        runner.assertValid();
        runner.setProperty(ScoreAnomaly.NUMBER_OF_TREES, "10000");
        runner.setProperty(ScoreAnomaly.SUBSAMPLE_SIZE, "1000");
        runner.assertNotValid(); // 10,000 trees of 1,999 nodes over 400 features

        TestRunner trainer = AnomalyTestData.runner(new TrainAnomalyModel(), false);
        trainer.setProperty(TrainAnomalyModel.MODEL_FILE, dir.resolve("m").toString());
        trainer.assertValid();
        trainer.setProperty(TrainAnomalyModel.FEATURE_FIELDS, tooMany);
        trainer.setProperty(TrainAnomalyModel.DERIVED_FEATURES, "DELTA_AND_WINDOW");
        trainer.assertNotValid();
    }
}
