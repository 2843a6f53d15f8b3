package io.github.factorytwin.simulator;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A machine type: its dynamics (how fast temperature and speed follow the load, how often the operating regime
 * changes, how long a repair takes) and how likely each failure mode is. The normal ranges of its sensors are
 * configured per machine ({@link MachineSpec}); a profile scales its behaviour to them.
 */
public enum MachineProfile {
    //        thermal tau s, rpm tau s, regime mean s, repair s, bearing, overheating, imbalance
    PUMP(240, 15, 1200, 1200, 0.40, 0.20, 0.40),
    COMPRESSOR(420, 25, 1800, 1800, 0.30, 0.50, 0.20),
    MOTOR(180, 8, 600, 900, 0.50, 0.20, 0.30);

    private final String token;
    final double thermalTauSeconds;
    final double rpmTauSeconds;
    final double regimeMeanSeconds;
    final double repairSeconds;
    private final double[] failureWeights;

    MachineProfile(
            double thermalTauSeconds,
            double rpmTauSeconds,
            double regimeMeanSeconds,
            double repairSeconds,
            double bearingWear,
            double overheating,
            double imbalance) {
        this.token = name().toLowerCase(Locale.ROOT);
        this.thermalTauSeconds = thermalTauSeconds;
        this.rpmTauSeconds = rpmTauSeconds;
        this.regimeMeanSeconds = regimeMeanSeconds;
        this.repairSeconds = repairSeconds;
        this.failureWeights = new double[] {bearingWear, overheating, imbalance};
    }

    /** The value written in the {@code machine_type} field and accepted as {@code "type"} in a fleet definition. */
    public String token() {
        return token;
    }

    /** Relative likelihood of {@code mode} for this type (the weights of the three modes sum to one). */
    public double failureWeight(FailureMode mode) {
        return switch (mode) {
            case BEARING_WEAR -> failureWeights[0];
            case OVERHEATING -> failureWeights[1];
            case IMBALANCE -> failureWeights[2];
            case NONE -> 0.0;
        };
    }

    public static MachineProfile fromToken(String token) {
        for (MachineProfile profile : values()) {
            if (profile.token.equals(token)) {
                return profile;
            }
        }
        return null;
    }

    /** The tokens, for messages: "pump, compressor, motor". */
    public static String tokens() {
        return String.join(
                ", ", Arrays.stream(values()).map(MachineProfile::token).toList());
    }

    /** The profile given to the {@code index}-th machine of a fleet configured without explicit types. */
    public static MachineProfile forIndex(int index) {
        List<MachineProfile> all = List.of(values());
        return all.get(index % all.size());
    }
}
