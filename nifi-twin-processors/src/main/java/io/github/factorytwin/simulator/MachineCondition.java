package io.github.factorytwin.simulator;

import java.util.Locale;

/** The ground-truth condition of a machine at the time of a reading. */
public enum MachineCondition {
    NORMAL,
    DEGRADING,
    FAILED,
    /** The repair was completed at this reading; the machine starts healthy. */
    MAINTENANCE;

    private final String token = name().toLowerCase(Locale.ROOT);

    /** The value written in the {@code state} field. */
    public String token() {
        return token;
    }
}
