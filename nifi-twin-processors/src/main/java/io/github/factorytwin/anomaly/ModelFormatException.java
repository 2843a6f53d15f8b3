package io.github.factorytwin.anomaly;

import io.github.factorytwin.state.StateFormatException;

/** A model file that is not a model this version can read: wrong magic, version, damaged or out-of-bounds content. */
public class ModelFormatException extends StateFormatException {
    public ModelFormatException(String message) {
        super(message);
    }
}
