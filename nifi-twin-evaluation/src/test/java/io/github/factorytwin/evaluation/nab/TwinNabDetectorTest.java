package io.github.factorytwin.evaluation.nab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class TwinNabDetectorTest {

    private static double[] run(NabDetector detector, double[] values, int probation) {
        NabDetector.Series series = detector.start(values.length, probation);
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = series.score(i * 300_000L, values[i]);
        }
        return out;
    }

    private static double[] seriesWithSpike(int n, int spikeAt) {
        double[] values = new double[n];
        Random random = new Random(1);
        for (int i = 0; i < n; i++) {
            values[i] = 10 + Math.sin(i / 7.0) + 0.1 * random.nextGaussian() + (i == spikeAt ? 25 : 0);
        }
        return values;
    }

    @Test
    void rawScoresWarmUpOverTheProbationAndTheSpikeScoresHighest() {
        TwinNabDetector detector = TwinNabDetector.engineWithoutPostProcessing();
        double[] scores = run(detector, seriesWithSpike(600, 400), 90);
        for (int i = 0; i < 90; i++) {
            assertEquals(0.0, scores[i], "warm-up row " + i);
        }
        for (int i = 90; i < 600; i++) {
            assertTrue(scores[i] > 0 && scores[i] <= 1, "row " + i + ": " + scores[i]);
            if (i != 400 && i != 401) { // 401 returns from the spike: its DELTA is as large
                assertTrue(scores[400] > scores[i], "spike " + scores[400] + " vs row " + i);
            }
        }
    }

    @Test
    void nabConfigurationIsQuietUntilTheProbationEndsAndFlagsTheSpikeAlone() {
        TwinNabDetector detector = TwinNabDetector.engine();
        int probation = 200; // warm-up 100 rows, then 100 scored rows for the likelihood's start-up
        assertEquals(100, detector.warmUp(probation));
        double[] scores = run(detector, seriesWithSpike(1500, 1000), probation);
        // the forest scores from row 100; the likelihood's first estimate needs 100 scores: row 199 is the first
        for (int i = 0; i < probation - 1; i++) {
            assertEquals(0.0, scores[i], "probation row " + i);
        }
        assertTrue(scores[probation - 1] > 0, "the likelihood reports from the last probation row");
        assertEquals(1.0, scores[1000], 0.0, "the spike is beyond every value seen so far");
        int high = 0;
        for (int i = probation; i < 1500; i++) {
            assertTrue(scores[i] >= 0 && scores[i] <= 1, "row " + i + ": " + scores[i]);
            if (i != 1000 && scores[i] >= 0.5) {
                high++;
            }
        }
        assertTrue(high <= 13, high + " other rows at or above 0.5 (about NAB's chosen threshold)");
    }

    @Test
    void theSeedIsPartOfTheConfiguration() {
        assertTrue(TwinNabDetector.engine(2).description().endsWith("seed 2"));
        assertTrue(TwinNabDetector.engine().description().contains("LIKELIHOOD"));
        assertTrue(TwinNabDetector.engineWithoutPostProcessing().description().contains("no post-processing"));
    }
}
