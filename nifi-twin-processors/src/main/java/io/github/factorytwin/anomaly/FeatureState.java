package io.github.factorytwin.anomaly;

import io.github.factorytwin.state.Fields;
import io.github.factorytwin.state.StateInput;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What feature extraction remembers about one machine: its last valid value of each raw field and a short rolling
 * window per field. Part of a machine's {@link MachineHistory}. Not thread-safe: an instance is either owned by one
 * batch (a private copy) or published unchanged in the engine's registry (copy-on-write, see {@link AnomalyEngine}).
 */
public final class FeatureState {

    private final double[] last;
    /** Per raw field its recent values; none at all (not one per field) without the WINDOW feature. */
    private final DoubleRing[] window;

    /** Readings over which {@link #noteVerdict} averages (the weight of the newest is one over this). */
    static final int RECENT_READINGS = 64;

    /**
     * Share of the recent readings found anomalous (exponentially weighted), for the learning guard. Not saved
     * with the rest of the state (nor the held-back readings): after a restart it starts at 0 (the guard open).
     */
    private double recentAnomalous;

    /** The readings held back since the learning guard closed (see {@link AdaptationPolicy}); null while open. */
    private HeldBackReadings heldBack;

    public FeatureState(FeatureSpec spec) {
        int k = spec.rawCount();
        last = new double[k];
        Arrays.fill(last, Double.NaN);
        boolean windowed = spec.derived().contains(DerivedFeature.WINDOW);
        window = new DoubleRing[windowed ? k : 0];
        for (int i = 0; i < window.length; i++) {
            window[i] = new DoubleRing(spec.windowSize());
        }
    }

    private FeatureState(FeatureState other) {
        last = other.last.clone();
        window = new DoubleRing[other.window.length];
        for (int i = 0; i < window.length; i++) {
            window[i] = other.window[i].copy();
        }
        recentAnomalous = other.recentAnomalous;
        heldBack = other.heldBack == null ? null : other.heldBack.copy();
    }

    /** Adds a reading's verdict to the recent anomalous share and returns the share. */
    double noteVerdict(boolean anomalous) {
        recentAnomalous += ((anomalous ? 1.0 : 0.0) - recentAnomalous) / RECENT_READINGS;
        return recentAnomalous;
    }

    /** The readings held back since the learning guard closed, started with {@code dimension} values if it is open. */
    HeldBackReadings heldBack(int dimension) {
        if (heldBack == null) {
            heldBack = new HeldBackReadings(dimension);
        }
        return heldBack;
    }

    /** The learning guard is open again: forgets the held-back readings. */
    void openGuard() {
        heldBack = null;
    }

    public FeatureState copy() {
        return new FeatureState(this);
    }

    /**
     * The saved state (format version 3 of {@link StateDirectory}'s machine file), read into a fresh state of the
     * same spec: the raw field count and window size (checked), the last values and each field's window.
     */
    static final Fields<FeatureState> FIELDS = Fields.<FeatureState>builder()
            .expect64("raw field count", s -> s.last.length)
            .expect64("window size", s -> s.window.length == 0 ? 0 : s.window[0].capacity())
            .float64s("last values", s -> s.last)
            .each("windows", s -> s.window, DoubleRing.FIELDS)
            .build();

    /** Bytes a version 1/2 file holds for a machine with {@code spec}. */
    static long savedBytes(FeatureSpec spec) {
        int w = spec.derived().contains(DerivedFeature.WINDOW) ? spec.windowSize() : 0;
        return 8 + spec.rawCount() * (16L + 8L * w);
    }

    /** Reads a machine's state of a version 1/2 file for {@code spec}, checking every count and index. */
    static FeatureState read(FeatureSpec spec, StateInput in) throws java.io.IOException {
        FeatureState state = new FeatureState(spec);
        int k = in.readInt();
        int w = in.readInt();
        int expectedWindow = state.window.length == 0 ? 0 : state.window[0].capacity();
        if (k != state.last.length || w != expectedWindow) {
            throw new ModelFormatException("Saved machine state does not match the features");
        }
        for (int i = 0; i < k; i++) {
            state.last[i] = in.readDouble();
            if (state.window.length == 0) {
                DoubleRing.readNoneWhole(in);
            } else {
                state.window[i].readWhole(in);
            }
        }
        return state;
    }

    /**
     * Turns one reading into features and advances this machine's state.
     *
     * @param raw the raw field values in {@link FeatureSpec#fields()} order; NaN or infinite means missing
     * @throws MissingFeatureException when a value is missing and the strategy does not allow imputing it
     */
    public Features extract(FeatureSpec spec, double[] raw, MissingValueStrategy strategy)
            throws MissingFeatureException {
        int k = spec.rawCount();
        double[] values = new double[spec.dimension()];
        List<String> imputed = List.of();
        boolean[] isImputed = null;
        for (int i = 0; i < k; i++) {
            double x = raw[i];
            if (!Double.isFinite(x)) {
                String field = spec.fields().get(i);
                if (strategy == MissingValueStrategy.FAIL) {
                    throw new MissingFeatureException("Feature '" + field + "' is missing or not a finite number");
                }
                if (Double.isNaN(last[i])) {
                    throw new MissingFeatureException("Feature '" + field
                            + "' is missing or not a finite number and the machine has no earlier value to impute");
                }
                x = last[i];
                if (isImputed == null) {
                    isImputed = new boolean[k];
                    imputed = new ArrayList<>(2);
                }
                isImputed[i] = true;
                imputed.add(field);
            }
            values[i] = x;
        }
        int offset = k;
        for (DerivedFeature feature : spec.derived()) { // in the enum's order
            for (int i = 0; i < k; i++) {
                values[offset + i] = switch (feature) {
                    case DELTA -> Double.isNaN(last[i]) ? 0.0 : values[i] - last[i];
                    case WINDOW -> windowZ(i, values[i]);
                };
            }
            offset += k;
        }
        for (int i = 0; i < k; i++) {
            if (isImputed != null && isImputed[i]) {
                continue;
            }
            last[i] = values[i];
            if (window.length > 0) {
                window[i].add(values[i]);
            }
        }
        return new Features(values, imputed);
    }

    private double windowZ(int field, double x) {
        DoubleRing w = window[field];
        int n = w.count();
        if (n < 2) {
            return 0.0;
        }
        double sum = 0;
        for (int j = 0; j < n; j++) {
            sum += w.get(j);
        }
        double mean = sum / n;
        double squares = 0;
        for (int j = 0; j < n; j++) {
            double d = w.get(j) - mean;
            squares += d * d;
        }
        double std = Math.sqrt(squares / (n - 1));
        double floor = 1e-9 * Math.max(1.0, Math.abs(mean));
        double z = (x - mean) / Math.max(std, floor);
        return Math.max(-FeatureSpec.MAX_WINDOW_Z, Math.min(FeatureSpec.MAX_WINDOW_Z, z));
    }
}
