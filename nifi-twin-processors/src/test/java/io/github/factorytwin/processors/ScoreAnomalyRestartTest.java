package io.github.factorytwin.processors;

import static io.github.factorytwin.processors.ScoreAnomaly.REL_SUCCESS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.nifi.util.TestRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Learned models (and machine state) kept in the State Directory survive a restart. */
class ScoreAnomalyRestartTest {

    @TempDir
    Path directory;

    private static TestRunner runner(Path directory, String scope) throws Exception {
        TestRunner runner = AnomalyTestData.runner(new ScoreAnomaly(), true);
        // 300 warm-up readings: the global model, or the two machines' models, are fitted at the last one.
        runner.setProperty(ScoreAnomaly.WARM_UP_SIZE, scope.equals("GLOBAL") ? "300" : "150");
        runner.setProperty(ScoreAnomaly.RANDOM_SEED, "11");
        runner.setProperty(ScoreAnomaly.NUMBER_OF_TREES, "50");
        runner.setProperty(ScoreAnomaly.DERIVED_FEATURES, "DELTA_AND_WINDOW");
        runner.setProperty(ScoreAnomaly.MODEL_SCOPE, scope);
        if (directory != null) {
            runner.setProperty(ScoreAnomaly.STATE_DIRECTORY, directory.toString());
        }
        return runner;
    }

    private static String warmUp() {
        AnomalyTestData data = new AnomalyTestData(21);
        for (int i = 0; i < 150; i++) {
            data.normal("M001", 1).normal("M002", 1);
        }
        return data.json();
    }

    private static String later() {
        AnomalyTestData data = new AnomalyTestData(22).normal("M001", 20).normal("M002", 20);
        data.add("M001", 75, 3.5, 3000);
        return data.json();
    }

    private static List<Double> scores(TestRunner runner) throws Exception {
        List<Double> scores = AnomalyTestData.all(runner, REL_SUCCESS).stream()
                .map(r -> r.get("anomaly_score").isNull()
                        ? null
                        : r.get("anomaly_score").asDouble())
                .toList();
        runner.clearTransferState();
        return scores;
    }

    /** Scores of the later readings without any restart (same seed, same readings). */
    private static List<Double> uninterrupted(String scope) throws Exception {
        TestRunner reference = runner(null, scope);
        reference.enqueue(warmUp());
        reference.run(1, false, true);
        reference.clearTransferState();
        reference.enqueue(later());
        reference.run(1, true, false);
        return scores(reference);
    }

    private void learnAndStop(String scope) throws Exception {
        TestRunner before = runner(directory, scope);
        before.enqueue(warmUp());
        before.run(1, true, true); // warm-up, then stop: models saved after the fit, machine state on stop
        assertTrue(scores(before).stream().allMatch(s -> s == null), "the warm-up readings have no score");
    }

    @Test
    void globalModelAndMachineStateSurviveARestart() throws Exception {
        List<Double> expected = uninterrupted("GLOBAL");
        learnAndStop("GLOBAL");

        TestRunner after = runner(directory, "GLOBAL");
        after.enqueue(later());
        after.run(1, true, true);
        List<Double> restarted = scores(after);
        assertTrue(restarted.get(0) != null, "the first reading after the restart is scored");
        // Equal scores, also for the DELTA/WINDOW features: the machine state was restored as well.
        assertEquals(expected, restarted);
        assertTrue(restarted.get(restarted.size() - 1) > 0.9, "the spike is still found");
    }

    @Test
    void perMachineModelsSurviveARestart() throws Exception {
        List<Double> expected = uninterrupted("PER_MACHINE");
        learnAndStop("PER_MACHINE");
        try (Stream<Path> files = Files.walk(directory)) {
            assertEquals(2, files.filter(f -> f.toString().endsWith(".model")).count(), "one model file per machine");
        }
        TestRunner after = runner(directory, "PER_MACHINE");
        after.enqueue(later());
        after.run(1, true, true);
        assertEquals(expected, scores(after));
    }

