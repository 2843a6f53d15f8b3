package io.github.factorytwin.health;

import java.util.List;

/**
 * Settings of the {@link HealthEngine}. The processor's properties fill the first eight; the others have
 * documented defaults.
 *
 * @param sensors sensor field names, in the order of {@link Reading#sensors()}
 * @param warningThreshold health below which a machine becomes WARNING
 * @param criticalThreshold health below which a machine becomes CRITICAL (below the warning threshold)
 * @param hysteresis health points above a threshold needed to leave the worse status again
 * @param minDwellMillis how long (event time) a new status must persist before it takes effect
 * @param baselineSize readings that learn a machine's own baseline
 * @param lateToleranceMillis records older than the machine's newest timestamp minus this are late
 * @param trendWindow effective number of readings of the health trend fit
 * @param fastAlpha EWMA weight of the smoothed sensor value used for drift
 * @param slowAlpha EWMA weight of the slow sensor average (trend features)
 * @param anomalyAlpha EWMA weight of the anomaly score
 * @param anomalyFloor smoothed anomaly score at or below which the anomaly penalty is 0
 * @param anomalyCeiling smoothed anomaly score at or above which the anomaly penalty is 1
 * @param driftFreeSigmas drift of the smoothed value (in baseline standard deviations) that costs nothing
 * @param driftSpanSigmas further standard deviations over which the drift penalty grows from 0 to 1
 * @param loadSensor the sensor that measures the machine's load (its speed), or null: the other sensors' drift is
 *     then measured from a baseline that follows the load, and the load itself is not a drift symptom
 */
public record HealthConfig(
        List<String> sensors,
        double warningThreshold,
        double criticalThreshold,
        double hysteresis,
        long minDwellMillis,
        int baselineSize,
        long lateToleranceMillis,
        int trendWindow,
        double fastAlpha,
        double slowAlpha,
        double anomalyAlpha,
        double anomalyFloor,
        double anomalyCeiling,
        double driftFreeSigmas,
        double driftSpanSigmas,
        String loadSensor) {

    public static final int DEFAULT_TREND_WINDOW = 120;
    public static final double DEFAULT_FAST_ALPHA = 0.1;
    public static final double DEFAULT_SLOW_ALPHA = 0.02;
    public static final double DEFAULT_ANOMALY_ALPHA = 0.1;
    public static final double DEFAULT_ANOMALY_FLOOR = 0.5;
    public static final double DEFAULT_ANOMALY_CEILING = 0.9;
    public static final double DEFAULT_DRIFT_FREE_SIGMAS = 1.0;
    public static final double DEFAULT_DRIFT_SPAN_SIGMAS = 5.0;
    /** The sensor {@link #of} takes as the load when it is among the sensors. */
    public static final String DEFAULT_LOAD_SENSOR = "rpm";

    public HealthConfig {
        sensors = List.copyOf(sensors);
        if (sensors.isEmpty() || sensors.size() > 64) {
            throw new IllegalArgumentException("between 1 and 64 sensors are needed");
        }
        if (!(criticalThreshold < warningThreshold)) {
            throw new IllegalArgumentException("Critical Threshold must be below Warning Threshold");
        }
        if (baselineSize < 2 || trendWindow < 5 || minDwellMillis < 0 || lateToleranceMillis < 0 || hysteresis < 0) {
            throw new IllegalArgumentException("invalid health configuration");
        }
        if (loadSensor != null && !sensors.contains(loadSensor)) {
            throw new IllegalArgumentException("the load sensor " + loadSensor + " is not one of the sensors");
        }
    }

    /** These settings without a load sensor: every sensor's baseline is a plain mean and standard deviation. */
    public HealthConfig withoutLoadSensor() {
        return new HealthConfig(
                sensors,
                warningThreshold,
                criticalThreshold,
                hysteresis,
                minDwellMillis,
                baselineSize,
                lateToleranceMillis,
                trendWindow,
                fastAlpha,
                slowAlpha,
                anomalyAlpha,
                anomalyFloor,
                anomalyCeiling,
                driftFreeSigmas,
                driftSpanSigmas,
                null);
    }

    /** Index of the load sensor in {@link #sensors()}, -1 when there is none. */
    public int loadIndex() {
        return loadSensor == null ? -1 : sensors.indexOf(loadSensor);
    }

    /**
     * The processor's settings with the documented defaults for the rest; the sensor named {@value
     * #DEFAULT_LOAD_SENSOR}, when configured, is the load.
     */
    public static HealthConfig of(
            List<String> sensors,
            double warningThreshold,
            double criticalThreshold,
            double hysteresis,
            long minDwellMillis,
            int baselineSize,
            long lateToleranceMillis,
            int trendWindow) {
        return new HealthConfig(
                sensors,
                warningThreshold,
                criticalThreshold,
                hysteresis,
                minDwellMillis,
                baselineSize,
                lateToleranceMillis,
                trendWindow,
                DEFAULT_FAST_ALPHA,
                DEFAULT_SLOW_ALPHA,
                DEFAULT_ANOMALY_ALPHA,
                DEFAULT_ANOMALY_FLOOR,
                DEFAULT_ANOMALY_CEILING,
                DEFAULT_DRIFT_FREE_SIGMAS,
                DEFAULT_DRIFT_SPAN_SIGMAS,
                sensors.contains(DEFAULT_LOAD_SENSOR) ? DEFAULT_LOAD_SENSOR : null);
    }
}
