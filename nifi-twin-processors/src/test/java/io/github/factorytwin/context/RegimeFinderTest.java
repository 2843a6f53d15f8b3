package io.github.factorytwin.context;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

class RegimeFinderTest {

    @Test
    void setPointsWithNoiseAreOneRegimeEachAndKeepTheirIndex() {
        RegimeFinder finder = new RegimeFinder(0.1, 8);
        Regimes regimes = new Regimes(1);
        Random random = new Random(1);
        double[] setPoints = {1500, 1800, 1200, 1800, 1500};
        int[] expected = {0, 1, 2, 1, 0};
        for (int phase = 0; phase < setPoints.length; phase++) {
            for (int i = 0; i < 200; i++) {
                double rpm = setPoints[phase] * (1 + 0.01 * random.nextGaussian());
                assertEquals(expected[phase], finder.assign(regimes, new double[] {rpm}), "phase " + phase);
            }
        }
        assertEquals(3, regimes.count());
        assertEquals(400, regimes.size(1));
        assertEquals(1800, regimes.centre(1, 0), 5);
    }

    @Test
    void beyondTheMaximumAReadingJoinsTheNearestRegime() {
        RegimeFinder finder = new RegimeFinder(0.1, 2);
        Regimes regimes = new Regimes(1);
        assertEquals(0, finder.assign(regimes, new double[] {100}));
        assertEquals(1, finder.assign(regimes, new double[] {200}));
        assertEquals(1, finder.assign(regimes, new double[] {300}));
        assertEquals(0, finder.assign(regimes, new double[] {110}));
        assertEquals(2, regimes.count());
    }

    @Test
    void eachFieldCountsRelativeToItsMagnitudeAndNoiseAroundZeroOpensNothing() {
        RegimeFinder finder = new RegimeFinder(0.1, 8);
        Regimes regimes = new Regimes(2);
        assertEquals(0, finder.assign(regimes, new double[] {1000, 0.0}));
        // 0.5 next to 1000 is noise around an unused setting (1% of 1000 is the scale near zero)
        assertEquals(0, finder.assign(regimes, new double[] {1000, 0.5}));
        // a setting of 50 is a different condition although 1000 is unchanged
        assertEquals(1, finder.assign(regimes, new double[] {1000, 50}));
        assertEquals(0.2, RegimeFinder.distance(new double[] {100, 10}, 0, new double[] {100, 8}), 1e-12);
    }

    @Test
    void anIncompleteContextHasNoRegimeAndChangesNothing() {
        RegimeFinder finder = new RegimeFinder(0.1, 8);
        Regimes regimes = new Regimes(2);
        assertEquals(-1, finder.assign(regimes, new double[] {1000, Double.NaN}));
        assertEquals(-1, finder.assign(regimes, new double[] {1000}));
        assertEquals(0, regimes.count());
    }

    @Test
    void savedRegimesAreAppendedInOrder() {
        Regimes regimes = new Regimes(1);
        regimes.add(new double[] {1500}, 10);
        regimes.add(new double[] {1800}, 0);
        assertEquals(1, new RegimeFinder(0.1, 8).assign(regimes, new double[] {1790}));
        assertEquals(1, regimes.size(1));
        assertEquals(1790, regimes.centre(1, 0), 1e-9, "a regime's first reading is its centre");
        assertThrows(IllegalArgumentException.class, () -> regimes.add(new double[] {1, 2}, 0));
        assertThrows(IllegalArgumentException.class, () -> new RegimeFinder(0, 8));
    }

    @Test
    void nearestFindsARegimeWithoutChangingAny() {
        Regimes regimes = new Regimes(1);
        assertEquals(-1, RegimeFinder.nearest(regimes, new double[] {100}), "no regime yet");
        regimes.add(new double[] {100}, 5);
        regimes.add(new double[] {200}, 5);
        assertEquals(1, RegimeFinder.nearest(regimes, new double[] {900}), "however far");
        assertEquals(0, RegimeFinder.nearest(regimes, new double[] {120}));
        assertEquals(-1, RegimeFinder.nearest(regimes, new double[] {Double.NaN}));
        assertEquals(-1, RegimeFinder.nearest(regimes, new double[] {100, 1}));
        assertEquals(2, regimes.count());
        assertEquals(5, regimes.size(0));
        assertEquals(100, regimes.centre(0, 0));
    }

    @Test
    void aCentreIsARunningMeanOverItsMemoryThenFollows() {
        double[] values = new double[3_000];
        for (int i = 0; i < values.length; i++) {
            values[i] = i < 1_500 ? 100 : 104; // within the regime distance: one regime
        }
        Regimes stream = new Regimes(1);
        Regimes whole = new Regimes(1);
        RegimeFinder streaming = new RegimeFinder(0.1, 8);
        RegimeFinder plainMean = new RegimeFinder(0.1, 8, Integer.MAX_VALUE);
        for (double v : values) {
            streaming.assign(stream, new double[] {v});
            plainMean.assign(whole, new double[] {v});
        }
        assertEquals(102, whole.centre(0, 0), 1e-9, "the mean of all readings");
        // beyond its memory of 1,000 readings the centre is an exponential average: 100 + 4 (1 - e^-1.5)
        assertEquals(
                100 + 4 * (1 - Math.exp(-1.5)), stream.centre(0, 0), 0.01, "the stream's centre followed the move");
        assertThrows(IllegalArgumentException.class, () -> new RegimeFinder(0.1, 8, 0));
    }
}
