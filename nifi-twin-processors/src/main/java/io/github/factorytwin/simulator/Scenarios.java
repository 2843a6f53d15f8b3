package io.github.factorytwin.simulator;

/**
 * Optional changes to the simulated factory that a twin must live with, each with ground truth. All are off in
 * {@link #NONE}, which reproduces the factory without scenarios reading for reading.
 *
 * <ul>
 *   <li><b>Ambient drift</b> (benign, ground truth {@code normal}): the ambient (or fluid) temperature follows a
 *       seasonal cycle, {@code ambientAmplitude x temperature range x sin(2 pi t / ambientPeriod)} on the absolute
 *       clock, which moves every machine's temperature by that much and its vibration a little (warmer oil is
 *       thinner: a tenth of the same fraction of the vibration range).
 *   <li><b>Duty changes</b> (benign regime changes, ground truth {@code normal}): every {@code dutyPeriod} (each
 *       machine at its own phase) the machine's duty moves to the next of three RPM set-point bands: the usual
 *       10..90% of its RPM range, a light duty 2..35% and a heavy duty 65..98%. Set-points keep changing within
 *       the band as usual.
 *   <li><b>Faults that end</b>: with probability {@code transientFaultShare} a developing fault clears by itself
 *       part-way through its degradation (a transient fault, or a repair that sends no maintenance record): the
 *       wear drops to zero, the ground truth goes from {@code degrading} back to {@code normal} without a
 *       {@code failed} or {@code maintenance} reading, and the machine starts a new life.
 * </ul>
 *
 * @param ambientAmplitude amplitude of the ambient cycle as a fraction of each machine's temperature range; 0 = off
 * @param ambientPeriodMillis period of the ambient cycle (used when the amplitude is not 0)
 * @param dutyPeriodMillis time between duty changes of a machine; 0 = off
 * @param transientFaultShare probability that a machine's developing fault clears before it fails; 0 = off
 */
public record Scenarios(
        double ambientAmplitude, long ambientPeriodMillis, long dutyPeriodMillis, double transientFaultShare) {

    /** No scenario: the plain factory. */
    public static final Scenarios NONE = new Scenarios(0, 1, 0, 0);

    /** Set-point bands (fractions of the RPM range) the duty changes cycle through; the first is the usual one. */
    static final double[][] DUTY_BANDS = {{0.10, 0.90}, {0.02, 0.35}, {0.65, 0.98}};

    public Scenarios {
        if (!(ambientAmplitude >= 0 && ambientAmplitude <= 1)) {
            throw new IllegalArgumentException("ambient amplitude must be between 0 and 1 of the temperature range");
        }
        if (ambientPeriodMillis < 1) {
            throw new IllegalArgumentException("ambient period must be positive");
        }
        if (dutyPeriodMillis < 0) {
            throw new IllegalArgumentException("duty period must not be negative (0 = no duty changes)");
        }
        if (!(transientFaultShare >= 0 && transientFaultShare <= 1)) {
            throw new IllegalArgumentException("transient fault share must be between 0 and 1");
        }
    }

    /** The ambient cycle's offset at {@code millis}, as a fraction of the temperature range. */
    double ambientOffset(long millis) {
        if (ambientAmplitude == 0) {
            return 0;
        }
        double phase = (double) Math.floorMod(millis, ambientPeriodMillis) / ambientPeriodMillis;
        return ambientAmplitude * Math.sin(2 * Math.PI * phase);
    }

    /** The duty band index (into {@link #DUTY_BANDS}) of a machine whose phase offset is {@code phase} at {@code millis}. */
    int duty(long millis, long phase) {
        if (dutyPeriodMillis == 0) {
            return 0;
        }
        return (int) Math.floorMod(Math.floorDiv(millis + phase, dutyPeriodMillis), (long) DUTY_BANDS.length);
    }
}
