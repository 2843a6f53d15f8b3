package io.github.factorytwin.records;

/**
 * Record field names shared by the processors, the flows, the Elasticsearch index templates and the
 * dashboards. One place, so a rename cannot silently break a downstream consumer.
 */
public final class TwinFields {

    // Written by GenerateSensorReadings, read by everything downstream.
    public static final String MACHINE_ID = "machine_id";
    public static final String MACHINE_TYPE = "machine_type";
    /** Event time, epoch milliseconds UTC. */
    public static final String TIMESTAMP = "timestamp";

    public static final String TEMPERATURE = "temperature";
    public static final String VIBRATION = "vibration";
    public static final String RPM = "rpm";

    // Ground truth (simulator only; can be switched off for production-like output).
    /** normal / degrading / failed / maintenance. */
    public static final String STATE = "state";
    /** none / bearing_wear / overheating / imbalance. */
    public static final String FAILURE_MODE = "failure_mode";
    /** Simulated seconds until the coming failure. */
    public static final String REMAINING_USEFUL_LIFE = "remaining_useful_life";
    /** none / stuck / dropout / spike: an injected sensor fault, not a machine failure. */
    public static final String SENSOR_FAULT = "sensor_fault";

    // Written by ScoreAnomaly.
    /** 0..1, higher is more anomalous. */
    public static final String ANOMALY_SCORE = "anomaly_score";

    public static final String IS_ANOMALY = "is_anomaly";
    /** The feature that contributed most to the score. */
    public static final String ANOMALY_FEATURE = "anomaly_feature";

    public static final String ANOMALY_FEATURE_VALUE = "anomaly_feature_value";
    /** Human-readable: e.g. "vibration=3.20 above normal 0.20..1.10". */
    public static final String ANOMALY_EXPLANATION = "anomaly_explanation";

    // Written by ComputeHealthScore.
    /** 0..100, 100 is as good as new. */
    public static final String HEALTH_SCORE = "health_score";
    /** HEALTHY / WARNING / CRITICAL. */
    public static final String HEALTH_STATUS = "health_status";
    /** Seconds until maintenance is due; null when the trend does not support an estimate. */
    public static final String TIME_TO_MAINTENANCE = "estimated_time_to_maintenance";

    // Alert records (ComputeHealthScore's alerts relationship).
    public static final String ALERT_ID = "alert_id";
    /** WARNING / CRITICAL. */
    public static final String ALERT_SEVERITY = "severity";
    /** RAISED / ESCALATED / RECOVERED. */
    public static final String ALERT_EVENT = "alert_event";

    public static final String ALERT_REASON = "reason";

    /** Attribute set on records a processor could not handle. */
    public static final String ERROR_MESSAGE_ATTRIBUTE = "record.error.message";
    /** FlowFile attribute: records in the FlowFile. */
    public static final String RECORD_COUNT_ATTRIBUTE = "record.count";
    /** FlowFile attribute: records of a failed FlowFile that could not be processed. */
    public static final String ERROR_COUNT_ATTRIBUTE = "record.error.count";
    /** FlowFile attribute: NiFi's CoreAttributes.MIME_TYPE key, as a constant the annotations can name. */
    public static final String MIME_TYPE_ATTRIBUTE = "mime.type";

    private TwinFields() {}
}
