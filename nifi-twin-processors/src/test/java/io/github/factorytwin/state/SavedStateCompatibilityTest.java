package io.github.factorytwin.state;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.factorytwin.anomaly.FeatureState;
import io.github.factorytwin.anomaly.IsolationForestModel;
import io.github.factorytwin.anomaly.MissingValueStrategy;
import io.github.factorytwin.anomaly.ModelFormat;
import io.github.factorytwin.anomaly.PostProcessingState;
import io.github.factorytwin.anomaly.StateDirectory;
import io.github.factorytwin.health.HealthAssessment;
import io.github.factorytwin.health.HealthEngine;
import io.github.factorytwin.health.HealthStateStore;
import io.github.factorytwin.health.ScoredReading;
import io.github.factorytwin.simulator.FactorySimulator;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * State written by the version before the common state pattern (fixtures, see their README) is still read, and
 * holds what the same scenario computes afresh.
 */
class SavedStateCompatibilityTest {

    @TempDir
    Path dir;

    @Test
    void modelFileVersion1GivesTheScoresItGaveWhenWritten() throws Exception {
        IsolationForestModel model =
                ModelFormat.read(new ByteArrayInputStream(StateFixtures.resource("model-v1.model")));
        String[] lines = new String(StateFixtures.resource("model-v1.scores.txt"), StandardCharsets.UTF_8).split("\n");
        double[][] rows = StateFixtures.rows(5, 9);
        assertEquals(rows.length, lines.length);
        for (int i = 0; i < rows.length; i++) {
            String expected = lines[i].substring(lines[i].lastIndexOf(' ') + 1);
            assertEquals(Double.parseDouble(expected), model.score(rows[i]), 0.0, "row " + i);
        }
        java.io.ByteArrayOutputStream again = new java.io.ByteArrayOutputStream();
        ModelFormat.write(model, again);
        assertArrayEquals(StateFixtures.resource("model-v1.model"), again.toByteArray(), "written the same way");
    }

    @Test
    void stateDirectoryFilesVersion2AreReadAsTheyWereSaved() throws Exception {
        checkStateDirectoryFiles("v2");
    }

    @Test
    void stateDirectoryFilesVersion3AreReadAsTheyWereSaved() throws Exception {
        checkStateDirectoryFiles("v3");
    }

    /** The machine and post-processing files of {@code version} (and the version 2 sample) hold the scenario. */
    private void checkStateDirectoryFiles(String version) throws Exception {
        StateDirectory directory = new StateDirectory(dir, StateFixtures.FEATURES, StateFixtures.SETTINGS);
        Path sub = Files.createDirectories(directory.directory());
        Files.write(sub.resolve("machines.state"), StateFixtures.resource("anomaly-machines-" + version + ".state"));
        Files.write(
                sub.resolve("postprocessing.state"),
                StateFixtures.resource("anomaly-postprocessing-" + version + ".state"));
        String hash = HexFormat.of()
                .formatHex(MessageDigest.getInstance("SHA-256")
                        .digest(StateFixtures.SCOPE_KEY.getBytes(StandardCharsets.UTF_8)));
        Files.write(sub.resolve("s-" + hash + ".sample"), StateFixtures.resource("anomaly-sample-v2.sample"));

        Map<String, FeatureState> machines = directory.loadMachines();
        assertEquals(2, machines.size());
        assertSameFeatures(StateFixtures.anomalyMachine(30, 1), machines.get("M001"));
        assertSameFeatures(StateFixtures.anomalyMachine(3, 2), machines.get("M002"));

        Map<String, PostProcessingState> loaded = directory.loadPostProcessing(StateFixtures.POST_PROCESSING);
        Map<String, PostProcessingState> fresh = StateFixtures.postProcessing(90);
        assertEquals(fresh.keySet(), loaded.keySet());
        Random random = new Random(5);
        for (int i = 0; i < 30; i++) {
            double score = 0.4 + 0.2 * random.nextGaussian();
            double value = 10 + 3 * random.nextGaussian();
            String machine = "M" + (i % 3);
            assertEquals(
                    fresh.get(machine).process(score, value),
                    loaded.get(machine).process(score, value),
                    0.0);
        }

        List<double[]> sample = directory.loadSample(StateFixtures.SCOPE_KEY);
        assertArrayEquals(StateFixtures.rows(30, 4), sample.toArray(double[][]::new));
    }

