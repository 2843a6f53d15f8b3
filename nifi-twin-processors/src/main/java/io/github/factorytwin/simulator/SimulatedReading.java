package io.github.factorytwin.simulator;

/**
 * One reading of one machine, with its ground truth. Mutable and reused by {@link FactorySimulator#next} so that
 * generating a reading allocates nothing; copy what you keep. A sensor that dropped out reads {@link Double#NaN}.
 */
public final class SimulatedReading {

    int machineIndex;
    MachineSpec machine;
    long timestamp;
    double temperature;
    double vibration;
    double rpm;
    MachineCondition condition;
    FailureMode failureMode;
    long remainingUsefulLifeSeconds;
    SensorFault sensorFault;

    public int machineIndex() {
        return machineIndex;
    }

    public String machineId() {
        return machine.id();
    }

    public String machineType() {
        return machine.profile().token();
    }

    /** Event time, epoch milliseconds. */
    public long timestamp() {
        return timestamp;
    }

    /** Degrees Celsius, NaN when the sensor dropped out. */
    public double temperature() {
        return temperature;
    }

    /** mm/s RMS, NaN when the sensor dropped out. */
    public double vibration() {
        return vibration;
    }

    /** Revolutions per minute, NaN when the sensor dropped out. */
    public double rpm() {
        return rpm;
    }

    public MachineCondition condition() {
        return condition;
    }

    /**
     * The failure under way ({@link FailureMode#NONE} while normal); on a maintenance record the failure that was
     * repaired.
     */
    public FailureMode failureMode() {
        return failureMode;
    }

    /** Simulated seconds until the coming failure; 0 while failed. */
    public long remainingUsefulLifeSeconds() {
        return remainingUsefulLifeSeconds;
    }

    public SensorFault sensorFault() {
        return sensorFault;
    }

    @Override
    public String toString() {
        return machineId() + "@" + timestamp + " T=" + temperature + " V=" + vibration + " RPM=" + rpm + " "
                + condition.token() + "/" + failureMode.token() + " rul=" + remainingUsefulLifeSeconds + " fault="
                + sensorFault.token();
    }
}
