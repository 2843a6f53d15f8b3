package io.github.factorytwin.anomaly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import org.junit.jupiter.api.Test;

class AnomalyDetectorTest {

    /** The three test features plus DELTA, one GLOBAL model after a warm-up of 50, 20 trees. */
    private static AnomalyDetector.Config deltaConfig() {
        return new AnomalyDetector.Config(
                new FeatureSpec(IsolationForestModelTest.NAMES, EnumSet.of(DerivedFeature.DELTA)),
                MissingValueStrategy.IMPUTE_LAST,
                AnomalyDetector.Scope.GLOBAL,
                50,
                0,
                20,
                32,
                0.6,
                1L);
    }

    @Test
    void uncommittedBatchesLeaveNoTrace() throws Exception {
        AnomalyDetector.Config config = deltaConfig();
        AnomalyDetector detector = AnomalyDetector.learning(config);
        Readings readings = new Readings(3);
        AnomalyDetector.Batch abandoned = detector.begin();
        for (int i = 0; i < 60; i++) {
            abandoned.score("M1", "*", readings.normal());
        }
        assertNull(detector.learnedModel("*"));
        assertEquals(0, detector.machineCount());

        AnomalyDetector.Batch batch = detector.begin();
        for (int i = 0; i < 60; i++) {
            Double score = batch.score("M1", "*", readings.normal()).score();
            // the 50th reading completes the warm-up: the batch's later readings are scored
            assertEquals(i < 50, score == null, "reading " + i);
        }
        assertNull(detector.learnedModel("*"), "installed only when the batch commits");
        batch.commit();
        assertNotNull(detector.learnedModel("*"));
        AnomalyDetector.Result result = detector.begin().score("M1", "*", Readings.vibrationSpike());
        assertTrue(result.anomalous());
        assertEquals("vibration", result.explanation().feature());
    }

    @Test
    void aForgottenMachineStartsItsDerivedFeaturesAfresh() throws Exception {
        AnomalyDetector.Config config = deltaConfig();
        AnomalyDetector detector = AnomalyDetector.learning(config);
        AnomalyDetector.Batch batch = detector.begin();
        batch.score("M1", "*", new double[] {70, 1.0, 3000});
        double[] delta =
                batch.score("M1", "*", new double[] {72, 1.5, 3000}).features().values();
        assertEquals(2.0, delta[3], 1e-9, "the change since the previous reading");
        batch.forgetMachine("M1");
        double[] fresh =
                batch.score("M1", "*", new double[] {75, 1.5, 3000}).features().values();
        assertEquals(0.0, fresh[3], 0.0, "no previous reading after the machine was forgotten");
        batch.forgetMachine("M1");
        assertThrows(
                MissingFeatureException.class,
                () -> batch.score("M1", "*", new double[] {Double.NaN, 1.5, 3000}),
                "no earlier value to impute from");
        batch.commit();
        assertEquals(1, detector.machineCount());
    }

    @Test
    void retrainingFollowsTheSlidingSampleAndSkipsAnomalies() throws Exception {
        StreamingDetector detector = StreamingDetector.builder("t", "v", "rpm")
                .warmUp(100)
                .retrainInterval(50)
                .trees(20)
                .subsample(64)
                .seed(9L)
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
                .warmUp(100)
                .trees(20)
                .seed(4L)
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
        assertEquals(first, damped.detect(Readings.vibrationSpike()).result().score(), 1e-12, "detect() is raw");
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
                .warmUp(100)
                .retrainInterval(40)
                .trees(30)
                .seed(seed)
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
                .warmUp(200)
                .seed(2L)
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
