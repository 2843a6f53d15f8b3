package io.github.factorytwin.health;

/** A machine's health status, from best to worst; the ordinal is the severity. */
public enum HealthStatus {
    HEALTHY,
    WARNING,
    CRITICAL;

    boolean worseThan(HealthStatus other) {
        return ordinal() > other.ordinal();
    }
}
