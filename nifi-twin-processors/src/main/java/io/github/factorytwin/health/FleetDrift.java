package io.github.factorytwin.health;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * What the fleet's deviations from their baselines have in common: per sensor, the median over the machines seen
 * within {@link #WINDOW_MILLIS} of event time of each one's latest deviation (smoothed value minus baseline mean, in
 * the sensor's units, as committed), leaving out the machine that asks. {@link BaselineFollowing} follows the part of
 * a machine's deviation that this median shares. The median needs {@link #MIN_MACHINES} other machines, so one
 * machine's fault cannot be the fleet's.
 *
 * <p>Memory is bounded: the latest deviation of at most {@code capacity} machines is kept (beyond it the slots are
 * reused in turn, so the median is over a sample of the machines seen lately). Derived from the committed machine
 * states, not saved itself: {@link HealthEngine#open} fills it again from the saved states of the machines seen most
 * recently. Thread-safe.
 */
public final class FleetDrift {

    /** Other machines whose deviations the median needs: with three, two must agree. */
    static final int MIN_MACHINES = 3;
    /** A machine's latest deviation counts this long (event time) after its reading. */
    static final long WINDOW_MILLIS = 15 * 60_000L;
    /** The medians are recomputed when the event time has moved this far since they were. */
    static final long REFRESH_MILLIS = 1_000L;
    /** Machines whose deviations are kept by default. */
    public static final int DEFAULT_CAPACITY = 1024;

    private final int sensors;
    private final int capacity;
    private final Map<String, Integer> slotOf = new HashMap<>();
    private final String[] machineOf;
    private final long[] time;
    private final double[] deviation;
    private int next;
    /** Per sensor, the deviations counted at the last computation, sorted, and how many there are. */
    private final double[][] sorted;

    private final int[] counted;
    /** Per slot and sensor, the deviation counted at the last computation (NaN when it was not). */
    private final double[] countedDeviation;

    private long computedAt = Long.MIN_VALUE;

    public FleetDrift(int sensors, int capacity) {
        if (sensors < 1 || capacity <= MIN_MACHINES) {
            throw new IllegalArgumentException(
                    "a fleet needs sensors and room for " + (MIN_MACHINES + 1) + " machines");
        }
        this.sensors = sensors;
        this.capacity = capacity;
        this.machineOf = new String[capacity];
        this.time = new long[capacity];
        this.deviation = new double[capacity * sensors];
        this.sorted = new double[sensors][capacity];
        this.counted = new int[sensors];
        this.countedDeviation = new double[capacity * sensors];
    }

    /**
     * Records machine {@code machineId}'s latest deviations (per sensor, NaN where unknown) at event time {@code
     * timestamp}, replacing the ones it had.
     */
    public synchronized void publish(String machineId, long timestamp, double[] deviations) {
        Integer slot = slotOf.get(machineId);
        if (slot == null) {
            slot = next;
            next = (next + 1) % capacity;
            if (machineOf[slot] != null) {
                slotOf.remove(machineOf[slot]);
            }
            machineOf[slot] = machineId;
            slotOf.put(machineId, slot);
        }
        time[slot] = timestamp;
        System.arraycopy(deviations, 0, deviation, slot * sensors, sensors);
    }

    /**
     * Writes into {@code shared}, per sensor, the median deviation of the other machines (not {@code machineId})
     * at event time {@code now}; NaN where fewer than {@link #MIN_MACHINES} others have one. Leaving the machine
     * out keeps its own deviation, however large, from pulling the median its way.
     */
    synchronized void othersMedians(String machineId, long now, double[] shared) {
        if (computedAt == Long.MIN_VALUE || Math.abs(HealthEngine.minus(now, computedAt)) >= REFRESH_MILLIS) {
            compute(now);
            computedAt = now;
        }
        Integer slot = slotOf.get(machineId);
        for (int s = 0; s < sensors; s++) {
            double own = slot == null ? Double.NaN : countedDeviation[slot * sensors + s];
            shared[s] = medianWithout(sorted[s], counted[s], own);
        }
    }

    /** Machines whose deviations are kept (for tests and monitoring). */
    synchronized int size() {
        return slotOf.size();
    }

    private void compute(long now) {
        long since = HealthEngine.minus(now, WINDOW_MILLIS);
        for (int s = 0; s < sensors; s++) {
            int n = 0;
            for (int slot = 0; slot < capacity; slot++) {
                double d = deviation[slot * sensors + s];
                boolean counts = machineOf[slot] != null && time[slot] >= since && Double.isFinite(d);
                countedDeviation[slot * sensors + s] = counts ? d : Double.NaN;
                if (counts) {
                    sorted[s][n++] = d;
                }
            }
            Arrays.sort(sorted[s], 0, n);
            counted[s] = n;
        }
    }

    /** The median of {@code values[0..n)} (sorted) without one occurrence of {@code own} (none when NaN). */
    static double medianWithout(double[] values, int n, double own) {
        int skip = Double.isNaN(own) ? n : Arrays.binarySearch(values, 0, n, own);
        int m = skip < 0 || skip >= n ? n : n - 1;
        if (skip < 0) {
            skip = n;
        }
        if (m < MIN_MACHINES) {
            return Double.NaN;
        }
        double upper = valueAt(values, m / 2, skip);
        return m % 2 == 1 ? upper : 0.5 * (valueAt(values, m / 2 - 1, skip) + upper);
    }

    private static double valueAt(double[] values, int k, int skip) {
        return k < skip ? values[k] : values[k + 1];
    }
}
