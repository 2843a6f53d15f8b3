package io.github.factorytwin.anomaly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.factorytwin.state.StateFormatException;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AnomalyLikelihoodTest {

    private static AnomalyLikelihood likelihood(int startUp) {
        return new AnomalyLikelihood(AnomalyLikelihood.Config.forStartUp(startUp));
    }

    @Test
    void neutralUntilTheStartUpIsOverAndNaNIsSkipped() {
        AnomalyLikelihood l = likelihood(100); // 50 learning + 50 estimation
        Random random = new Random(3);
        for (int i = 0; i < 99; i++) {
            assertEquals(AnomalyLikelihood.NEUTRAL, l.update(0.4 + 0.01 * random.nextGaussian()), "reading " + i);
            assertTrue(Double.isNaN(l.update(Double.NaN)), "NaN is skipped");
        }
        double first = l.update(0.4);
        assertTrue(first >= 0 && first <= 1 && first != AnomalyLikelihood.NEUTRAL, "first likelihood " + first);
    }

    /** Saved at any point (learning, estimating, after the history ring wrapped), a restored copy continues exactly. */
    @Test
    void aRestoredStateContinuesExactlyAsTheOriginal() throws Exception {
        for (int stopAt : new int[] {0, 30, 80, 150, 1200}) {
            AnomalyLikelihood.Config config = new AnomalyLikelihood.Config(50, 50, 300, 100, 10, 0.0003);
            AnomalyLikelihood original = new AnomalyLikelihood(config);
            Random random = new Random(stopAt);
            for (int i = 0; i < stopAt; i++) {
                original.update(0.4 + 0.02 * random.nextGaussian());
            }
            AnomalyLikelihood restored = new AnomalyLikelihood(config);
            AnomalyLikelihood.FIELDS.read(AnomalyLikelihood.FIELDS.toBytes(original), 0, restored);
            for (int i = 0; i < 500; i++) {
                double raw = (i > 300 && i < 320 ? 0.7 : 0.4) + 0.02 * random.nextGaussian();
                assertEquals(
                        original.update(raw), restored.update(raw), 0.0, "saved after " + stopAt + ", reading " + i);
            }
        }
    }

    @Test
    void aDamagedStateIsRejected() throws Exception {
        AnomalyLikelihood.Config config = new AnomalyLikelihood.Config(5, 5, 20, 10, 4, 0.0003);
        AnomalyLikelihood original = new AnomalyLikelihood(config);
        for (int i = 0; i < 8; i++) {
            original.update(0.4);
        }
        byte[] damaged = AnomalyLikelihood.FIELDS.toBytes(original);
        damaged[3] = 99; // the averaging ring's count, now larger than the ring
        assertThrows(
                StateFormatException.class,
                () -> AnomalyLikelihood.FIELDS.read(damaged, 0, new AnomalyLikelihood(config)));
        for (int i = 0; i < 10; i++) {
            original.update(0.4); // estimated now
        }
        byte[] noSpread = AnomalyLikelihood.FIELDS.toBytes(original);
        java.nio.ByteBuffer.wrap(noSpread).putDouble(noSpread.length - 16, 0.0); // the standard deviation
        StateFormatException inconsistent = assertThrows(
                StateFormatException.class,
                () -> AnomalyLikelihood.FIELDS.read(noSpread, 0, new AnomalyLikelihood(config)));
        assertTrue(inconsistent.getMessage().contains("likelihood state"), inconsistent.getMessage());
    }

    @Test
    void aShiftOfTheScoreDistributionIsLikelyAnomalousAndStationaryScoresAreNot() {
        AnomalyLikelihood l = likelihood(200);
        Random random = new Random(7);
        int high = 0;
        for (int i = 0; i < 2000; i++) {
            double s = l.update(0.4 + 0.02 * random.nextGaussian());
            if (i >= 200 && s >= 0.5) {
                high++;
            }
        }
        assertTrue(high <= 2, high + " stationary readings at or above 0.5");
        double peak = 0;
        for (int i = 0; i < 5; i++) {
            peak = Math.max(peak, l.update(0.9));
        }
        assertTrue(peak >= 0.5, "a jump of the raw scores gives " + peak);
    }

    @Test
    void aRunOfVeryUnlikelyReadingsIsCappedAfterItsOnset() {
        AnomalyLikelihood l = likelihood(100);
        Random random = new Random(11);
        for (int i = 0; i < 500; i++) {
            l.likelihood(0.4 + 0.01 * random.nextGaussian());
        }
        double onset = Double.NaN;
        int i = 0;
        while (i < 20) {
            onset = l.likelihood(1.0);
            i++;
            if (onset > 0.99999) {
                break;
            }
        }
        assertTrue(onset > 0.99999, "onset " + onset);
        double next = l.likelihood(1.0);
        assertEquals(0.9999, next, 1e-12, "the following red reading is capped to yellow");
    }

    @Test
    void erfcAndLogScale() {
        assertEquals(1.0, AnomalyLikelihood.erfc(0), 1e-7);
        assertEquals(0.157299207050285, AnomalyLikelihood.erfc(1), 1e-7);
        assertEquals(1.842700792949715, AnomalyLikelihood.erfc(-1), 1e-7);
        assertEquals(2.209049699858544e-5, AnomalyLikelihood.erfc(3), 2.209049699858544e-5 * 1e-6);
        assertEquals(0.5, AnomalyLikelihood.logScale(0.99999), 1e-4);
        assertEquals(0.0, AnomalyLikelihood.logScale(0.0), 1e-9);
        assertEquals(1.0, AnomalyLikelihood.logScale(1.0), 1e-9);
    }

    @Test
    void invalidSettingsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new AnomalyLikelihood.Config(-1, 10, 100, 10, 10, 1e-4));
        assertThrows(IllegalArgumentException.class, () -> new AnomalyLikelihood.Config(0, 1, 100, 10, 10, 1e-4));
        assertThrows(IllegalArgumentException.class, () -> new AnomalyLikelihood.Config(0, 10, 5, 10, 10, 1e-4));
        assertThrows(IllegalArgumentException.class, () -> new AnomalyLikelihood.Config(0, 10, 100, 0, 10, 1e-4));
        assertThrows(IllegalArgumentException.class, () -> new AnomalyLikelihood.Config(0, 10, 100, 10, 10, 0));
    }
}
