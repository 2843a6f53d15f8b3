package io.github.factorytwin.anomaly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The learner's adaptation policy ({@link AdaptationPolicy}), through ScoreAnomaly's engine: retraining on a sliding
 * sample follows slow, benign drift, the learning guard keeps a developing fault from being learned as normal, and a
 * lasting shift to a steady new level (a new duty) is learned once it has settled.
 */
class AdaptationPolicyTest {

    private static final List<String> SENSORS = List.of("temperature", "vibration");
    private static final int WARM_UP = 500;

    /** One machine, its own model: warm-up 500, refit every 250 learned readings on the last 2,000. */
    private static AnomalyDetector.Config config(int retrainInterval, double guard) {
        return AnomalyDetector.Config.builder(new FeatureSpec(SENSORS, Set.of()))
                .missing(MissingValueStrategy.IMPUTE_LAST)
                .scope(AnomalyDetector.Scope.PER_MACHINE)
                .warmUpSize(WARM_UP)
                .retrainInterval(retrainInterval)
                .trees(50)
                .subsampleSize(128)
                .threshold(0.6)
                .seed(7L)
                .sampleSize(2_000)
                .maxMachines(Integer.MAX_VALUE)
                .learningGuard(guard)
                .build();
    }

    private static AnomalyDetector.Config defaultPolicy() {
        return config(250, 0.5);
    }

    /** Feeds readings, one batch of 50 each; returns the share found anomalous among them. */
    private static final class Machine {
        final AnomalyEngine engine;
        final Random random = new Random(11);
        double temperature = 70;
        double vibration = 1.0;

        Machine(AnomalyDetector.Config config) {
            this(config, ScorePostProcessing.OFF);
        }

        Machine(AnomalyDetector.Config config, ScorePostProcessing postProcessing) {
            this.engine = AnomalyEngine.learning(new AnomalyEngine.Settings(config, postProcessing, false));
        }

        /** {@code n} readings around the current level, the level moved by the given steps per reading. */
        double run(int n, double temperatureStep, double vibrationStep) throws Exception {
            int anomalous = 0;
            int scored = 0;
            AnomalyEngine.Batch batch = engine.begin();
            for (int i = 0; i < n; i++) {
                temperature += temperatureStep;
                vibration += vibrationStep;
                double[] raw = {temperature + random.nextGaussian(), vibration + 0.05 * random.nextGaussian()};
                AnomalyEngine.Verdict result = batch.process(new AnomalyEngine.Reading("M1", "pump", null, false, raw));
                if (result.score() != null) {
                    scored++;
                    anomalous += result.anomalous() ? 1 : 0;
                }
                if (i % 50 == 49) {
                    batch.commit();
                    batch = engine.begin();
                }
            }
            batch.commit();
            return scored == 0 ? Double.NaN : (double) anomalous / scored;
        }
    }

    /** Temperature rises 8 standard deviations over 16,000 readings (e.g. a seasonal ambient temperature). */
    private static double anomalousShareAfterSlowDrift(AnomalyDetector.Config config) throws Exception {
        Machine machine = new Machine(config);
        machine.run(WARM_UP + 1_000, 0, 0);
        machine.run(16_000, 8.0 / 16_000, 0);
        return machine.run(1_000, 8.0 / 16_000, 0);
    }

    @Test
    void aSlowBenignDriftIsFollowedWithTheDefaultPolicyAndFlaggedWithoutIt() throws Exception {
        double adapted = anomalousShareAfterSlowDrift(defaultPolicy());
        double frozen = anomalousShareAfterSlowDrift(config(0, AnomalyDetector.Config.NO_GUARD));
        assertTrue(adapted < 0.1, "with retraining and the guard: " + adapted);
        assertTrue(frozen > 0.9, "with the warm-up model kept: " + frozen);
    }

