package io.github.factorytwin.processors;

import org.apache.nifi.components.DescribedValue;

/** How GenerateSensorReadings advances simulated time. */
public enum Pacing implements DescribedValue {
    REAL_TIME(
            "REAL_TIME",
            "Real Time",
            "Simulated time is the wall clock: each machine gives one reading per Reading Interval, written when it is"
                    + " due (timestamps are the due times). When nothing is due the processor yields."),
    AS_FAST_AS_POSSIBLE(
            "AS_FAST_AS_POSSIBLE",
            "As Fast As Possible",
            "Each run writes Batch Size readings and simulated time advances by one Reading Interval per round of the"
                    + " fleet, as fast as the processor runs: for backfills, model training, tests and benchmarks."
                    + " Timestamps start at the wall clock when the factory is created and then run ahead of it.");

    private final String value;
    private final String displayName;
    private final String description;

    Pacing(String value, String displayName, String description) {
        this.value = value;
        this.displayName = displayName;
        this.description = description;
    }

    @Override
    public String getValue() {
        return value;
    }

    @Override
    public String getDisplayName() {
        return displayName;
    }

    @Override
    public String getDescription() {
        return description;
    }
}
