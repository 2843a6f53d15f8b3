package io.github.factorytwin.anomaly;

import io.github.factorytwin.state.Fields;
import io.github.factorytwin.state.StateInput;
import java.io.IOException;
import java.util.Arrays;

/**
 * The last {@code capacity} doubles added, the oldest overwritten once it is full: a machine's rolling window of a
 * feature, the anomaly likelihood's averaging window and score history. Slots fill from index 0, so a saved ring
 * restores exactly. Its storage may start small and double as values arrive (a new machine costs little memory).
 * Not thread-safe.
 */
final class DoubleRing {

    private final int capacity;
    private double[] values;
    private int count;
    private int next;

    /** A ring whose storage is allocated whole. */
    DoubleRing(int capacity) {
        this(capacity, capacity);
    }

    /** A ring whose storage starts at {@code initial} slots (at most {@code capacity}) and grows to it. */
    DoubleRing(int capacity, int initial) {
        if (capacity < 0 || initial < 0) {
            throw new IllegalArgumentException("A ring's capacity must not be negative");
        }
        this.capacity = capacity;
        this.values = new double[Math.min(initial, capacity)];
    }

    private DoubleRing(DoubleRing other) {
        capacity = other.capacity;
        values = other.values.clone();
        count = other.count;
        next = other.next;
    }

    DoubleRing copy() {
        return new DoubleRing(this);
    }

    int capacity() {
        return capacity;
    }

    /** Values held, at most the capacity. */
    int count() {
        return count;
    }

    boolean isFull() {
        return count == capacity;
    }

    /** The value the next {@link #add} overwrites; only when {@link #isFull()}. */
    double oldest() {
        return values[next];
    }

    /** The value in slot {@code index} ({@code 0 <= index < count()}); sums over the slots in this order. */
    double get(int index) {
        return values[index];
    }

    /** Adds {@code x}, overwriting the oldest value once full (a ring of capacity 0 keeps nothing). */
    void add(double x) {
        if (capacity == 0) {
            return;
        }
        if (count == values.length && values.length < capacity) {
            values = Arrays.copyOf(values, (int) Math.min(capacity, Math.max(1, 2L * values.length)));
        }
        values[next] = x; // while growing, next == count < values.length
        next = next + 1 == capacity ? 0 : next + 1;
        count = Math.min(count + 1, capacity);
    }

    /**
     * The saved ring (format version 3 of the State Directory files): count, the filled slots and the next slot.
     * Read into an empty ring of the same capacity; its storage grows to the count read, never beyond the capacity.
     */
    static final Fields<DoubleRing> FIELDS = Fields.<DoubleRing>builder()
            .int32("value count", r -> r.count, DoubleRing::setCount)
            .float64s("values", r -> r.values, (r, i) -> i < r.count)
            .int32("next slot", r -> r.next, (r, at) -> {
                if (!r.reachable(r.count, at)) {
                    throw new IllegalArgumentException(at + " with " + r.count + " values");
                }
                r.next = at;
            })
            .build();

    private void setCount(int filled) {
        if (filled < 0 || filled > capacity) {
            throw new IllegalArgumentException(filled + ", the capacity is " + capacity);
        }
        values = new double[Math.max(filled, values.length)];
        count = filled;
    }

    // Versions 1 and 2 of the State Directory files held rings in two layouts; only read now.

    /** Reads into this empty ring a version 1/2 feature window: count, next slot, every slot of the capacity. */
    void readWhole(StateInput in) throws IOException {
        int filled = in.readInt();
        int at = in.readInt();
        values = new double[capacity];
        for (int i = 0; i < capacity; i++) {
            values[i] = in.readDouble();
        }
        restore(filled, at);
    }

    /** Reads a version 1/2 feature window of an owner that keeps no ring (count and next slot 0). */
    static void readNoneWhole(StateInput in) throws IOException {
        new DoubleRing(0).readWhole(in);
    }

    /** Reads into this empty ring a version 1/2 likelihood ring: count, the filled slots, next slot. */
    void readFilled(StateInput in, String what) throws IOException {
        int filled = in.count(in.readInt(), capacity, 8, what + " length");
        values = new double[Math.max(filled, values.length)];
        for (int i = 0; i < filled; i++) {
            values[i] = in.readDouble();
        }
        restore(filled, in.readInt());
    }

    /** Sets the count and next slot read from a file, after checking that a ring could have reached them. */
    private void restore(int filled, int at) throws ModelFormatException {
        if (!reachable(filled, at)) {
            throw new ModelFormatException("Saved window is damaged (" + filled + " values, next slot " + at + ")");
        }
        count = filled;
        next = at;
    }

    /** Whether a ring of this capacity can hold {@code filled} values with {@code at} its next slot. */
    private boolean reachable(int filled, int at) {
        if (filled < 0 || filled > capacity) {
            return false;
        } else if (capacity == 0) {
            return at == 0;
        } else if (filled == capacity) {
            return at >= 0 && at < capacity; // once full, the next slot may be anywhere
        }
        return at == filled; // slots fill from 0
    }
}
