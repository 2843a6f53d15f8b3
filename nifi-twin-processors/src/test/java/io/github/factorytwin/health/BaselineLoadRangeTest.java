package io.github.factorytwin.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A baseline that saw one load is learned again when the load leaves it (its load model would only extrapolate),
 * while a baseline that saw the load move keeps judging drift at every load within its range.
 */
class BaselineLoadRangeTest {

    private static final long STEP = 2_000;
    private static final int BASELINE = 50;

    private final HealthEngine engine = new HealthEngine(
            HealthConfig.of(List.of("temperature", "vibration", "rpm"), 70, 40, 5, 10_000, BASELINE, 30_000, 120),
            null);
    private final MachineState state = engine.newState();
    private final Random noise = new Random(3);
    private final List<Alert> alerts = new ArrayList<>();
    private long now;

    /**
     * Feeds {@code count} readings at speed {@code rpm}: both sensors follow the speed at once, vibration with
     * {@code extraVibration} on top (a fault).
     */
    private void feed(int count, double rpm, double extraVibration) {
        for (int i = 0; i < count; i++, now += STEP) {
            double speed = rpm + 10 * noise.nextGaussian();
            double temperature = 40 + 0.01 * rpm + 0.1 * noise.nextGaussian();
            double vibration = 0.0001 * rpm + extraVibration + 0.005 * noise.nextGaussian();
            HealthAssessment a = engine.update(
                    state,
                    new ScoredReading("M1", now, new double[] {temperature, vibration, speed}, Double.NaN, false));
            alerts.addAll(a.alerts());
        }
    }

    @Test
    void aBaselineThatSawOneSpeedIsLearnedAgainAtTheNextSpeedAndAFaultThereStillAlerts() {
        feed(BASELINE + 20, 3000, 0);
        assertTrue(engine.baselineLearned(state));
        assertEquals(3000, state.lagMean[0], 5, "the baseline saw 3000 rpm");

        feed(20, 1500, 0); // vibration 0.15 lower: 30 of its noise's standard deviations
        assertTrue(alerts.isEmpty(), "a new speed is not a fault: " + alerts);
        assertEquals(HealthStatus.HEALTHY, state.status);
        feed(BASELINE, 1500, 0);
        assertTrue(engine.baselineLearned(state), "learned again");
        assertEquals(1500, state.lagMean[0], 5, "the new baseline saw 1500 rpm");
        assertTrue(alerts.isEmpty(), alerts.toString());

        feed(60, 1500, 0.05); // the fault: +10 standard deviations at the speed just learned
        assertEquals(1, alerts.size(), alerts.toString());
        assertEquals(Alert.Event.RAISED, alerts.get(0).event());
        assertTrue(alerts.get(0).reason().startsWith("vibration"), alerts.toString());
    }

    @Test
    void aBaselineThatSawTheSpeedMoveKeepsJudgingDriftAcrossItsRange() {
        for (int i = 0; i < BASELINE + 20; i++) { // the baseline sees the speed ramp from 1500 to 3000 rpm
            feed(1, 1500 + 1500.0 * i / BASELINE, 0);
        }
        assertTrue(engine.baselineLearned(state));
        int learnedAt = state.baselineReadings;

        feed(60, 2200, 0); // a speed between those seen: no drift, nothing learned again
        assertEquals(learnedAt, state.baselineReadings);
        assertTrue(alerts.isEmpty(), alerts.toString());

        feed(60, 2200, 0.05); // a fault at that speed
        assertEquals(learnedAt, state.baselineReadings, "the baseline is not learned again");
        assertEquals(1, alerts.size(), alerts.toString());
        assertTrue(alerts.get(0).reason().startsWith("vibration"), alerts.toString());
    }

    @Test
    void aDriftDuringTheBaselineGoesToTheTimeTrendNotIntoTheLoadGain() {
        // The speed swings around a lower level in the first half of the baseline than in the second. One machine's
        // temperature also warms by 0.2 per reading (an ambient rise): fitted on the load alone, the warming would
        // pass for load gain. With the time trend both machines learn the same gain.
        List<double[]> warming = new ArrayList<>();
        MachineState steady = baseline(0, new ArrayList<>());
        MachineState warmed = baseline(0.2, warming);
        double loadOnly = loadOnlySlope(warming);
        assertTrue(Math.abs(loadOnly - 0.01) > 0.001, "the warming biases a load-only gain: " + loadOnly);
        assertTrue(steady.loadModelled(0) && warmed.loadModelled(0));
        // the same gain as the machine that does not warm (the median-of-three load filter flattens both alike)
        assertEquals(steady.slope[0], warmed.slope[0], 0.0005, "the gain with the warming, beside the time trend");
    }

    @Test
    void aBaselineWhoseFirstReadingsShareATimestampStillLearnsItsTimeTrend() {
        // a replayed or batched first reading: no time spread after two readings must not switch the trend off
        MachineState steady = baseline(0, new ArrayList<>(), false);
        MachineState warmed = baseline(0.2, new ArrayList<>(), true);
        assertEquals(steady.slope[0], warmed.slope[0], 0.0005, "the gain with the warming, beside the time trend");
    }

    private MachineState baseline(double warmingPerReading, List<double[]> rows) {
        return baseline(warmingPerReading, rows, false);
    }

    /**
     * A machine's baseline (a reading a minute, the speed swinging smoothly), its temperature warming as given;
     * {@code firstTwoAtOnce}: the second reading carries the first one's timestamp.
     */
    private MachineState baseline(double warmingPerReading, List<double[]> rows, boolean firstTwoAtOnce) {
        MachineState machine = engine.newState();
        Random random = new Random(7);
        long t = 0;
        for (int i = 0; i < BASELINE; i++, t += (firstTwoAtOnce && i == 1 ? 0 : 60_000)) {
            double rpm = 2250 + 600 * Math.sin(2 * Math.PI * i / 12) + (i < BASELINE / 2 ? -300 : 300);
            double temperature = 40 + 0.01 * rpm + warmingPerReading * i + 0.1 * random.nextGaussian();
            double vibration = 0.0001 * rpm + 0.005 * random.nextGaussian();
            rows.add(new double[] {rpm, temperature});
            engine.update(
                    machine, new ScoredReading("M1", t, new double[] {temperature, vibration, rpm}, Double.NaN, false));
        }
        assertTrue(engine.baselineLearned(machine));
        return machine;
    }

    private static double loadOnlySlope(List<double[]> rows) {
        double mx = rows.stream().mapToDouble(r -> r[0]).average().orElseThrow();
        double my = rows.stream().mapToDouble(r -> r[1]).average().orElseThrow();
        double sxy = 0;
        double sxx = 0;
        for (double[] r : rows) {
            sxy += (r[0] - mx) * (r[1] - my);
            sxx += (r[0] - mx) * (r[0] - mx);
        }
        return sxy / sxx;
    }

    @Test
    void aMachineInAlarmDoesNotLearnItsBaselineAgainWhenItsSpeedChanges() {
        feed(BASELINE + 20, 3000, 0);
        feed(60, 3000, 0.05); // a fault at the speed the baseline saw
        assertEquals(HealthStatus.CRITICAL, state.status, alerts.toString());
        int learnedAt = state.baselineReadings;
        feed(60, 1500, 0.05);
        assertEquals(
                learnedAt, state.baselineReadings, "a machine in alarm keeps the baseline its fault is measured on");
        assertEquals(1, alerts.size(), alerts.toString());
    }
}
