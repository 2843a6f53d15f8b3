package io.github.factorytwin.processors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.factorytwin.anomaly.IsolationForestModel;
import io.github.factorytwin.anomaly.ModelFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.nifi.components.ConfigVerificationResult;
import org.apache.nifi.components.ConfigVerificationResult.Outcome;
import org.apache.nifi.util.MockFlowFile;
import org.apache.nifi.util.TestRunner;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TrainAnomalyModel writes model files; ScoreAnomaly loads them, hot-reloads them and refuses bad ones. */
class AnomalyModelFileTest {

    static final List<String> FEATURES = List.of("temperature", "vibration", "rpm");

    @TempDir
    Path dir;

    private Path modelFile;
    private TestRunner scorer;
    private boolean scheduled;

    @BeforeEach
    void setUp() throws Exception {
        modelFile = dir.resolve("models/anomaly.iforest");
        scorer = AnomalyTestData.runner(processor, true);
        scorer.setProperty(ScoreAnomaly.MODEL_SOURCE, "MODEL_FILE");
        scorer.setProperty(ScoreAnomaly.MODEL_FILE, modelFile.toString());
    }

    private final ScoreAnomaly processor = new ScoreAnomaly();

    private List<JsonNode> score(String json) throws Exception {
        scorer.clearTransferState();
        scorer.enqueue(json);
        if (!scheduled) {
            scorer.run(1, false, true);
            scheduled = true;
        } else {
            // Trigger the running processor directly: the mock runner re-validates before every run(), while
            // NiFi keeps a running processor running when its model file changes underneath it.
            processor.onTrigger(scorer.getProcessContext(), scorer.getProcessSessionFactory());
        }
        return AnomalyTestData.all(scorer, ScoreAnomaly.REL_SUCCESS);
    }

    /** A model of machines running at {@code temperature} degrees. */
    private static IsolationForestModel modelAt(double temperature, long seed) {
        Random random = new Random(seed);
        double[][] rows = new double[500][];
        for (int i = 0; i < rows.length; i++) {
            double rpm = 1500 + 3000 * random.nextDouble();
            rows[i] = new double[] {
                temperature + 2 * random.nextGaussian(),
                AnomalyTestData.vibrationAt(rpm) + 0.05 * random.nextGaussian(),
                rpm
            };
        }
        return IsolationForestModel.fit(FEATURES, rows, 100, 256, seed);
    }

    private void install(IsolationForestModel model, long modifiedMillis) throws Exception {
        ModelFormat.writeAtomically(model, modelFile);
        Files.setLastModifiedTime(modelFile, FileTime.fromMillis(modifiedMillis));
    }

    @Test
    void trainAnomalyModelWritesAModelScoreAnomalyLoads() throws Exception {
        TestRunner trainer = AnomalyTestData.runner(new TrainAnomalyModel(), false);
        trainer.setProperty(TrainAnomalyModel.MODEL_FILE, modelFile.toString());
        trainer.setProperty(TrainAnomalyModel.RANDOM_SEED, "3");
        AnomalyTestData history = new AnomalyTestData(1).normal("M001", 400).normal("M002", 400);
        history.addRaw("{\"machine_id\":\"M001\",\"temperature\":null,\"vibration\":1,\"rpm\":3000}");
        trainer.enqueue(history.json());
        trainer.run();

        trainer.assertAllFlowFilesTransferred(TrainAnomalyModel.REL_SUCCESS, 1);
        MockFlowFile out = trainer.getFlowFilesForRelationship(TrainAnomalyModel.REL_SUCCESS)
                .get(0);
        out.assertContentEquals(history.json());
        out.assertAttributeEquals("model.path", modelFile.toAbsolutePath().toString());
        out.assertAttributeEquals("model.training.count", "800");
        out.assertAttributeEquals("model.training.skipped", "1");
        out.assertAttributeEquals("model.features", "temperature,vibration,rpm");
        assertEquals(800, ModelFormat.read(modelFile).trainingCount());

        scorer.assertValid();
        List<JsonNode> scored = score(new AnomalyTestData(2)
                .normal("M001", 50)
                .add("M002", 75, 3.2, 3000)
                .json());
        assertEquals(51, scored.size());
        assertTrue(scored.get(50).get("is_anomaly").asBoolean());
        assertEquals("vibration", scored.get(50).get("anomaly_feature").asText());
        assertEquals(1, AnomalyTestData.all(scorer, ScoreAnomaly.REL_ANOMALOUS).size());
        assertFalse(scored.get(0).get("anomaly_score").isNull(), "a model file needs no warm-up");
    }

