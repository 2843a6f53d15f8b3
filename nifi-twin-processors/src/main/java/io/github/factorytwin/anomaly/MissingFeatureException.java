package io.github.factorytwin.anomaly;

/** A reading cannot be turned into a feature vector; the message names the field and the reason. */
public class MissingFeatureException extends Exception {
    public MissingFeatureException(String message) {
        super(message);
    }
}
