package io.github.factorytwin.anomaly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.factorytwin.context.RegimeFinder;
import io.github.factorytwin.context.Regimes;
import java.io.IOException;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A machine run at two speed set-points, temperature and vibration following the speed: with the speed as the
 * operating context each regime has its own model, so a change of regime is not an anomaly while a deviation
 * within a regime is; with one model for all, the change of regime is what gets flagged.
 */
class OperatingContextScoringTest {

    private static final int WARM_UP = 256;
    private static final double LOW = 1500;
    private static final double HIGH = 3000;

    private final Random random = new Random(7);

    /** temperature, vibration at a speed (both follow it), and the speed itself as context. */
    private double[] reading(double rpm) {
        return new double[] {40 + rpm / 75 + random.nextGaussian(), 0.4 * rpm / 1000 + 0.05 * random.nextGaussian()};
    }

    private static AnomalyEngine detector() {
        return AnomalyEngine.learning(new AnomalyEngine.Settings(
                AnomalyDetector.Config.builder(new FeatureSpec(
                                List.of("temperature", "vibration"), EnumSet.noneOf(DerivedFeature.class)))
                        .missing(MissingValueStrategy.IMPUTE_LAST)
                        .scope(AnomalyDetector.Scope.PER_MACHINE)
                        .warmUpSize(WARM_UP)
                        .retrainInterval(0)
                        .trees(100)
                        .subsampleSize(256)
                        .threshold(0.6)
                        .seed(1L)
                        .build(),
                ScorePostProcessing.OFF,
                false));
    }

    /** Scores {@code n} readings at {@code rpm}; returns how many were flagged. */
    private int run(AnomalyEngine detector, ScopeRegimes keys, double rpm, int n) throws Exception {
        int flagged = 0;
        for (int i = 0; i < n; i++) {
            flagged += score(detector, keys, rpm, reading(rpm)).anomalous() ? 1 : 0;
        }
        return flagged;
    }

    private static AnomalyEngine.Verdict score(AnomalyEngine detector, ScopeRegimes keys, double rpm, double[] x)
            throws Exception {
        AnomalyEngine.Batch batch = detector.begin();
        String regime =
                keys == null ? null : keys.regimeOf("M1", null, new double[] {rpm * (1 + 0.005 * Math.sin(x[0]))});
        AnomalyEngine.Verdict verdict = batch.process(new AnomalyEngine.Reading("M1", null, regime, false, x));
        batch.commit();
        return verdict;
    }

    private static ScopeRegimes keys(ScopeRegimes.Store store) {
        return new ScopeRegimes(
                AnomalyDetector.Scope.PER_MACHINE, new RegimeFinder(0.1, 8), 1, 100, store, (what, key, e) -> {
                    throw new AssertionError(what + " " + key, e);
                });
    }

    @Test
    void aChangeOfRegimeIsFlaggedWithoutContextButNotWithIt() throws Exception {
        AnomalyEngine plain = detector();
        int before = run(plain, null, LOW, WARM_UP + 500);
        // an Isolation Forest flags a few percent of normal Gaussian readings at 0.6
        assertTrue(before <= 30, "one speed alone is learned: " + before + " of 500 flagged");
        int plainFlags = run(plain, null, HIGH, 200);
        assertTrue(plainFlags > 150, "one model for all flags the new speed: " + plainFlags + " of 200");

        AnomalyEngine conditioned = detector();
        ScopeRegimes keys = keys(null);
        int low = run(conditioned, keys, LOW, WARM_UP + 500);
        int high = run(conditioned, keys, HIGH, WARM_UP + 500);
        int lowAgain = run(conditioned, keys, LOW, 500);
        assertTrue(
                low + high + lowAgain <= 90,
                "no more than the base rate of 1,500 scored readings: " + low + ", " + high + ", " + lowAgain);
        assertTrue(high <= 30, "the change to the new speed is learned, not flagged: " + high);
        assertEquals(2, keys.regimeCount("M1"));
    }

    @Test
    void aDeviationWithinARegimeIsFlaggedEvenWhenItIsNormalForAnotherRegime() throws Exception {
        AnomalyEngine conditioned = detector();
        ScopeRegimes keys = keys(null);
        run(conditioned, keys, LOW, WARM_UP + 100);
        run(conditioned, keys, HIGH, WARM_UP + 100);
        // the temperature and vibration of full speed, while the machine is asked for low speed
        AnomalyEngine.Verdict hot = score(conditioned, keys, LOW, new double[] {40 + HIGH / 75, 0.4 * HIGH / 1000});
        assertTrue(hot.anomalous(), "score " + hot.score());
        AnomalyEngine.Verdict fault = score(conditioned, keys, HIGH, new double[] {40 + HIGH / 75 + 8, 1.2});
        assertTrue(fault.anomalous(), "score " + fault.score());
        AnomalyEngine.Verdict normal = score(conditioned, keys, HIGH, new double[] {40 + HIGH / 75, 0.4 * HIGH / 1000});
        assertTrue(!normal.anomalous(), "score " + normal.score());
    }

    @Test
    void aNewRegimeWarmsUpItsOwnModel() throws Exception {
        AnomalyEngine conditioned = detector();
        ScopeRegimes keys = keys(null);
        run(conditioned, keys, LOW, WARM_UP + 10);
        assertNull(score(conditioned, keys, HIGH, reading(HIGH)).score(), "the new regime's first reading is learned");
        String low = keys.regimeOf("M1", null, new double[] {LOW});
        String high = keys.regimeOf("M1", null, new double[] {HIGH});
        assertNotEquals(low, high);
        assertTrue(conditioned.models().learnedModel("M1@" + low) != null);
        assertNull(conditioned.models().learnedModel("M1@" + high));
    }

    @Test
    void savedRegimesKeepTheirModelKeysAfterARestart() {
        Map<String, double[][]> saved = new HashMap<>();
        ScopeRegimes.Store store = new ScopeRegimes.Store() {
            @Override
            public void load(String scopeKey, Regimes into) {
                for (double[] row : saved.getOrDefault(scopeKey, new double[0][])) {
                    into.add(new double[] {row[1]}, (int) row[0]);
                }
            }

            @Override
            public void save(String scopeKey, Regimes regimes) throws IOException {
                double[][] rows = new double[regimes.count()][];
                for (int r = 0; r < rows.length; r++) {
                    rows[r] = new double[] {regimes.size(r), regimes.centre(r, 0)};
                }
                saved.put(scopeKey, rows);
            }
        };
        ScopeRegimes first = keys(store);
        String high = first.regimeOf("M1", null, new double[] {HIGH});
        String low = first.regimeOf("M1", null, new double[] {LOW});
        assertTrue(saved.isEmpty(), "saved before a model, not on every reading");
        first.saveNewRegimes();
        ScopeRegimes second = keys(store);
        assertEquals(low, second.regimeOf("M1", null, new double[] {LOW * 1.01}));
        assertEquals(high, second.regimeOf("M1", null, new double[] {HIGH}));
        assertEquals("1", high);
        assertEquals(2, second.regimeCount("M1"));
    }

    @Test
    void anIncompleteContextHasNoModelKey() {
        assertNull(keys(null).regimeOf("M1", null, new double[] {Double.NaN}));
    }
}
