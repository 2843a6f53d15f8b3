package io.github.factorytwin.anomaly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Issue 13 §5: memory grows with what was seen, and the machines kept are bounded. */
class MemoryBoundsTest {

    private static AnomalyDetector.Config config(
            AnomalyDetector.Scope scope, int warmUp, Set<DerivedFeature> derived, int maxMachines) {
        return AnomalyDetector.Config.builder(new FeatureSpec(IsolationForestModelTest.NAMES, derived))
                .missing(MissingValueStrategy.IMPUTE_LAST)
                .scope(scope)
                .warmUpSize(warmUp)
                .retrainInterval(0)
                .trees(20)
                .subsampleSize(32)
                .threshold(0.65)
                .seed(1L)
                .sampleSize(warmUp)
                .maxMachines(maxMachines)
                .build();
    }

    private static AnomalyEngine engine(AnomalyDetector.Config config) {
        return AnomalyEngine.learning(
                new AnomalyEngine.Settings(config, ScorePostProcessing.likelihoodAndRange(10), true));
    }

    private static AnomalyEngine.Reading reading(String machine, double... values) {
        return new AnomalyEngine.Reading(machine, null, null, false, values);
    }

    @Test
    void aHugeWarmUpIsNotAllocatedUpFront() throws Exception {
        AnomalyEngine engine = engine(
                config(AnomalyDetector.Scope.PER_MACHINE, 1_000_000, EnumSet.noneOf(DerivedFeature.class), 100_000));
        Readings readings = new Readings(1);
        long before = StateFilesTest.allocated();
        AnomalyEngine.Batch batch = engine.begin();
        for (int m = 0; m < 200; m++) {
            batch.process(reading("M" + m, readings.normal()));
        }
        batch.commit();
        long used = StateFilesTest.allocated() - before;
        // up front, 200 samples of a million rows would be 200 x 8 MB of references alone
        assertTrue(used < 5_000_000, "allocated " + used + " bytes for 200 machines' first readings");
    }

    @Test
    void beyondMaximumMachinesTheLeastRecentlySeenIsDroppedWhole() throws Exception {
        AnomalyEngine engine = engine(config(AnomalyDetector.Scope.GLOBAL, 50, EnumSet.of(DerivedFeature.DELTA), 3));
        AnomalyEngine.Batch batch = engine.begin();
        for (String id : List.of("M1", "M2", "M3")) {
            batch.process(reading(id, 70, 1, 3000));
        }
        batch.commit();
        AnomalyEngine.Batch touch = engine.begin();
        touch.process(reading("M1", 71, 1, 3000)); // M1 seen again: M2 is now the least recent
        touch.process(reading("M4", 70, 1, 3000));
        touch.commit();
        assertEquals(Set.of("M1", "M3", "M4"), engine.machines().keySet());
        assertEquals(Set.of("M1", "M3", "M4"), engine.postProcessingStates().keySet(), "its post-processing too");
        assertEquals(3, engine.machineCount());
        assertEquals(1, engine.takeEvictions());
        assertEquals(0, engine.takeEvictions());

        // a missing value is imputed from the machine's last reading: an evicted machine has none
        assertThrows(
                MissingFeatureException.class,
                () -> engine.begin().process(reading("M2", Double.NaN, 1, 3000)),
                "an evicted machine starts afresh");
        engine.begin().process(reading("M1", Double.NaN, 1, 3000)); // a kept machine imputes
    }
}
