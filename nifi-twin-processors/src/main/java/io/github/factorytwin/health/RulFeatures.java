package io.github.factorytwin.health;

import java.util.Arrays;

/**
 * The feature vector a {@link RulModel} sees: computed from a machine's streaming {@link MachineState} alone, so
 * the model applies to live data exactly as it was trained (the evaluation replays the training engines through
 * the same {@link HealthEngine} and records these vectors).
 *
 * <p>Layout {@value #LAYOUT}: readings since the last reset, health, health trend slope (points per second, 0 when
 * unknown), fitted health now (the health when unknown); then per sensor: fast EWMA, slow EWMA, fast EWMA in
 * baseline standard deviations from the baseline mean, slow EWMA likewise (0 when unknown). For a sensor measured
 * against a load model (see {@link HealthEngine}) the EWMAs are of its residual once the baseline is learned; for
 * one measured per operating regime they are its level in the machine's first regime (see {@link #level}), and
 * the z features are in the pooled within-regime standard deviation.
 *
 * <p>Layout {@value #LAYOUT_V2} adds what a tree cannot form from single features, derived from the layout-1
 * vector alone (no further state): per sensor the fast minus the slow z (the rate of its drift), then the fleet's
 * {@link HealthIndex} of the slow z features, of the fast ones, and their difference (the rate of degradation of
 * all sensors together).
 */
public final class RulFeatures {

    public static final String LAYOUT = "health-state-v1";
    public static final String LAYOUT_V2 = "health-state-v2";

    private RulFeatures() {}

    public static int count(int sensors) {
        return 4 + 4 * sensors;
    }

    /** The number of features of {@code layout} ({@link #LAYOUT} or {@link #LAYOUT_V2}). */
    public static int count(String layout, int sensors) {
        return LAYOUT_V2.equals(layout) ? count(sensors) + sensors + 3 : count(sensors);
    }

    /** The layout-2 vector: layout 1's {@code x} followed by the drift rates and the fused index. */
    public static double[] extend(double[] x, HealthIndex index) {
        int sensors = index.sensors();
        double[] out = Arrays.copyOf(x, count(LAYOUT_V2, sensors));
        double[] fast = fastZ(x, sensors);
        double[] slow = slowZ(x, sensors);
        int k = count(sensors);
        for (int i = 0; i < sensors; i++) {
            out[k++] = fast[i] - slow[i];
        }
        double slowIndex = index.value(slow);
        double fastIndex = index.value(fast);
        out[k++] = slowIndex;
        out[k++] = fastIndex;
        out[k] = fastIndex - slowIndex;
        return out;
    }

    /** The slow z feature of each sensor in a layout-1 vector: what the {@link HealthIndex} is learned on. */
    public static double[] slowZ(double[] x, int sensors) {
        return perSensor(x, sensors, 3);
    }

    /** The fast z feature of each sensor in a layout-1 vector. */
    static double[] fastZ(double[] x, int sensors) {
        return perSensor(x, sensors, 2);
    }

    /** Feature {@code offset} (0-3) of each sensor's four in a layout-1 vector. */
    private static double[] perSensor(double[] x, int sensors, int offset) {
        double[] values = new double[sensors];
        for (int i = 0; i < sensors; i++) {
            values[i] = x[4 + 4 * i + offset];
        }
        return values;
    }

    /** The layout-1 vector of the machine's state. */
    public static double[] of(MachineState s) {
        double[] x = new double[count(s.sensorCount)];
        x[0] = s.readings;
        x[1] = s.health;
        double[] trend = HealthEngine.trend(s);
        x[2] = trend == null ? 0 : trend[0];
        x[3] = trend == null ? s.health : trend[1];
        for (int i = 0; i < s.sensorCount; i++) {
            int k = 4 + 4 * i;
            x[k] = orZero(level(s, i, s.fast[i]));
            x[k + 1] = orZero(level(s, i, s.slow[i]));
            x[k + 2] = orZero(HealthEngine.zScore(s, i, s.fast[i]));
            x[k + 3] = orZero(HealthEngine.zScore(s, i, s.slow[i]));
        }
        return x;
    }

    /**
     * The smoothed value as a sensor level. A sensor measured per operating regime keeps its smoothed value in
     * pooled standard deviations from the regime's mean; it is expressed here in the machine's first regime (mean
     * + value * pooled std), so that one operating condition gives the same level features as a plain baseline.
     */
    private static double level(MachineState s, int i, double smoothed) {
        if (!s.regimeModelled(i)) {
            return smoothed;
        }
        if (s.regimeCount() == 0 || s.regimeN[i] == 0) {
            return Double.NaN;
        }
        return s.regimeMean[i] + smoothed * s.pooledSd(i);
    }

    private static double orZero(double v) {
        return Double.isFinite(v) ? v : 0;
    }
}