    @Test
    void theSameStateDirectoryStatesAreStillWrittenAsVersion3Wrote() throws Exception {
        StateDirectory directory = new StateDirectory(dir, StateFixtures.FEATURES, StateFixtures.SETTINGS);
        Path sub = Files.createDirectories(directory.directory());
        Map<String, FeatureState> machines = new java.util.LinkedHashMap<>();
        machines.put("M001", StateFixtures.anomalyMachine(30, 1));
        machines.put("M002", StateFixtures.anomalyMachine(3, 2));
        directory.saveMachines(machines);
        assertArrayEquals(
                StateFixtures.resource("anomaly-machines-v3.state"), Files.readAllBytes(sub.resolve("machines.state")));
        directory.savePostProcessing(StateFixtures.POST_PROCESSING, StateFixtures.postProcessing(90));
        assertArrayEquals(
                StateFixtures.resource("anomaly-postprocessing-v3.state"),
                Files.readAllBytes(sub.resolve("postprocessing.state")));
    }

    /** Both states give the same features for the same next readings. */
    private static void assertSameFeatures(FeatureState expected, FeatureState actual) throws Exception {
        Random random = new Random(3);
        for (int i = 0; i < 12; i++) {
            double[] raw = {70 + random.nextGaussian(), i == 4 ? Double.NaN : 0.5, 3000 + random.nextGaussian()};
            assertArrayEquals(
                    expected.extract(StateFixtures.FEATURES, raw, MissingValueStrategy.IMPUTE_LAST)
                            .values(),
                    actual.extract(StateFixtures.FEATURES, raw, MissingValueStrategy.IMPUTE_LAST)
                            .values());
        }
    }

    @Test
    void healthStatesOfFormats3And4AreReadAndContinueAsTheStateComputedAfresh() {
        check(StateFixtures.loadEngine(), "health-load-format3.bin", 3);
        check(StateFixtures.plainEngine(), "health-plain-format3.bin", 3);
        check(StateFixtures.regimesEngine(), "health-regimes-format4.bin", 4);
    }

    @Test
    void healthStatesOfFormat5AreReadAndContinueAsTheStateComputedAfresh() {
        check(StateFixtures.loadEngine(), "health-load-format5.bin", 5);
        check(StateFixtures.plainEngine(), "health-plain-format5.bin", 5);
    }

    @Test
    void aFormat5StateStillLearningItsBaselineFinishesItOnTheLoadAlone() {
        HealthEngine engine = StateFixtures.loadEngine();
        byte[] old = StateFixtures.resource("health-load-learning-format5.bin");
        assertEquals(5, old[0]);
        assertSameState(engine, old, "learning");
        io.github.factorytwin.health.MachineState read = engine.fromBytes(old);
        assertEquals(40, read.readings());
        io.github.factorytwin.health.MachineState fresh = StateFixtures.healthState(engine, "M1", 40);
        Random random = new Random(5);
        for (int i = 0; i < 60; i++) { // the baseline (50 readings) completes, then health is assessed
            double rpm = i % 20 < 10 ? 1500 : 3000;
            ScoredReading next = new ScoredReading(
                    "M1",
                    StateFixtures.START + 2_000L * (40 + i),
                    new double[] {40 + rpm / 100 + random.nextGaussian(), 0.5 + rpm / 10_000, rpm},
                    0.4,
                    false,
                    new double[] {rpm});
            HealthAssessment continued = engine.update(read, next);
            HealthAssessment afresh = engine.update(fresh, next);
            assertTrue(Double.isFinite(continued.health()), "" + i);
            // the same data with and without the time sums: close, not equal (the time term is fitted afresh only)
            assertEquals(afresh.health(), continued.health(), 25, "" + i);
        }
    }

    /**
     * Bytes 1..142 of formats 3 to 6 hold the same scalars in the same order (timestamps, counts, anomaly level,
     * health, status, incident, trend sums): the state read from the old bytes must carry exactly those.
     */
    private static final int SCALAR_END = 143;

