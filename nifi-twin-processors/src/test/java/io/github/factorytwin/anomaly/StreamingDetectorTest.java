package io.github.factorytwin.anomaly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class StreamingDetectorTest {

    @Test
    void retrainingFollowsTheSlidingSampleAndSkipsAnomalies() throws Exception {
        StreamingDetector detector = StreamingDetector.builder("t", "v", "rpm")
                .model(m -> m.warmUpSize(100)
                        .retrainInterval(50)
                        .trees(20)
                        .subsampleSize(64)
                        .seed(9L))
                .build();
        Readings readings = new Readings(5);
        for (int i = 0; i < 99; i++) {
            assertTrue(Double.isNaN(detector.update(readings.normal())));
        }
        assertTrue(Double.isNaN(detector.update(readings.normal())), "the 100th reading completes the warm-up");
        IsolationForestModel first = detector.model();
        assertNotNull(first);
        assertTrue(detector.update(Readings.vibrationSpike()) > 0.9);
        for (int i = 0; i < 48; i++) {
            detector.update(readings.normal());
        }
        assertEquals(first, detector.model(), "not yet refitted after 49 readings");
        detector.update(readings.normal());
        assertTrue(first != detector.model(), "refitted after 50 readings");
        assertEquals(100, detector.model().trainingCount());
    }

    @Test
    void peakWindowDampsRepeatsOfAPeakAlreadyReported() {
        StreamingDetector damped = StreamingDetector.builder("t", "v", "rpm")
                .model(m -> m.warmUpSize(100).trees(20).seed(4L))
                .peakWindow(10)
                .build();
        Readings readings = new Readings(8);
        for (int i = 0; i < 100; i++) {
            damped.update(readings.normal());
        }
        double first = damped.update(Readings.vibrationSpike());
        double repeat = damped.update(Readings.vibrationSpike());
        assertTrue(first > 0.9);
        assertEquals(first / 2, repeat, 1e-12, "the same level again is damped");
        assertEquals(first, damped.detect(Readings.vibrationSpike()).score(), 1e-12, "detect() is undamped");
    }

    @Test
    void streamingDetectorIsReproducibleWithASeed() {
        double[] a = run(11L);
        double[] b = run(11L);
        assertTrue(java.util.Arrays.equals(a, b));
        assertTrue(!java.util.Arrays.equals(a, run(12L)));
    }

    private static double[] run(long seed) {
        StreamingDetector detector = StreamingDetector.builder("value")
                .derived(DerivedFeature.DELTA, DerivedFeature.WINDOW)
                .model(m -> m.warmUpSize(100).retrainInterval(40).trees(30).seed(seed))
                .build();
        java.util.Random random = new java.util.Random(1);
        double[] scores = new double[300];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = detector.update(Math.sin(i / 10.0) + 0.1 * random.nextGaussian() + (i == 250 ? 3 : 0));
        }
        return scores;
    }

    @Test
    void derivedFeaturesCatchAJumpThatIsNormalForTheFleet() {
        StreamingDetector detector = StreamingDetector.builder("value")
                .derived(DerivedFeature.DELTA, DerivedFeature.WINDOW)
                .model(m -> m.warmUpSize(200).seed(2L))
                .build();
        java.util.Random random = new java.util.Random(2);
        double level = 0;
        double jump = 0;
        double worstNormal = 0;
        for (int i = 0; i < 600; i++) {
            level += 0.02 * random.nextGaussian(); // slow random walk within the usual range
            double value = Math.max(-1, Math.min(1, level)) + 0.01 * random.nextGaussian();
            if (i == 500) {
                double score = detector.update(value + 0.5);
                jump = score;
            } else if (i > 200 && i != 501) {
                worstNormal = Math.max(worstNormal, detector.update(value));
            } else {
                detector.update(value);
            }
        }
        assertTrue(jump > worstNormal, "jump " + jump + " vs worst normal " + worstNormal);
    }
}