    @Test
    void trainingOnTooFewUsableReadingsFailsWithAReason() throws Exception {
        TestRunner trainer = AnomalyTestData.runner(new TrainAnomalyModel(), false);
        trainer.setProperty(TrainAnomalyModel.MODEL_FILE, modelFile.toString());
        trainer.enqueue(new AnomalyTestData(1).normal("M001", 5).json());
        trainer.run();
        trainer.assertAllFlowFilesTransferred(TrainAnomalyModel.REL_FAILURE, 1);
        assertTrue(trainer.getFlowFilesForRelationship(TrainAnomalyModel.REL_FAILURE)
                .get(0)
                .getAttribute("record.error.message")
                .startsWith("Only 5 usable readings"));
        assertFalse(Files.exists(modelFile));
    }

    @Test
    void aReplacedModelFileIsUsedFromTheNextTriggerWithoutRestarting() throws Exception {
        IsolationForestModel a = modelAt(75, 1);
        IsolationForestModel b = modelAt(95, 2);
        install(a, 1_000_000_000_000L);
        String hot = new AnomalyTestData(3).add("M001", 95, 0.95, 3000).json();
        double[] x = {95, 0.95, 3000};

        JsonNode withA = score(hot).get(0);
        assertEquals(a.score(x), withA.get("anomaly_score").asDouble(), 0.0);
        assertTrue(withA.get("is_anomaly").asBoolean(), "95 degrees is hot for model A");

        install(b, 1_000_000_060_000L);
        JsonNode withB = score(hot).get(0);
        assertEquals(b.score(x), withB.get("anomaly_score").asDouble(), 0.0);
        assertFalse(withB.get("is_anomaly").asBoolean(), "95 degrees is normal for model B");
    }

    @Test
    void aDamagedReplacementKeepsThePreviousModelAndRecordsStillFlow() throws Exception {
        IsolationForestModel a = modelAt(75, 1);
        install(a, 1_000_000_000_000L);
        String reading = new AnomalyTestData(3).add("M001", 80, 0.95, 3000).json();
        score(reading);

        Files.writeString(modelFile, "this is not a model");
        JsonNode scored = score(reading).get(0);
        assertEquals(
                a.score(new double[] {80, 0.95, 3000}),
                scored.get("anomaly_score").asDouble(),
                0.0);
        scorer.assertTransferCount(ScoreAnomaly.REL_FAILURE, 0);
        assertTrue(scorer.getLogger().getErrorMessages().stream()
                .anyMatch(m -> m.getMsg().contains("Not a ScoreAnomaly model file")));
    }

    @Test
    void aMissingModelFileMakesTheProcessorInvalid() {
        scorer.assertNotValid();
        String missing = ScoreAnomalyTest.messages(scorer.validate());
        assertTrue(missing.contains(ScoreAnomaly.MODEL_FILE.getDisplayName()), missing);
    }

    @Test
    void verificationLoadsTheModelFileAndSaysWhatToFix() throws Exception {
        assertEquals(
                List.of(Outcome.FAILED, Outcome.SKIPPED),
                outcomes(scorer.verify(Map.of())),
                "no file yet (and no State Directory)");
        assertTrue(step(scorer, ScoreAnomaly.VERIFY_MODEL_FILE).getExplanation().contains("no such file"));

        Files.createDirectories(modelFile.getParent());
        Files.writeString(modelFile, "{\"trees\": []}");
        scorer.assertValid(); // validation does not read the file: it runs every few seconds
        ConfigVerificationResult corrupt = step(scorer, ScoreAnomaly.VERIFY_MODEL_FILE);
        assertEquals(Outcome.FAILED, corrupt.getOutcome());
        assertTrue(corrupt.getExplanation().contains("Not a ScoreAnomaly model file"), corrupt.getExplanation());
        assertTrue(corrupt.getExplanation().contains("Point Model File to a model written by TrainAnomalyModel"));

        install(modelAt(75, 1), 1_000_000_000_000L);
        ConfigVerificationResult good = step(scorer, ScoreAnomaly.VERIFY_MODEL_FILE);
        assertEquals(Outcome.SUCCESSFUL, good.getOutcome(), good.getExplanation());
        assertTrue(
                good.getExplanation().contains("100 trees over [temperature, vibration, rpm], trained on 500 readings"),
                good.getExplanation());

        scorer.setProperty(ScoreAnomaly.DERIVED_FEATURES, "DELTA");
        ConfigVerificationResult mismatch = step(scorer, ScoreAnomaly.VERIFY_MODEL_FILE);
        assertEquals(Outcome.FAILED, mismatch.getOutcome());
        assertTrue(
                mismatch.getExplanation().contains("trained on features [temperature, vibration, rpm]"),
                mismatch.getExplanation());
        assertTrue(mismatch.getExplanation().contains("temperature.delta"), mismatch.getExplanation());
    }