    @Test
    void changedForestSettingsInvalidateTheSavedModel() throws Exception {
        learnAndStop("GLOBAL");
        TestRunner changed = runner(directory, "GLOBAL");
        changed.setProperty(ScoreAnomaly.NUMBER_OF_TREES, "60");
        changed.enqueue(later());
        changed.run(1, true, true);
        List<Double> scores = scores(changed);
        assertTrue(scores.stream().allMatch(s -> s == null), "a different forest warms up again: " + scores);

        TestRunner original = runner(directory, "GLOBAL");
        original.enqueue(later());
        original.run(1, true, true);
        assertFalse(scores(original).contains(null), "the original settings still find their model");
    }

    @Test
    void unusableSavedModelIsIgnoredAndLearnedAgain() throws Exception {
        // Without retraining the warm-up sample is used up by the fit: a damaged model means warming up again.
        TestRunner before = runner(directory, "GLOBAL");
        before.setProperty(ScoreAnomaly.RETRAIN_INTERVAL, "0");
        before.enqueue(warmUp());
        before.run(1, true, true);
        damageSavedModels();
        TestRunner after = runner(directory, "GLOBAL");
        after.setProperty(ScoreAnomaly.RETRAIN_INTERVAL, "0");
        after.enqueue(later());
        after.run(1, true, true);
        assertTrue(scores(after).stream().allMatch(s -> s == null), "a damaged model is not used");
        assertNotEquals(0, after.getLogger().getWarnMessages().size(), "and it is reported");
    }

    private void damageSavedModels() throws Exception {
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path model : files.filter(f -> f.toString().endsWith(".model")).toList()) {
                Files.writeString(model, "garbage");
            }
        }
    }

    /** Readings [from, to) of one stream of M001 and M002 readings, as JSON. */
    private static String stream(int from, int to) {
        AnomalyTestData all = new AnomalyTestData(31);
        for (int i = 0; i < 700; i++) {
            all.normal("M001", 1).normal("M002", 1);
        }
        return AnomalyTestData.JSON
                .createArrayNode()
                .addAll(all.records(from, to))
                .toString();
    }

    private static TestRunner warmingUp(Path directory) throws Exception {
        TestRunner runner = runner(directory, "GLOBAL");
        runner.setProperty(ScoreAnomaly.WARM_UP_SIZE, "1000");
        return runner;
    }

    @Test
    void anUnfinishedWarmUpSurvivesARestart() throws Exception {
        TestRunner reference = warmingUp(null);
        reference.enqueue(stream(0, 710));
        reference.run(1, false, true);
        reference.enqueue(stream(710, 1000));
        reference.run(1, false, false);
        reference.clearTransferState();
        reference.enqueue(stream(1000, 1400));
        reference.run(1, true, false);
        List<Double> expected = scores(reference);
        assertFalse(expected.contains(null), "the warm-up of 1,000 readings is complete");

        TestRunner before = warmingUp(directory);
        before.enqueue(stream(0, 710));
        before.run(1, true, true); // 710 readings learned, then stop
        TestRunner after = warmingUp(directory);
        after.enqueue(stream(710, 1000));
        after.run(1, false, true);
        assertTrue(scores(after).stream().allMatch(s -> s == null), "290 more readings complete the warm-up");
        after.enqueue(stream(1000, 1400));
        after.run(1, true, false);
        assertEquals(expected, scores(after), "710 + restart + 290 readings learn the same model as 1,000");
    }

    @Test
    void machineIdsOfAnyLengthAreSavedAndRestored() throws Exception {
        String longId = "M".repeat(300) + "/../é";
        TestRunner before = runner(directory, "PER_MACHINE");
        AnomalyTestData data = new AnomalyTestData(5).normal(longId, 150);
        before.enqueue(data.json());
        before.run(1, true, true);
        TestRunner after = runner(directory, "PER_MACHINE");
        after.enqueue(new AnomalyTestData(6).normal(longId, 5).json());
        after.run(1, true, true);
        assertFalse(scores(after).contains(null), "the machine's saved model is found after the restart");
        assertTrue(
                after.getLogger().getErrorMessages().isEmpty(),
                after.getLogger().getErrorMessages().toString());
    }
}
