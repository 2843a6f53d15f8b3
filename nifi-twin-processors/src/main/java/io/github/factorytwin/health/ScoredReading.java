package io.github.factorytwin.health;

/**
 * One reading of one machine after anomaly scoring: what the {@link HealthEngine} takes.
 *
 * @param machineId the machine: the key of its state; not null
 * @param timestamp event time, epoch milliseconds
 * @param sensors the configured sensors' values in configuration order; NaN where the sensor had no value. Read,
 *     not kept
 * @param anomalyScore the anomaly score 0..1, NaN when there is none (the scorer still warms up)
 * @param maintenance true when the reading marks a maintenance event (the machine was repaired)
 * @param context the operating context fields' values in configuration order (NaN where missing); empty when the
 *     configuration has none. Operating Regimes reads them; Load Following reads its load from {@code sensors}.
 */
public record ScoredReading(
        String machineId,
        long timestamp,
        double[] sensors,
        double anomalyScore,
        boolean maintenance,
        double[] context) {

    private static final double[] NONE = new double[0];

    public ScoredReading {
        if (context == null) {
            context = NONE;
        }
    }

    /** A reading without operating context values. */
    public ScoredReading(String machineId, long timestamp, double[] sensors, double anomalyScore, boolean maintenance) {
        this(machineId, timestamp, sensors, anomalyScore, maintenance, NONE);
    }
}
