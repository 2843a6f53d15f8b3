package io.github.factorytwin.health;

/**
 * One reading of one machine as the engine sees it.
 *
 * @param timestamp event time, epoch milliseconds
 * @param sensors the configured sensors' values in configuration order; NaN where the sensor had no value
 * @param anomalyScore the anomaly score 0..1, NaN when there is none (the scorer still warms up)
 * @param maintenance true when the reading marks a maintenance event (the machine was repaired)
 * @param context the operating context fields' values in configuration order (NaN where missing); empty when the
 *     configuration has none. Operating Regimes reads them; Load Following reads its load from {@code sensors}.
 */
public record Reading(long timestamp, double[] sensors, double anomalyScore, boolean maintenance, double[] context) {

    private static final double[] NONE = new double[0];

    public Reading {
        if (context == null) {
            context = NONE;
        }
    }

    /** A reading without operating context values. */
    public Reading(long timestamp, double[] sensors, double anomalyScore, boolean maintenance) {
        this(timestamp, sensors, anomalyScore, maintenance, NONE);
    }
}
