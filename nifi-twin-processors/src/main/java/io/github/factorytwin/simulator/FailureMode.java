package io.github.factorytwin.simulator;

import java.util.Locale;

/** How a machine fails; each mode has its own signature in the sensors before the failure. */
public enum FailureMode {
    NONE(0.0),
    /** Vibration rises slowly, then fast (exponential), with a little frictional heat. */
    BEARING_WEAR(0.30),
    /** Loss of cooling: temperature drifts upwards independent of load. */
    OVERHEATING(0.15),
    /** Imbalance or misalignment: an extra vibration proportional to RPM squared that grows with wear. */
    IMBALANCE(0.20);

    private final double degradationFraction;
    private final String token;

    FailureMode(double degradationFraction) {
        this.degradationFraction = degradationFraction;
        this.token = name().toLowerCase(Locale.ROOT);
    }

    /** The value written in the {@code failure_mode} field. */
    public String token() {
        return token;
    }

    /** Mean length of the degrading phase as a fraction of the mean time between failures. */
    double degradationFraction() {
        return degradationFraction;
    }

    /** The three real failure modes (not {@link #NONE}). */
    public static final FailureMode[] FAILURES = {BEARING_WEAR, OVERHEATING, IMBALANCE};

    /** The mode whose {@link #token()} is {@code token}, or null. */
    public static FailureMode fromToken(String token) {
        for (FailureMode mode : FAILURES) {
            if (mode.token.equals(token)) {
                return mode;
            }
        }
        return null;
    }
}
