package io.github.factorytwin.anomaly;

import io.github.factorytwin.state.Fields;
import io.github.factorytwin.state.StateInput;
import java.io.IOException;

/**
 * A reading outside the range of everything the machine has shown so far is an anomaly, whatever the model says:
 * when a feature value exceeds the machine's running maximum (or falls below its running minimum) by more than
 * {@code tolerance} times the running range, the score becomes 1. Numenta's NAB detector calls this the spatial
 * anomaly check (tolerance 0.05). Values are tracked from the first reading, including readings whose raw score is
 * NaN (the warm-up); NaN values are ignored. A feature whose range is still a single value never triggers.
 */
public final class RangeGuard {

    private final double tolerance;
    private double[] min;
    private double[] max;

    /** @param tolerance fraction of the running range allowed beyond it (Numenta: 0.05); not negative */
    public RangeGuard(double tolerance) {
        if (!(tolerance >= 0) || Double.isInfinite(tolerance)) {
            throw new IllegalArgumentException("Range tolerance must be a non-negative number");
        }
        this.tolerance = tolerance;
    }

    /** A deep copy: changes to either do not show in the other. */
    public RangeGuard copy() {
        RangeGuard copy = new RangeGuard(tolerance);
        copy.min = min == null ? null : min.clone();
        copy.max = max == null ? null : max.clone();
        return copy;
    }

    /** Whether the values are outside the range seen so far (without learning them). */
    public boolean outside(double... values) {
        return outsideFeature(values) >= 0;
    }

    /**
     * The index of the first value outside the range seen so far (without learning it), or -1 when all are inside.
     */
    public int outsideFeature(double... values) {
        if (min == null) {
            return -1;
        }
        for (int i = 0; i < Math.min(values.length, min.length); i++) {
            double v = values[i];
            if (Double.isNaN(v) || Double.isNaN(min[i]) || min[i] == max[i]) {
                continue;
            }
            double margin = (max[i] - min[i]) * tolerance;
            if (v > max[i] + margin || v < min[i] - margin) {
                return i;
            }
        }
        return -1;
    }

    /** The running minimum of feature {@code i} (NaN before any value). */
    public double min(int i) {
        return min == null || i >= min.length ? Double.NaN : min[i];
    }

    /** The running maximum of feature {@code i} (NaN before any value). */
    public double max(int i) {
        return max == null || i >= max.length ? Double.NaN : max[i];
    }

    /** Adds the values to the range. */
    public void learn(double... values) {
        if (min == null) {
            min = new double[values.length];
            max = new double[values.length];
            java.util.Arrays.fill(min, Double.NaN);
            java.util.Arrays.fill(max, Double.NaN);
        }
        for (int i = 0; i < Math.min(values.length, min.length); i++) {
            double v = values[i];
            if (Double.isNaN(v)) {
                continue;
            }
            min[i] = Double.isNaN(min[i]) ? v : Math.min(min[i], v);
            max[i] = Double.isNaN(max[i]) ? v : Math.max(max[i], v);
        }
    }

    /**
     * The saved range (the tolerance is the reader's): the feature count (-1 before any reading), then the minima
     * and the maxima.
     */
    static final Fields<RangeGuard> FIELDS = Fields.<RangeGuard>builder()
            .int32("feature count", g -> g.min == null ? -1 : g.min.length, RangeGuard::setFeatureCount)
            .when(
                    "range",
                    g -> g.min != null,
                    Fields.<RangeGuard>builder()
                            .float64s("minima", g -> g.min)
                            .float64s("maxima", g -> g.max)
                            .check("range", RangeGuard::ordered)
                            .build())
            .build();

    private void setFeatureCount(int length) {
        if (length < -1 || length > IsolationForestModel.MAX_FEATURES) {
            throw new IllegalArgumentException(length + " (at most " + IsolationForestModel.MAX_FEATURES + ")");
        }
        min = length < 0 ? null : new double[length];
        max = length < 0 ? null : new double[length];
    }

    /** Whether no minimum is above its maximum (NaN, a feature without values, on both sides). */
    private boolean ordered() {
        for (int i = 0; i < min.length; i++) {
            if (min[i] > max[i]) {
                return false;
            }
        }
        return true;
    }

    /** Reads into this fresh guard a range of a version 1/2 file (minimum and maximum per feature). */
    void read(StateInput in) throws IOException {
        int length = in.readInt();
        if (length < -1 || length > IsolationForestModel.MAX_FEATURES || 16L * length > in.remaining()) {
            throw new ModelFormatException("Saved range is damaged");
        }
        if (length >= 0) {
            min = new double[length];
            max = new double[length];
            for (int i = 0; i < length; i++) {
                min[i] = in.readDouble();
                max[i] = in.readDouble();
                if (min[i] > max[i]) {
                    throw new ModelFormatException("Saved range is damaged");
                }
            }
        }
    }
}
