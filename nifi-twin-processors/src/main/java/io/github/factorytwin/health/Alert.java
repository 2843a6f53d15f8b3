package io.github.factorytwin.health;

/**
 * One alert event. {@code alertId} names the incident (machine id and the event time it was raised), so RAISED,
 * ESCALATED and RECOVERED of one incident share it and a downstream index can upsert by it.
 */
public record Alert(
        String alertId,
        String machineId,
        long timestamp,
        HealthStatus severity,
        Event event,
        String reason,
        double healthScore,
        Long timeToMaintenance) {

    /** What happened to the incident. */
    public enum Event {
        RAISED,
        ESCALATED,
        RECOVERED
    }
}
