package io.github.factorytwin.anomaly;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class RefitRuleTest {

    private static final int INTERVAL = 100;
    private static final int SAMPLE = 1000;

    /** Feeds one interval of scores around {@code mean}; returns the rule's answer at its end. */
    private static boolean interval(RefitRule rule, Random random, double mean, int sampleRows) {
        for (int i = 0; i < INTERVAL; i++) {
            rule.added(mean + 0.03 * random.nextGaussian());
        }
        return rule.due(sampleRows);
    }

    @Test
    void readingsScoredAlikeWaitUntilHalfTheSampleIsNew() {
        RefitRule rule = new RefitRule();
        Random random = new Random(1);
        rule.fitted();
        for (int i = 1; i < 5; i++) {
            assertFalse(interval(rule, random, 0.45, SAMPLE), "interval " + i + " of unchanged scores");
        }
        assertTrue(interval(rule, random, 0.45, SAMPLE), "500 of 1000 rows new since the fit");
        rule.fitted();
        assertFalse(interval(rule, random, 0.45, SAMPLE), "counting starts afresh at the fit");
    }

    @Test
    void aGrowingSampleIsGrownOnAgainEachTimeItHasDoubled() {
        RefitRule rule = new RefitRule();
        Random random = new Random(2);
        rule.fitted(); // on a warm-up of 200 rows
        assertFalse(interval(rule, random, 0.45, 300));
        assertTrue(interval(rule, random, 0.45, 400), "200 new rows of 400");
    }

    @Test
    void scoresThatMoveAfterTheFitAreGrownOnAtTheNextInterval() {
        RefitRule rule = new RefitRule();
        Random random = new Random(3);
        rule.fitted();
        assertFalse(interval(rule, random, 0.45, SAMPLE), "the reference window");
        assertFalse(interval(rule, random, 0.45, SAMPLE));
        assertTrue(interval(rule, random, 0.47, SAMPLE), "a shift of 0.02 is ~5 standard errors of 100 scores");
    }

    @Test
    void aShiftSmallerThanTheScoresNoiseIsNotGrownOn() {
        RefitRule rule = new RefitRule();
        Random random = new Random(4);
        rule.fitted();
        interval(rule, random, 0.45, SAMPLE);
        assertFalse(interval(rule, random, 0.451, SAMPLE), "a shift of 0.001 is a quarter of a standard error");
    }

    @Test
    void rowsWithoutAScoreOfTheCurrentForestDoNotFillAWindow() {
        RefitRule rule = new RefitRule();
        Random random = new Random(5);
        rule.fitted();
        interval(rule, random, 0.45, SAMPLE);
        for (int i = 0; i < INTERVAL; i++) {
            rule.added(Double.NaN);
        }
        assertFalse(rule.due(10 * SAMPLE), "no scored rows: nothing to judge");
        assertTrue(interval(rule, random, 0.6, 10 * SAMPLE), "judged once the window has scored rows");
    }

    @Test
    void theDetectorKeepsAForestWhileTheStreamIsUnchangedAndRegrowsItWhenItMoves() throws Exception {
        FeatureSpec spec = new FeatureSpec(java.util.List.of("t", "v", "rpm"), java.util.Set.of());
        AnomalyDetector detector = AnomalyDetector.learning(AnomalyDetector.Config.builder(spec)
                .warmUpSize(SAMPLE)
                .sampleSize(SAMPLE)
                .retrainInterval(INTERVAL)
                .trees(30)
                .seed(7L)
                .build());
        Readings readings = new Readings(6);
        feed(detector, readings, SAMPLE, 0);
        IsolationForestModel first = detector.learnedModel(AnomalyDetector.Scope.GLOBAL_KEY);
        feed(detector, readings, 4 * INTERVAL, 0);
        assertSame(first, detector.learnedModel(AnomalyDetector.Scope.GLOBAL_KEY), "400 readings like the sample");
        feed(detector, readings, INTERVAL, 0);
        IsolationForestModel second = detector.learnedModel(AnomalyDetector.Scope.GLOBAL_KEY);
        assertNotSame(first, second, "half the sample new");
        feed(detector, readings, 2 * INTERVAL, 0);
        assertSame(second, detector.learnedModel(AnomalyDetector.Scope.GLOBAL_KEY));
        feed(detector, readings, INTERVAL, 8); // the temperature 4 sd higher: learned without a guard
        assertNotSame(second, detector.learnedModel(AnomalyDetector.Scope.GLOBAL_KEY), "the readings moved");
    }

    /** {@code n} normal readings, the temperature raised by {@code warmer}, one committed batch each. */
    private static void feed(AnomalyDetector detector, Readings readings, int n, double warmer) throws Exception {
        for (int i = 0; i < n; i++) {
            double[] row = readings.normal();
            row[0] += warmer;
            AnomalyDetector.Batch batch = detector.begin();
            AnomalyDetector.Result result =
                    batch.score(AnomalyDetector.Scope.GLOBAL_KEY, new Features(row, java.util.List.of()));
            batch.admit(AnomalyDetector.Scope.GLOBAL_KEY, result, null, result.anomalous());
            batch.commit();
        }
    }
}
