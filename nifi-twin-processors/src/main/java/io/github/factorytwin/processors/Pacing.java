package io.github.factorytwin.processors;

/** How GenerateSensorReadings advances simulated time. */
public enum Pacing implements Choice {
    REAL_TIME(
            "Real Time",
            "Simulated time is the wall clock: each machine gives one reading per Reading Interval, written when it is"
                    + " due (timestamps are the due times). When nothing is due the processor yields."),
    AS_FAST_AS_POSSIBLE(
            "As Fast As Possible",
            "Each run writes Batch Size readings and simulated time advances by one Reading Interval per round of the"
                    + " fleet, as fast as the processor runs: for backfills, model training, tests and benchmarks."
                    + " Timestamps start at the wall clock when the factory is created and then run ahead of it.");

    private final Label label;

    Pacing(String displayName, String description) {
        this.label = new Label(displayName, description);
    }

    @Override
    public Label label() {
        return label;
    }
}