    private static void check(HealthEngine engine, String fixture, int format) {
        byte[] old = StateFixtures.resource(fixture);
        assertEquals(format, old[0]);
        assertSameState(engine, old, fixture);
        io.github.factorytwin.health.MachineState read = engine.fromBytes(old);
        assertEquals(StateFixtures.START + 2_000L * 299, read.lastTimestamp());
        assertEquals(300, read.readings());
        io.github.factorytwin.health.MachineState copy = engine.fromBytes(read.toBytes());
        Random random = new Random(4);
        for (int i = 0; i < 50; i++) {
            double rpm = i % 2 == 0 ? 1500 : 3000;
            ScoredReading next = new ScoredReading(
                    "M1",
                    StateFixtures.START + 2_000L * (300 + i),
                    new double[] {70 + 5 * random.nextGaussian(), 0.8, rpm},
                    0.6,
                    false,
                    new double[] {rpm});
            assertEquals(engine.update(copy, next), engine.update(read, next), fixture + " " + i);
        }
    }

    /**
     * The old bytes read and written in the current format keep their scalars and read back identically; format 6
     * adds the baseline's time sums to a load model (2 + a co-moment per sensor but the load + one per lag).
     */
    private static void assertSameState(HealthEngine engine, byte[] old, String what) {
        io.github.factorytwin.health.MachineState read = engine.fromBytes(old);
        byte[] current = read.toBytes();
        assertEquals(6, current[0], "written in the current format");
        int lags = old[2];
        int sensors = old[1];
        int timeSums = lags > 0 ? 8 * (2 + (sensors - 1) + lags) : 0;
        assertEquals(old.length + timeSums, current.length, what + ": the old size and the time sums");
        assertArrayEquals(Arrays.copyOfRange(old, 1, SCALAR_END), Arrays.copyOfRange(current, 1, SCALAR_END), what);
        assertArrayEquals(current, engine.fromBytes(current).toBytes(), what);
    }

    @Test
    void aHealthSnapshotAndJournalOfTheFormerFormatAreLoaded() throws Exception {
        HealthEngine engine = StateFixtures.loadEngine();
        Files.write(dir.resolve("machines.snapshot"), StateFixtures.resource("health-machines.snapshot"));
        Files.write(dir.resolve("machines.journal"), StateFixtures.resource("health-machines.journal"));
        try (HealthStateStore store = HealthStateStore.open(dir, engine.stateLayout(), "fixture-token", 100)) {
            assertNull(store.loadReport(), store.loadReport());
            assertEquals(4, store.size());
            for (String machine : List.of("M1", "M2", "M3", "M4")) {
                assertEquals(3, store.get(machine)[0], "held as written");
                assertSameState(engine, store.get(machine), machine);
            }
            assertEquals(
                    StateFixtures.START + 2_000L * 199,
                    engine.fromBytes(store.get("M2")).lastTimestamp());
            assertEquals(150, engine.fromBytes(store.get("M4")).readings());
        }
    }

    @Test
    void aSimulatorStateOfVersion1ContinuesExactlyAndIsSavedAsVersion2() {
        Map<String, String> old = new java.util.HashMap<>();
        for (String line :
                new String(StateFixtures.resource("simulator-v1.state"), StandardCharsets.UTF_8).split("\n")) {
            old.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
        }
        assertEquals("1", old.get(FactorySimulator.KEY_VERSION));
        FactorySimulator restored = FactorySimulator.restore(
                StateFixtures.simulatorSettings(), old, 99, StateFixtures.START + 5 * StateFixtures.HOUR);
        assertEquals(7, restored.seed(), "the saved factory, not a new one");
        FactorySimulator fresh = StateFixtures.simulator(1001);
        assertEquals(StateFixtures.readings(fresh, 400), StateFixtures.readings(restored, 400));

        Map<String, String> saved = restored.toState();
        assertEquals("2", saved.get(FactorySimulator.KEY_VERSION));
        FactorySimulator again =
                FactorySimulator.restore(StateFixtures.simulatorSettings(), saved, 99, StateFixtures.START);
        assertEquals(StateFixtures.readings(fresh, 400), StateFixtures.readings(again, 400));
    }
}
