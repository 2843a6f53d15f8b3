package io.github.factorytwin.anomaly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Issue 13 §5: memory grows with what was seen, and the machines kept are bounded. */
class MemoryBoundsTest {

    private static AnomalyDetector.Config config(
            AnomalyDetector.Scope scope, int warmUp, Set<DerivedFeature> derived, int maxMachines) {
        return new AnomalyDetector.Config(
                new FeatureSpec(IsolationForestModelTest.NAMES, derived),
                MissingValueStrategy.IMPUTE_LAST,
                scope,
                warmUp,
                0,
                20,
                32,
                0.65,
                1L,
                warmUp,
                maxMachines);
    }

    @Test
    void aHugeWarmUpIsNotAllocatedUpFront() throws Exception {
        AnomalyDetector detector = AnomalyDetector.learning(
                config(AnomalyDetector.Scope.PER_MACHINE, 1_000_000, EnumSet.noneOf(DerivedFeature.class), 100_000));
        Readings readings = new Readings(1);
        long before = StateFilesTest.allocated();
        AnomalyDetector.Batch batch = detector.begin();
        for (int m = 0; m < 200; m++) {
            batch.score("M" + m, "M" + m, readings.normal());
        }
        batch.commit();
        long used = StateFilesTest.allocated() - before;
        // up front, 200 samples of a million rows would be 200 x 8 MB of references alone
        assertTrue(used < 5_000_000, "allocated " + used + " bytes for 200 machines' first readings");
    }

    @Test
    void beyondMaximumMachinesTheLeastRecentlySeenIsDroppedAndStartsAfresh() throws Exception {
        AnomalyDetector detector =
                AnomalyDetector.learning(config(AnomalyDetector.Scope.GLOBAL, 50, EnumSet.of(DerivedFeature.DELTA), 3));
        List<String> evicted = new ArrayList<>();
        detector.onEvict(evicted::add);
        AnomalyDetector.Batch batch = detector.begin();
        for (String id : List.of("M1", "M2", "M3")) {
            batch.score(id, "*", new double[] {70, 1, 3000});
        }
        batch.commit();
        AnomalyDetector.Batch touch = detector.begin();
        touch.score("M1", "*", new double[] {71, 1, 3000}); // M1 seen again: M2 is now the least recent
        touch.score("M4", "*", new double[] {70, 1, 3000});
        touch.commit();
        assertEquals(List.of("M2"), evicted);
        assertEquals(3, detector.machineCount());
        assertEquals(1, detector.takeEvictions());
        assertEquals(0, detector.takeEvictions());

        double[] delta = detector.begin()
                .score("M2", "*", new double[] {75, 1, 3000})
                .features()
                .values();
        assertEquals(0.0, delta[3], "an evicted machine starts afresh: no previous reading");
        double[] kept = detector.begin()
                .score("M1", "*", new double[] {75, 1, 3000})
                .features()
                .values();
        assertEquals(4.0, kept[3], 1e-9, "a kept machine remembers its last reading");
    }
}
