package io.github.factorytwin.anomaly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.IntToDoubleFunction;
import org.junit.jupiter.api.Test;

/** A warm-up that ends by itself once its readings have stabilised ({@link WarmUpStability}, the learner's use). */
class WarmUpStabilityTest {

    private static List<double[]> rows(int n, IntToDoubleFunction value) {
        List<double[]> rows = new ArrayList<>();
        Random random = new Random(3);
        for (int i = 0; i < n; i++) {
            rows.add(new double[] {value.applyAsDouble(i) + random.nextGaussian(), 5 + 0.1 * random.nextGaussian()});
        }
        return rows;
    }

    @Test
    void steadyNoiseHasStabilisedATrendOrAPartlySeenCycleHasNot() {
        assertTrue(WarmUpStability.stable(rows(100, i -> 20)), "steady readings");
        assertFalse(WarmUpStability.stable(rows(100, i -> 20 + 0.05 * i)), "a trend of 5 noise deviations");
        assertFalse(WarmUpStability.stable(rows(100, i -> 5 * Math.sin(2 * Math.PI * i / 400))), "a quarter cycle");
        assertTrue(WarmUpStability.stable(rows(400, i -> 5 * Math.sin(2 * Math.PI * i / 200))), "two whole cycles");
    }

    @Test
    void aFeatureWhoseSpreadChangesHasNotStabilised() {
        assertFalse(WarmUpStability.stable(rows(100, i -> i < 50 ? 0 : (i % 2 == 0 ? 6 : -6))));
    }

    @Test
    void theWarmUpIsCheckedFromTheMinimumOnEveryQuarterOfIt() {
        assertFalse(WarmUpStability.checkedAt(99, 100));
        assertTrue(WarmUpStability.checkedAt(100, 100));
        assertFalse(WarmUpStability.checkedAt(101, 100));
        assertTrue(WarmUpStability.checkedAt(125, 100));
        assertTrue(WarmUpStability.checkedAt(3, 2), "a tiny minimum is checked at every reading");
    }

    /** The readings fed one by one; returns the reading count at which the series' model was first fitted. */
    private static int fittedAfter(int warmUpMinimum, IntToDoubleFunction value) {
        StreamingDetector detector = StreamingDetector.builder("value", "other")
                .model(m ->
                        m.warmUpSize(400).warmUpMinimum(warmUpMinimum).trees(10).seed(1L))
                .build();
        List<double[]> rows = rows(400, value);
        for (int i = 0; i < rows.size(); i++) {
            assertNull(detector.model(), "reading " + i);
            detector.update(rows.get(i));
            if (detector.model() != null) {
                return i + 1;
            }
        }
        return -1;
    }

    @Test
    void aSteadyMachineEndsItsWarmUpAtTheMinimumAMovingOneAtTheWarmUpSize() {
        assertEquals(100, fittedAfter(100, i -> 20), "steady from the start");
        assertEquals(400, fittedAfter(100, i -> 20 + 0.05 * i), "still trending");
        assertEquals(400, fittedAfter(400, i -> 20), "without a minimum below it, the warm-up size");
        int cycle = fittedAfter(100, i -> 5 * Math.sin(2 * Math.PI * i / 150));
        assertTrue(cycle > 100 && cycle < 400, "a cycle of 150 readings: once it has been seen, " + cycle);
    }

    @Test
    void aRefusedFitAtTheMinimumIsTriedAgainAndTheWarmUpSizeStillEndsIt() {
        // 120 identical readings: stable at the minimum (100), but too few distinct ones, so that fit is refused;
        // varying readings follow. The warm-up is not stuck: it ends by the warm-up size at the latest.
        Random random = new Random(5);
        List<double[]> rows = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            rows.add(
                    i < 120
                            ? new double[] {20, 5}
                            : new double[] {20 + random.nextGaussian(), 5 + random.nextGaussian()});
        }
        StreamingDetector detector = StreamingDetector.builder("value", "other")
                .model(m -> m.warmUpSize(400).warmUpMinimum(100).trees(10).seed(1L))
                .build();
        int fittedAt = -1;
        for (int i = 0; i < rows.size() && fittedAt < 0; i++) {
            detector.update(rows.get(i));
            if (detector.model() != null) {
                fittedAt = i + 1;
            }
        }
        assertTrue(fittedAt > 120 && fittedAt <= 400, "fitted after the identical readings, by 400: " + fittedAt);
    }

    @Test
    void withinOneBatchTheWarmUpEndsAtTheSameReadingAsAcrossBatches() throws Exception {
        AnomalyDetector.Config config = AnomalyDetector.Config.builder(
                        new FeatureSpec(List.of("value", "other"), java.util.Set.of()))
                .scope(AnomalyDetector.Scope.PER_MACHINE)
                .warmUpSize(400)
                .warmUpMinimum(100)
                .trees(10)
                .seed(1L)
                .build();
        AnomalyEngine engine =
                AnomalyEngine.learning(new AnomalyEngine.Settings(config, ScorePostProcessing.OFF, false));
        AnomalyEngine.Batch batch = engine.begin();
        List<double[]> rows = rows(400, i -> 5 * Math.sin(2 * Math.PI * i / 150));
        int firstScored = -1;
        for (int i = 0; i < rows.size(); i++) {
            AnomalyEngine.Verdict verdict =
                    batch.process(new AnomalyEngine.Reading("M1", null, null, false, rows.get(i)));
            if (verdict.score() != null && firstScored < 0) {
                firstScored = i;
            }
        }
        batch.commit();
        assertNotNull(engine.models().learnedModel("M1"));
        assertEquals(fittedAfter(100, i -> 5 * Math.sin(2 * Math.PI * i / 150)), firstScored);
    }
}
