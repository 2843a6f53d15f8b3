package io.github.factorytwin.anomaly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class IsolationForestModelTest {

    static final List<String> NAMES = List.of("temperature", "vibration", "rpm");

    static IsolationForestModel model(long seed) {
        return IsolationForestModel.fit(NAMES, new Readings(1).normal(1000), 100, 256, seed);
    }

    @Test
    void flattenedScoresEqualSmileScoresExactly() {
        IsolationForestModel.Fitted fitted =
                IsolationForestModel.fitWithSmile(NAMES, new Readings(1).normal(1000), 50, 256, 7);
        Readings probe = new Readings(99);
        for (int i = 0; i < 2000; i++) {
            double[] x = i % 10 == 0 ? Readings.vibrationSpike() : probe.normal();
            if (i % 7 == 0) {
                x[i % 3] *= 1.5; // off-distribution values too
            }
            assertEquals(
                    fitted.smile().score(fitted.model().standardise(x)),
                    fitted.model().forestScore(x),
                    0.0,
                    "row " + i);
        }
    }

    /** The walking layout for every unrolled dimension and the generic dot product, and trees left over after the lockstep groups. */
    @Test
    void flattenedScoresEqualSmileScoresExactlyForOtherDimensionsAndTreeCounts() {
        java.util.Random random = new java.util.Random(5);
        for (int d : new int[] {1, 2, 4, 9}) {
            List<String> names = new java.util.ArrayList<>();
            for (int j = 0; j < d; j++) {
                names.add("f" + j);
            }
            double[][] data = new double[600][d];
            for (double[] row : data) {
                for (int j = 0; j < d; j++) {
                    row[j] = j + (j + 1) * random.nextGaussian();
                }
            }
            for (int trees : new int[] {1, 8, 13}) {
                IsolationForestModel.Fitted fitted = IsolationForestModel.fitWithSmile(names, data, trees, 128, d);
                for (int i = 0; i < 500; i++) {
                    double[] x = new double[d];
                    for (int j = 0; j < d; j++) {
                        x[j] = j + (j + 1) * random.nextGaussian() * (i % 5 == 0 ? 4 : 1);
                    }
                    assertEquals(
                            fitted.smile().score(fitted.model().standardise(x)),
                            fitted.model().forestScore(x),
                            0.0,
                            d + " features, " + trees + " trees, row " + i);
                }
            }
        }
    }

    @Test
    void injectedAnomaliesScoreHigherThanEveryNormalReading() {
        IsolationForestModel model = model(42);
        double[] normalScores = Arrays.stream(new Readings(2).normal(2000))
                .mapToDouble(model::score)
                .sorted()
                .toArray();
        double p99 = normalScores[(int) (0.99 * normalScores.length)];
        double spike = model.score(Readings.vibrationSpike());
        double drift = model.score(Readings.temperatureDrift());
        double broken = model.score(Readings.correlationBreak());
        double[] fresh = Arrays.stream(new Readings(3).normal(20000))
                .mapToDouble(model::score)
                .toArray();
        double above65 = Arrays.stream(fresh).filter(s -> s >= 0.65).count() / (double) fresh.length;
        double above60 = Arrays.stream(fresh).filter(s -> s >= 0.6).count() / (double) fresh.length;
        System.out.printf("normal readings >= 0.65: %.4f, >= 0.60: %.4f%n", above65, above60);
        assertTrue(above65 < 0.005, "the default threshold flags well under 0.5% of normal readings");
        assertTrue(above60 < 0.03);
        System.out.printf(
                "normal median %.3f p99 %.3f max %.3f; spike %.3f drift %.3f break %.3f%n",
                normalScores[normalScores.length / 2],
                p99,
                normalScores[normalScores.length - 1],
                spike,
                drift,
                broken);
        assertTrue(spike > p99 && drift > p99 && broken > p99, "anomalies above the 99th normal percentile");
        assertTrue(spike >= 0.95 && drift >= 0.95, "readings far outside the training range score close to 1");
        assertTrue(broken >= 0.6, "a correlation break reaches 0.6");
        assertTrue(normalScores[normalScores.length / 2] < 0.5, "typical normal readings score below 0.5");
        for (double s : normalScores) {
            assertTrue(s > 0 && s <= 1);
        }
    }

    @Test
    void sameSeedSameModelDifferentSeedDifferentModel() {
        double[] x = Readings.correlationBreak();
        assertEquals(model(5).score(x), model(5).score(x), 0.0);
        assertNotEquals(model(5).score(x), model(6).score(x));
    }

    @Test
    void explanationNamesTheSensorOutsideItsNormalRange() {
        IsolationForestModel model = model(42);
        Explanation spike = model.explain(Readings.vibrationSpike(), true, List.of());
        assertEquals("vibration", spike.feature());
        assertEquals(Explanation.Position.ABOVE, spike.position());
        assertTrue(spike.text().matches("vibration=3\\.20 above normal 0\\.\\d\\d\\.\\.1\\.\\d\\d"), spike.text());

        Explanation drift = model.explain(Readings.temperatureDrift(), true, List.of());
        assertEquals("temperature", drift.feature());
        assertTrue(drift.text().startsWith("temperature=92.00 above normal 7"), drift.text());

        Explanation broken = model.explain(Readings.correlationBreak(), true, List.of("rpm"));
        assertEquals(Explanation.Position.WITHIN, broken.position());
        assertTrue(broken.feature().equals("vibration") || broken.feature().equals("rpm"), broken.feature());
        assertTrue(broken.text().contains("unusual in combination"), broken.text());
        assertTrue(broken.text().endsWith("(imputed from the machine's last value: rpm)"), broken.text());
    }

    @Test
    void explanationWithoutTextNamesTheSameFeature() {
        IsolationForestModel model = model(42);
        for (double[] x :
                List.of(Readings.vibrationSpike(), Readings.temperatureDrift(), Readings.correlationBreak())) {
            for (boolean anomalous : new boolean[] {true, false}) {
                Explanation full = model.explain(x, anomalous, List.of());
                Explanation lean = model.explain(x, anomalous, List.of(), false);
                assertNull(lean.text());
                assertEquals(
                        new Explanation(
                                full.feature(),
                                full.value(),
                                full.normalLow(),
                                full.normalHigh(),
                                full.position(),
                                null),
                        lean);
            }
        }
    }

    @Test
    void numbersAreFormattedForOperators() {
        assertEquals("3.20", IsolationForestModel.format(3.2));
        assertEquals("-0.57", IsolationForestModel.format(-0.5701));
        assertEquals("1500.00", IsolationForestModel.format(1500));
        assertEquals("1.05", IsolationForestModel.format(1.049999));
        assertEquals("0.00", IsolationForestModel.format(0));
        assertEquals("0.0123", IsolationForestModel.format(0.01234));
        assertEquals("1.00e+300", IsolationForestModel.format(1e300));
    }

    @Test
    void rejectsUnusableTrainingData() {
        assertThrows(
                IllegalArgumentException.class, () -> IsolationForestModel.fit(NAMES, new double[1][3], 10, 256, 1));
        double[][] nan = new Readings(1).normal(20);
        nan[3][1] = Double.NaN;
        assertThrows(IllegalArgumentException.class, () -> IsolationForestModel.fit(NAMES, nan, 10, 256, 1));
    }
}
