package io.github.factorytwin.evaluation.nab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.factorytwin.anomaly.DerivedFeature;
import io.github.factorytwin.anomaly.ScorePostProcessing;
import io.github.factorytwin.anomaly.StreamingDetector;
import io.github.factorytwin.processors.ScoreAnomaly;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ProcessorNabDetectorTest {

    /** A NAB-like series: a daily pattern with noise, a spike at 900 and a level shift at 1200. */
    private static double[] series(int n) {
        Random random = new Random(3);
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            values[i] = 50 + 5 * Math.sin(i / 20.0) + random.nextGaussian() + (i == 900 ? 40 : 0) + (i >= 1200 ? 8 : 0);
        }
        return values;
    }

    @Test
    void theProcessorScoresExactlyAsTheEngineWithTheSameSettings() {
        int warmUp = 150;
        double[] values = series(1500);
        StreamingDetector engine = StreamingDetector.builder("value")
                .derived(DerivedFeature.DELTA)
                .model(m -> m.warmUpSize(warmUp)
                        .retrainInterval(100)
                        .subsampleSize(128)
                        .sampleSize(Integer.parseInt(ScoreAnomaly.RETRAINING_SAMPLE_SIZE.getDefaultValue()))
                        .learningGuard(Double.parseDouble(ScoreAnomaly.LEARNING_GUARD.getDefaultValue()))
                        // the guard judges the verdict, so the engine decides at the processor's threshold
                        .threshold(Double.parseDouble(ScoreAnomaly.LIKELIHOOD_THRESHOLD))
                        .warmUpMinimum(75)
                        .seed(7L))
                .postProcessing(ScorePostProcessing.likelihoodAndRange(warmUp))
                .build();
        NabDetector.Series processor =
                ProcessorNabDetector.likelihood(warmUp, 75, 7L).start(values.length, 150);
        int scored = 0;
        int high = 0;
        for (int i = 0; i < values.length; i++) {
            double expected = engine.update(values[i]);
            double actual = processor.score(1_400_000_000_000L + i * 300_000L, values[i]);
            assertEquals(Double.isNaN(expected) ? 0.0 : expected, actual, 0.0, "row " + i);
            if (!Double.isNaN(expected)) {
                scored++;
            }
            if (actual >= 0.5) {
                high++;
            }
        }
        assertTrue(scored > 1000, scored + " rows scored");
        assertTrue(high > 0 && high < 30, high + " rows at or above 0.5");
    }

    @Test
    void theDescriptionListsTheProperties() {
        String text = ProcessorNabDetector.likelihood(150, 1L).description();
        assertTrue(text.contains("Score Post-processing=LIKELIHOOD"), text);
        assertTrue(text.contains("Warm-up Size=150"), text);
        assertTrue(text.contains("Range Tolerance=0.05"), text);
    }
}
