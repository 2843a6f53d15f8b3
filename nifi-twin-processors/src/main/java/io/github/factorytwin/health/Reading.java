package io.github.factorytwin.health;

/**
 * One reading of one machine as the engine sees it.
 *
 * @param timestamp event time, epoch milliseconds
 * @param sensors the configured sensors' values in configuration order; NaN where the sensor had no value
 * @param anomalyScore the anomaly score 0..1, NaN when there is none (the scorer still warms up)
 * @param maintenance true when the reading marks a maintenance event (the machine was repaired)
 */
public record Reading(long timestamp, double[] sensors, double anomalyScore, boolean maintenance) {}
