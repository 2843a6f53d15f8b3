package io.github.factorytwin.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The alert confirmation time: a HEALTHY machine raises an alert only once its health has stayed low that long. */
class AlertConfirmationTest {

    private static final long STEP = 2_000;
    private static final long DWELL = 10_000;
    private static final long CONFIRMATION = 300_000;
    private static final int BASELINE = 50;

    /** One sensor, no load; health driven by the anomaly score: normal ~0.45, 1.0 takes health to 0. */
    private final HealthEngine engine = new HealthEngine(
            HealthConfig.of(List.of("vibration"), 70, 40, 5, DWELL, BASELINE, 30_000, 120)
                    .withAlertConfirmation(CONFIRMATION),
            null);

    private final MachineState state = engine.newState();
    private final Random noise = new Random(1);
    private final List<Alert> alerts = new ArrayList<>();
    private long now;

    /** Feeds {@code seconds} of readings at 2 s whose anomaly score is {@code score} (normal: with noise). */
    private void feed(double seconds, double score) {
        for (long end = now + (long) (seconds * 1000); now < end; now += STEP) {
            double s = score < 0.5 ? score + 0.02 * noise.nextGaussian() : score;
            HealthAssessment a = engine.update(
                    state, new ScoredReading("M1", now, new double[] {1 + 0.01 * noise.nextGaussian()}, s, false));
            alerts.addAll(a.alerts());
        }
    }

    private void learnBaseline() {
        feed(BASELINE * STEP / 1000.0 + 60, 0.45);
        assertEquals(HealthStatus.HEALTHY, state.status);
        assertTrue(alerts.isEmpty(), alerts.toString());
    }

    @Test
    void anExcursionShorterThanTheConfirmationTimeRaisesNoAlert() {
        learnBaseline();
        feed(240, 1.0); // 4 minutes at health 0: far longer than the dwell, shorter than the confirmation
        feed(120, 0.45);
        feed(240, 1.0); // again, after health came back: the confirmation starts over
        feed(600, 0.45);
        assertTrue(alerts.isEmpty(), alerts.toString());
        assertEquals(HealthStatus.HEALTHY, state.status);
    }

    @Test
    void aLowHealthThatLastsTheConfirmationTimeRaisesOneAlertThenClearsAfterTheDwellOnly() {
        learnBaseline();
        long start = now;
        feed(900, 1.0);
        assertEquals(1, alerts.size(), alerts.toString());
        Alert raised = alerts.get(0);
        assertEquals(Alert.Event.RAISED, raised.event());
        assertEquals(HealthStatus.CRITICAL, raised.severity());
        // health falls below the threshold within a few readings of the start (smoothing), then 5 minutes must pass
        long waited = raised.timestamp() - start;
        assertTrue(waited >= CONFIRMATION && waited <= CONFIRMATION + 10 * STEP, "raised after " + waited + " ms");

        long recoveredFrom = now;
        feed(300, 0.45);
        assertEquals(2, alerts.size(), alerts.toString());
        Alert recovered = alerts.get(1);
        assertEquals(Alert.Event.RECOVERED, recovered.event());
        assertEquals(raised.alertId(), recovered.alertId());
        // clearing waits for the dwell (and the smoothed score to fall), not for the confirmation time
        assertTrue(
                recovered.timestamp() - recoveredFrom < 60_000,
                "recovered after " + (recovered.timestamp() - recoveredFrom) + " ms");
    }

    @Test
    void aLongerDwellTimeStillConfirmsWhenTheConfirmationTimeIsShorter() {
        HealthConfig config = HealthConfig.of(List.of("vibration"), 70, 40, 5, 120_000, BASELINE, 30_000, 120)
                .withAlertConfirmation(0);
        assertEquals(120_000, config.raiseMillis());
        assertEquals(
                300_000,
                config.withAlertConfirmation(300_000).raiseMillis(),
                "the longer of the two holds a HEALTHY machine back");
    }
}
