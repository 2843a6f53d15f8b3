package io.github.factorytwin.health;

/**
 * A reading older than its machine's newest timestamp (never one beyond the wall clock) by more than the late
 * tolerance: it changed nothing.
 */
public final class LateReadingException extends Exception {

    private final String machineId;
    private final long timestamp;
    private final long newest;

    LateReadingException(String machineId, long timestamp, long newest) {
        super("timestamp " + timestamp + " is more than the late tolerance older than the machine's newest reading ("
                + newest + ")");
        this.machineId = machineId;
        this.timestamp = timestamp;
        this.newest = newest;
    }

    public String machineId() {
        return machineId;
    }

    public long timestamp() {
        return timestamp;
    }

    /** The newest timestamp it was measured against: the machine's newest, or the wall clock if that is older. */
    public long newest() {
        return newest;
    }
}
