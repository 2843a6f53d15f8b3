package io.github.factorytwin.anomaly;

import io.github.factorytwin.state.StateInput;
import java.io.DataOutputStream;
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

    // Two saved layouts, for the two file formats that hold rings (their bytes must not change).

    /** Writes count, every slot of the capacity (unfilled ones as 0) and the next slot: a feature window. */
    void writeWhole(DataOutputStream out) throws IOException {
        out.writeInt(count);
        out.writeInt(next);
        for (int i = 0; i < capacity; i++) {
            out.writeDouble(i < values.length ? values[i] : 0.0);
        }
    }

    /** Reads into this empty ring what {@link #writeWhole} wrote for a ring of the same capacity. */
    void readWhole(StateInput in) throws IOException {
        int filled = in.readInt();
        int at = in.readInt();
        values = new double[capacity];
        for (int i = 0; i < capacity; i++) {
            values[i] = in.readDouble();
        }
        restore(filled, at);
    }

    /** Writes what {@link #writeWhole} writes for a ring of capacity 0, for an owner that keeps no ring at all. */
    static void writeNoneWhole(DataOutputStream out) throws IOException {
        out.writeInt(0);
        out.writeInt(0);
    }

    /** Reads what {@link #writeNoneWhole} wrote. */
    static void readNoneWhole(StateInput in) throws IOException {
        new DoubleRing(0).readWhole(in);
    }

    /** Writes count, the filled slots and the next slot: the likelihood's rings. */
    void writeFilled(DataOutputStream out) throws IOException {
        out.writeInt(count);
        for (int i = 0; i < count; i++) {
            out.writeDouble(values[i]);
        }
        out.writeInt(next);
    }

    /** Reads into this empty ring what {@link #writeFilled} wrote for a ring of the same capacity. */
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
        boolean valid;
        if (filled < 0 || filled > capacity) {
            valid = false;
        } else if (capacity == 0) {
            valid = at == 0;
        } else if (filled == capacity) {
            valid = at >= 0 && at < capacity; // once full, the next slot may be anywhere
        } else {
            valid = at == filled; // slots fill from 0
        }
        if (!valid) {
            throw new ModelFormatException("Saved window is damaged (" + filled + " values, next slot " + at + ")");
        }
        count = filled;
        next = at;
    }
}
