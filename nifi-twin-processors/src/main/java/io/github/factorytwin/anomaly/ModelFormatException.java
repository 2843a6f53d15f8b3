package io.github.factorytwin.anomaly;

import java.io.IOException;

/** A model file that is not a model this version can read: wrong magic, version, damaged or out-of-bounds content. */
public class ModelFormatException extends IOException {
    public ModelFormatException(String message) {
        super(message);
    }
}