    @Test
    void aModelFileThatCannotBeUsedKeepsTheProcessorFromStarting() throws Exception {
        Files.createDirectories(modelFile.getParent());
        Files.writeString(modelFile, "this is not a model");
        scorer.enqueue(new AnomalyTestData(3).normal("M001", 2).json());
        AssertionError refused = assertThrows(AssertionError.class, () -> scorer.run());
        assertTrue(causes(refused).contains("Not a ScoreAnomaly model file"), causes(refused));
        scorer.assertQueueNotEmpty(); // nothing was taken: the reading waits for a usable model
    }

    /** The messages of {@code thrown} and its causes: the mock runner wraps what @OnScheduled threw. */
    static String causes(Throwable thrown) {
        StringBuilder messages = new StringBuilder();
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            messages.append(t.getMessage()).append(" / ");
        }
        return messages.toString();
    }

    static List<Outcome> outcomes(List<ConfigVerificationResult> results) {
        return results.stream().map(ConfigVerificationResult::getOutcome).toList();
    }

    static ConfigVerificationResult step(TestRunner runner, String name) {
        return runner.verify(Map.of()).stream()
                .filter(r -> r.getVerificationStepName().equals(name))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void aModelFileThatDisappearsAtRuntimeKeepsTheLoadedModel() throws Exception {
        install(modelAt(75, 1), 1_000_000_000_000L);
        score(new AnomalyTestData(4).normal("M001", 3).json());
        Files.delete(modelFile);
        // The model loaded at schedule time stays: a deleted file does not stop scoring.
        assertEquals(3, score(new AnomalyTestData(5).normal("M001", 3).json()).size());
        scorer.assertTransferCount(ScoreAnomaly.REL_FAILURE, 0);
        assertTrue(scorer.getLogger().getErrorMessages().stream()
                .anyMatch(m -> m.getMsg().contains("no such file")));
    }

    @Test
    void trainAnomalyModelRefusesAModelFileItCannotWrite() throws Exception {
        TestRunner trainer = AnomalyTestData.runner(new TrainAnomalyModel(), false);
        Files.createDirectories(dir.resolve("models"));
        trainer.setProperty(TrainAnomalyModel.MODEL_FILE, dir.resolve("models").toString());
        String messages = ScoreAnomalyTest.messages(trainer.validate());
        assertTrue(messages.contains("is a directory: give the path of a file in it"), messages);
        Path file = Files.writeString(dir.resolve("plain-file"), "x");
        trainer.setProperty(
                TrainAnomalyModel.MODEL_FILE, file.resolve("model.iforest").toString());
        messages = ScoreAnomalyTest.messages(trainer.validate());
        assertTrue(messages.contains(file + " is a file, not a directory"), messages);
        trainer.setProperty(
                TrainAnomalyModel.MODEL_FILE,
                dir.resolve("new/dir/model.iforest").toString());
        trainer.assertValid();
    }

    /** Runs one FlowFile through a fresh ScoreAnomaly with the model file (and a state directory, if given), then stops it. */
    private TestRunner runOnce(Path stateDirectory, String json) throws Exception {
        TestRunner runner = AnomalyTestData.runner(new ScoreAnomaly(), true);
        runner.setProperty(ScoreAnomaly.MODEL_SOURCE, "MODEL_FILE");
        runner.setProperty(ScoreAnomaly.MODEL_FILE, modelFile.toString());
        runner.setProperty(ScoreAnomaly.RANGE_TOLERANCE, "0.05");
        if (stateDirectory != null) {
            runner.setProperty(ScoreAnomaly.STATE_DIRECTORY, stateDirectory.toString());
        }
        runner.enqueue(json);
        runner.run(1, true, true);
        return runner;
    }

    @Test
    void withAStateDirectoryEachMachinesStateSurvivesARestartWithAModelFile() throws Exception {
        install(modelAt(75, 1), 1_000_000L);
        Path state = dir.resolve("state");
        runOnce(state, new AnomalyTestData(3).normal("M001", 5).json());
        String missingTemperature = "[{\"machine_id\":\"M001\",\"vibration\":1.0,\"rpm\":3000}]";

        TestRunner restarted = runOnce(state, missingTemperature);
        restarted.assertTransferCount(ScoreAnomaly.REL_FAILURE, 0);
        JsonNode imputed =
                AnomalyTestData.all(restarted, ScoreAnomaly.REL_SUCCESS).get(0);
        assertTrue(
                imputed.get("anomaly_explanation").asText().contains("imputed from the machine's last value"),
                "the machine's last values came back with the restart: " + imputed);
        try (var files = Files.walk(state)) {
            List<String> names = files.map(f -> f.getFileName().toString()).toList();
            assertTrue(names.contains("machines.state") && names.contains("postprocessing.state"), names.toString());
            assertFalse(names.stream().anyMatch(n -> n.endsWith(".model")), "a model file is not copied");
        }

        TestRunner forgetful = runOnce(null, missingTemperature);
        forgetful.assertTransferCount(ScoreAnomaly.REL_FAILURE, 1);
    }
}
