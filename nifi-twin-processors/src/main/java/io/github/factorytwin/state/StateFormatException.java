package io.github.factorytwin.state;

import java.io.IOException;

/** Saved state that this version cannot use: another kind or version, damaged, truncated or out of bounds. */
public class StateFormatException extends IOException {
    public StateFormatException(String message) {
        super(message);
    }
}