    @Test
    void aDevelopingFaultIsNotLearnedAwayAndVerdictsReturnWhenItEnds() throws Exception {
        Machine guarded = new Machine(defaultPolicy());
        Machine unguarded = new Machine(config(250, AnomalyDetector.Config.NO_GUARD));
        for (Machine machine : List.of(guarded, unguarded)) {
            machine.run(WARM_UP + 3_000, 0, 0);
        }
        // vibration climbs 40 standard deviations over 6,000 readings (a developing bearing fault), then holds
        double guardedRamp = guarded.run(6_000, 0, 2.0 / 6_000);
        double guardedEnd = guarded.run(1_000, 0, 0);
        double unguardedEnd = unguarded.run(6_000, 0, 2.0 / 6_000) >= 0 ? unguarded.run(1_000, 0, 0) : Double.NaN;
        assertTrue(guardedRamp > 0.5, "the fault is flagged while it develops: " + guardedRamp);
        assertTrue(guardedEnd > 0.95, "and still at its worst: " + guardedEnd);
        assertTrue(unguardedEnd < 0.5, "without the guard the fault becomes the normal: " + unguardedEnd);

        // the fault ends (repaired without a maintenance record): back to the level learned before it
        guarded.vibration = 1.0;
        double afterFirst = guarded.run(50, 0, 0);
        double after = guarded.run(1_000, 0, 0);
        assertTrue(afterFirst < 0.1, "the verdicts are normal again at once: " + afterFirst);
        assertTrue(after < 0.1, "and stay so: " + after);
    }

    @Test
    void aLastingShiftToASteadyLevelIsLearnedOnceItHasSettled() throws Exception {
        Machine machine = new Machine(defaultPolicy());
        machine.run(WARM_UP + 3_000, 0, 0);
        // the machine moves to a new duty: temperature 10 standard deviations higher, and stays there
        machine.temperature += 10;
        double atFirst = machine.run(AdaptationPolicy.SHIFT_READINGS, 0, 0);
        machine.run(2_000, 0, 0);
        double later = machine.run(1_000, 0, 0);
        assertTrue(atFirst > 0.9, "the shift is flagged while it is new: " + atFirst);
        assertTrue(later < 0.1, "and learned once it has held steady: " + later);
    }

    @Test
    void withLikelihoodTheGuardJudgesTheReportedVerdictNotTheRawScore() throws Exception {
        // An Anomaly Threshold of 0.3 on the likelihood's scale: nearly every raw forest score of a normal reading
        // lies above it, while the likelihood of a steady machine's scores stays below it. Judged on raw scores the
        // guard would close within about 45 readings and hold the machine back, so it would not refit in the 250
        // readings below.
        AnomalyDetector.Config config =
                config(50, 0.5).toBuilder().threshold(0.3).build();
        Machine machine =
                new Machine(config, new ScorePostProcessing(ScorePostProcessing.Mode.LIKELIHOOD, 100, Double.NaN));
        machine.run(WARM_UP, 0, 0);
        IsolationForestModel warmUpModel = machine.engine.models().learnedModel("M1");
        assertEquals(WARM_UP, warmUpModel.trainingCount());

        double reported = machine.run(250, 0, 0);

        assertTrue(reported < 0.1, "the likelihood reports the steady machine normal: " + reported);
        assertEquals(
                WARM_UP + 250,
                machine.engine.models().learnedModel("M1").trainingCount(),
                "every reading reported normal joined the retraining sample, refitted every 50");
    }

    @Test
    void readingsThatKeepMovingHaveNotSettledAndAStepThatHoldsHas() {
        Random random = new Random(3);
        HeldBackReadings ramp = new HeldBackReadings(2);
        HeldBackReadings step = new HeldBackReadings(2);
        for (int i = 0; i < 5_000; i++) {
            // a slow trend: 0.001 standard deviations of noise per reading, 5 over the run
            ramp.add(new double[] {0.001 * i + random.nextGaussian()}, 0.7, FeatureState.RECENT_READINGS);
            step.add(
                    new double[] {10 + random.nextGaussian()},
                    0.7 + 0.01 * random.nextGaussian(),
                    FeatureState.RECENT_READINGS);
            if (i >= AdaptationPolicy.SHIFT_READINGS) {
                assertTrue(step.settled(AdaptationPolicy.SETTLED_DEVIATIONS), "a held level has settled: " + i);
            }
        }
        assertFalse(ramp.settled(AdaptationPolicy.SETTLED_DEVIATIONS), "a trend has not settled");
        assertTrue(step.settled(AdaptationPolicy.SETTLED_DEVIATIONS), "a held level has");
    }
}
