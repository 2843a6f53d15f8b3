package io.github.factorytwin.simulator;

import java.util.Locale;

/** An injected fault of a sensor (not of the machine): the machine itself is fine. */
public enum SensorFault {
    NONE,
    /** The sensor repeats the value it had when the fault began. */
    STUCK,
    /** The sensor reports nothing: the field is written as null. */
    DROPOUT,
    /** One reading far off the true value. */
    SPIKE;

    private final String token = name().toLowerCase(Locale.ROOT);

    /** The value written in the {@code sensor_fault} field. */
    public String token() {
        return token;
    }
}
