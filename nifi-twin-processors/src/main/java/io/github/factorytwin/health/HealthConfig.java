package io.github.factorytwin.health;

import io.github.factorytwin.context.OperatingContext;
import java.util.List;

/**
 * Settings of the {@link HealthEngine}. The processor's properties fill the first eight; the others have
 * documented defaults.
 *
 * @param sensors sensor field names, in the order of {@link ScoredReading#sensors()}
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
 * @param context the operating context (see {@link OperatingContext}); null means none: plain baselines. With
 *     {@link OperatingContext.Model#LOAD_FOLLOWING} and a context field that is one of the sensors, that sensor is
 *     the load: the other sensors' drift is measured from a baseline that follows the load, and the load itself
 *     is not a drift symptom. With {@link OperatingContext.Model#OPERATING_REGIMES} every sensor that is not a
 *     context field has a baseline per regime.
 * @param following how learned baselines follow slow, benign change (see {@link BaselineFollowing}); null means
 *     {@link BaselineFollowing#DEFAULT}
 * @param alertConfirmationMillis how long (event time) a HEALTHY machine's health must stay below the warning
 *     threshold before it leaves HEALTHY and an alert is RAISED; the dwell time applies when it is shorter. Clearing
 *     and escalating keep the dwell time: a confirmed incident is not made to wait twice.
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
        OperatingContext context,
        BaselineFollowing following,
        long alertConfirmationMillis) {

    public static final int DEFAULT_TREND_WINDOW = 120;
    public static final double DEFAULT_FAST_ALPHA = 0.1;
    public static final double DEFAULT_SLOW_ALPHA = 0.02;
    public static final double DEFAULT_ANOMALY_ALPHA = 0.1;
    public static final double DEFAULT_ANOMALY_FLOOR = 0.5;
    public static final double DEFAULT_ANOMALY_CEILING = 0.9;
    public static final double DEFAULT_DRIFT_FREE_SIGMAS = 1.0;
    public static final double DEFAULT_DRIFT_SPAN_SIGMAS = 5.0;
    /** The context field {@link #of} takes (Load Following): the load when it is among the sensors. */
    public static final String DEFAULT_LOAD_SENSOR = "rpm";

    public HealthConfig {
        sensors = List.copyOf(sensors);
        if (sensors.isEmpty() || sensors.size() > 64) {
            throw new IllegalArgumentException("between 1 and 64 sensors are needed");
        }
        if (!(criticalThreshold < warningThreshold)) {
            throw new IllegalArgumentException("Critical Threshold must be below Warning Threshold");
        }
        if (baselineSize < 2
                || trendWindow < 5
                || minDwellMillis < 0
                || lateToleranceMillis < 0
                || hysteresis < 0
                || alertConfirmationMillis < 0) {
            throw new IllegalArgumentException("invalid health configuration");
        }
        if (context == null) {
            context = OperatingContext.loadFollowing(List.of());
        }
        if (following == null) {
            following = BaselineFollowing.DEFAULT;
        }
    }

    /**
     * The load sensor of Load Following: the context field when it is one of the sensors; null otherwise (also
     * with Operating Regimes).
     */
    public String loadSensor() {
        if (context.regimesModelled() || context.fields().isEmpty()) {
            return null;
        }
        String field = context.fields().get(0);
        return sensors.contains(field) ? field : null;
    }

    /** These settings with another operating context. */
    public HealthConfig withContext(OperatingContext newContext) {
        return with(newContext, following, alertConfirmationMillis);
    }

    /** These settings with another way of following slow change. */
    public HealthConfig withFollowing(BaselineFollowing newFollowing) {
        return with(context, newFollowing, alertConfirmationMillis);
    }

    /** These settings with another alert confirmation time. */
    public HealthConfig withAlertConfirmation(long newAlertConfirmationMillis) {
        return with(context, following, newAlertConfirmationMillis);
    }

    /** How long a worse status must be asked for before a HEALTHY machine takes it: the longer of the two times. */
    public long raiseMillis() {
        return Math.max(minDwellMillis, alertConfirmationMillis);
    }

    private HealthConfig with(
            OperatingContext newContext, BaselineFollowing newFollowing, long newAlertConfirmationMillis) {
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
                newContext,
                newFollowing,
                newAlertConfirmationMillis);
    }

    /** Index of the load sensor in {@link #sensors()}, -1 when there is none. */
    public int loadIndex() {
        String load = loadSensor();
        return load == null ? -1 : sensors.indexOf(load);
    }

    /**
     * The processor's settings with the documented defaults for the rest; the context is Load Following on {@value
     * #DEFAULT_LOAD_SENSOR} (the load when it is one of the sensors).
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
                OperatingContext.loadFollowing(List.of(DEFAULT_LOAD_SENSOR)),
                BaselineFollowing.DEFAULT,
                0);
    }
}
