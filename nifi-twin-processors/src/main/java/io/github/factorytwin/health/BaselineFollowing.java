package io.github.factorytwin.health;

/**
 * How a learned baseline follows slow, benign change without learning a developing fault away. Two parts, applied
 * one after the other to each sensor's deviation from its baseline (smoothed value minus baseline mean, in baseline
 * standard deviations):
 *
 * <ul>
 *   <li><b>Shared with the fleet</b> ({@code fleetSeconds}): the part of the deviation that the fleet's median
 *       deviation of the same sensor also shows (same direction, at most as large; see {@link FleetDrift}) is
 *       followed with this time constant of event time. Ambient or fluid temperature moves many machines at once;
 *       a developing fault moves one, so the fleet's median stays near zero and nothing of it is followed here.
 *       The price: a change most of the fleet shows at once is taken as the plant's, not a fault.
 *   <li><b>The machine's own</b> ({@code ownSeconds}): while the machine is HEALTHY, its anomaly term costs nothing
 *       and the deviation left is within {@code limitSigmas}, the baseline follows it with this time constant.
 *       A change slower than about {@code limitSigmas} standard deviations per {@code ownSeconds} is followed
 *       whatever its cause (a very slow fault too); a faster one stays drift until a maintenance record.
 * </ul>
 *
 * @param ownSeconds time constant of following the machine's own deviation; 0 = off
 * @param limitSigmas deviation (baseline standard deviations) beyond which the machine's own deviation is not followed
 * @param fleetSeconds time constant of following the deviation the fleet shares; 0 = off
 */
public record BaselineFollowing(double ownSeconds, double limitSigmas, double fleetSeconds) {

    /** The defaults: see ComputeHealthScore's properties. */
    public static final BaselineFollowing DEFAULT = new BaselineFollowing(3600, 1, 600);

    /** No following: a baseline stays as learned until a maintenance record. */
    public static final BaselineFollowing OFF = new BaselineFollowing(0, 0, 0);

    public BaselineFollowing {
        if (!(ownSeconds >= 0) || !(limitSigmas >= 0) || !(fleetSeconds >= 0)) {
            throw new IllegalArgumentException("following times and limit must not be negative");
        }
        if (Double.isInfinite(ownSeconds) || Double.isInfinite(limitSigmas) || Double.isInfinite(fleetSeconds)) {
            throw new IllegalArgumentException("following times and limit must be finite");
        }
    }

    /** Whether the fleet part is on (the engine then keeps a {@link FleetDrift}). */
    public boolean followsFleet() {
        return fleetSeconds > 0;
    }

    /** The weight with which the machine's own deviation is followed over {@code dtSeconds}; 0 when off. */
    double ownWeight(double dtSeconds) {
        return weight(dtSeconds, ownSeconds);
    }

    /** The weight with which the shared deviation is followed over {@code dtSeconds}; 0 when off. */
    double fleetWeight(double dtSeconds) {
        return weight(dtSeconds, fleetSeconds);
    }

    private static double weight(double dtSeconds, double timeConstant) {
        return timeConstant > 0 && dtSeconds > 0 ? -Math.expm1(-dtSeconds / timeConstant) : 0;
    }

    /**
     * The share (0..1) of a machine's deviation {@code z} that the fleet's median deviation {@code fleetZ} explains:
     * none when they point different ways or the fleet's is unknown (NaN), all of it when the fleet's is as large.
     */
    static double sharedShare(double z, double fleetZ) {
        if (!(z * fleetZ > 0)) {
            return 0; // opposite signs, a zero, or NaN
        }
        return Math.min(1, fleetZ / z);
    }
}
