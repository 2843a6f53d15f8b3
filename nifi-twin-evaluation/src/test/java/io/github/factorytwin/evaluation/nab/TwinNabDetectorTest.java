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
    void warmUpRowsScoreZeroAndTheSpikeScoresHighest() {
        for (NabDetector detector :
                new NabDetector[] {TwinNabDetector.engine(), TwinNabDetector.engineWithoutPeakDamping()}) {
            double[] scores = run(detector, seriesWithSpike(600, 400), 90);
            for (int i = 0; i < 90; i++) {
                assertEquals(0.0, scores[i], detector.name() + " warm-up row " + i);
            }
            for (int i = 90; i < 600; i++) {
                assertTrue(scores[i] > 0 && scores[i] <= 1, detector.name() + " row " + i + ": " + scores[i]);
                if (i != 400 && i != 401) { // 401 returns from the spike: its DELTA is as large
                    assertTrue(scores[400] > scores[i], detector.name() + " spike " + scores[400] + " vs row " + i);
                }
            }
        }
    }

    @Test
    void peakDampingHalvesRepeatsOfAPeak() {
        double[] values = seriesWithSpike(600, 400);
        double[] damped = run(TwinNabDetector.engine(), values, 90);
        double[] raw = run(TwinNabDetector.engineWithoutPeakDamping(), values, 90);
        assertEquals(raw[400], damped[400], 1e-12);
        int halved = 0;
        for (int i = 90; i < 600; i++) {
            if (Math.abs(damped[i] - raw[i] / 2) < 1e-12) {
                halved++;
            } else {
                assertEquals(raw[i], damped[i], 1e-12, "row " + i);
            }
        }
        assertTrue(halved > 100, halved + " rows damped");
    }
}
