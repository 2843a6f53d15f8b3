package io.github.factorytwin.context;

import java.util.Arrays;

/**
 * The operating regimes found so far in one stream of readings (one machine's, or one model scope's): per regime,
 * how many readings joined it (saturating) and its centre in the context fields. Regimes are only ever appended, so
 * a regime's index names it for good. Not thread-safe: its owner serialises access.
 */
public final class Regimes {

    private final int fields;
    private int count;
    private int[] sizes = new int[0];
    private double[] centres = new double[0];

    /** No regimes yet, over {@code fields} context fields. */
    public Regimes(int fields) {
        if (fields < 1 || fields > OperatingContext.FIELD_LIMIT) {
            throw new IllegalArgumentException(
                    "1 to " + OperatingContext.FIELD_LIMIT + " context fields, not " + fields);
        }
        this.fields = fields;
    }

    public int fields() {
        return fields;
    }

    public int count() {
        return count;
    }

    /** Readings that joined regime {@code r} (saturating at {@link Integer#MAX_VALUE}). */
    public int size(int r) {
        return sizes[checked(r)];
    }

    /** Regime {@code r}'s centre in context field {@code f}. */
    public double centre(int r, int f) {
        return centres[checked(r) * fields + f];
    }

    /** Appends a regime (e.g. one read back from saved state); returns its index. */
    public int add(double[] centre, int size) {
        if (centre.length != fields || size < 0) {
            throw new IllegalArgumentException("a regime needs " + fields + " centre values and a size of 0 or more");
        }
        int r = count++;
        sizes = Arrays.copyOf(sizes, count);
        centres = Arrays.copyOf(centres, count * fields);
        sizes[r] = size;
        System.arraycopy(centre, 0, centres, r * fields, fields);
        return r;
    }

    /**
     * Makes room for exactly {@code count} regimes, all of size 0 and centred on 0, for a state mapper to read saved
     * values into {@link #sizes()} and {@link #centres()}.
     */
    public void resize(int count) {
        if (count < 0 || count > OperatingContext.REGIME_LIMIT) {
            throw new IllegalArgumentException(count + " regimes, at most " + OperatingContext.REGIME_LIMIT);
        }
        this.count = count;
        sizes = new int[count];
        centres = new double[count * fields];
    }

    /** The regimes' sizes as kept, one per regime (for a state mapper: read, or read into after {@link #resize}). */
    public int[] sizes() {
        return sizes;
    }

    /** The regimes' centres as kept, {@code [regime * fields + field]} (for a state mapper, like {@link #sizes()}). */
    public double[] centres() {
        return centres;
    }

    /** Forgets every regime. */
    public void clear() {
        count = 0;
        sizes = new int[0];
        centres = new double[0];
    }

    /** {@link RegimeFinder#distance} of context {@code x} from regime {@code r}'s centre. */
    double distance(int r, double[] x) {
        return RegimeFinder.distance(centres, checked(r) * fields, x);
    }

    /**
     * Counts a reading with context {@code x} in regime {@code r}; the centre moves towards it as a running mean
     * over at most {@code memory} readings (beyond that an exponential average, so a slowly moving set-point is
     * followed).
     */
    void join(int r, double[] x, int memory) {
        checked(r);
        int n = Math.min(memory, sizes[r] + 1);
        if (sizes[r] < Integer.MAX_VALUE) {
            sizes[r]++;
        }
        int base = r * fields;
        for (int f = 0; f < fields; f++) {
            centres[base + f] += (x[f] - centres[base + f]) / n;
        }
    }

    private int checked(int r) {
        if (r < 0 || r >= count) {
            throw new IndexOutOfBoundsException("regime " + r + " of " + count);
        }
        return r;
    }
}
