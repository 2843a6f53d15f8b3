package io.github.factorytwin.simulator;

import java.util.Objects;

/**
 * Everything the simulation needs besides its seed and clock.
 *
 * @param fleet the machines
 * @param intervalMillis simulated time between two readings of the same machine
 * @param mtbfMillis mean simulated operating time from a (re)start of a machine to its failure
 * @param sensorFaultProbability probability per reading that a sensor fault begins
 * @param scenarios benign drift, duty changes and faults that end ({@link Scenarios#NONE} for none)
 */
public record SimulationSettings(
        FleetDefinition fleet,
        long intervalMillis,
        long mtbfMillis,
        double sensorFaultProbability,
        Scenarios scenarios) {

    /** Settings without scenarios. */
    public SimulationSettings(
            FleetDefinition fleet, long intervalMillis, long mtbfMillis, double sensorFaultProbability) {
        this(fleet, intervalMillis, mtbfMillis, sensorFaultProbability, Scenarios.NONE);
    }

    public SimulationSettings {
        Objects.requireNonNull(fleet, "fleet");
        Objects.requireNonNull(scenarios, "scenarios");
        if (intervalMillis < 1) {
            throw new IllegalArgumentException("reading interval must be positive");
        }
        if (mtbfMillis < intervalMillis) {
            throw new IllegalArgumentException("mean time between failures must be at least one reading interval");
        }
        if (!(sensorFaultProbability >= 0.0 && sensorFaultProbability <= 1.0)) {
            throw new IllegalArgumentException("sensor fault probability must be between 0 and 1");
        }
    }
}
