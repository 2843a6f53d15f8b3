package io.github.factorytwin.simulator;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * One machine of the fleet: its id, type and the normal operating range of each sensor, and the failure modes it
 * can suffer (all three unless the fleet definition restricts them).
 */
public record MachineSpec(
        String id,
        MachineProfile profile,
        SensorRange temperature,
        SensorRange vibration,
        SensorRange rpm,
        Set<FailureMode> failureModes) {

    public MachineSpec {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(temperature, "temperature");
        Objects.requireNonNull(vibration, "vibration");
        Objects.requireNonNull(rpm, "rpm");
        failureModes = failureModes == null || failureModes.isEmpty()
                ? Set.copyOf(EnumSet.of(FailureMode.BEARING_WEAR, FailureMode.OVERHEATING, FailureMode.IMBALANCE))
                : Set.copyOf(failureModes);
        if (failureModes.contains(FailureMode.NONE)) {
            throw new IllegalArgumentException("failure mode none is not a failure");
        }
    }

    public MachineSpec(
            String id, MachineProfile profile, SensorRange temperature, SensorRange vibration, SensorRange rpm) {
        this(id, profile, temperature, vibration, rpm, null);
    }
}
