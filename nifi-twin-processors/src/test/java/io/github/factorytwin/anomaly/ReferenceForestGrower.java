package io.github.factorytwin.anomaly;

import java.util.Arrays;
import smile.math.random.MersenneTwister64;
import smile.math.random.RandomNumberGenerator;

/**
 * The grower {@link ForestGrower} replaced, kept unchanged as the reference its trees must equal bit for bit
 * ({@code ForestGrowerTest}): it reads each row where it lies in the training rows.
 *
 * <p>Grows the trees of an Extended Isolation Forest (Hariri, Carrasco Kind and Brunner, 2019) by the rules of Smile's
 * {@code IsolationTree}, straight into the pre-order arrays of {@link IsolationForestModel}: each tree on its own
 * subsample of {@code psi} rows drawn without replacement; a node becomes a leaf at depth
 * {@code ceil(log2(psi))} or when at most one row reaches it, with path length {@code depth + c(rows)}
 * ({@code c(1) = 0}); otherwise it splits its rows by a random hyperplane through all features (extension level
 * {@code d - 1}): a normal of independent standard Gaussians through a point drawn uniformly from the rows'
 * bounding box, rows with {@code dot(z, normal) < dot(point, normal)} going left.
 *
 * <p>A grower owns its random generator (Smile's {@link MersenneTwister64}, seeded with the fit's seed), so the same
 * rows and seed always give the same trees, whatever other fits run at the same time. Not Smile's
 * {@code smile.math.Random}, whose uniform generator keeps only {@code |seed mod 899999963|} of the seed: seeds
 * {@code s} and {@code -s} would draw the same hyperplanes. One grower per fit; not thread-safe.
 */
final class ReferenceForestGrower {

    private final double[][] rows;
    private final int d;
    private final int psi;
    private final int maxDepth;
    private final RandomNumberGenerator random;
    // Every row index; each tree's subsample is the head of a partial shuffle of it (a uniform sample whatever
    // order earlier trees left it in, so it is never reset).
    private final int[] order;
    // The current tree's subsample, partitioned in place as its nodes split: a node's rows are one slice of it.
    private final int[] sample;
    private final double[] low;
    private final double[] high;
    private double spareGaussian = Double.NaN;

    private int size;
    private int[] right;
    private double[] value;
    private double[] planes;

    /**
     * @param rows the standardised training rows (finite, all of one length), read but never changed
     * @param psi the subsample size, 2 to {@code rows.length}
     */
    ReferenceForestGrower(double[][] rows, int psi, long seed) {
        this.rows = rows;
        this.d = rows[0].length;
        this.psi = psi;
        this.maxDepth = maxDepth(psi);
        this.random = new MersenneTwister64(seed);
        this.order = new int[rows.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        this.sample = new int[psi];
        this.low = new double[d];
        this.high = new double[d];
    }

    /** The depth limit of a tree grown on {@code psi} rows: {@code ceil(log2(psi))}, the average tree height. */
    static int maxDepth(int psi) {
        return 32 - Integer.numberOfLeadingZeros(psi - 1);
    }

    ForestGrower.Trees grow(int trees) {
        // Room for a small forest (about a million hyperplane coefficients at most); larger ones grow the arrays.
        int capacity = (int) Math.min((long) trees * (2L * psi - 1), Math.max(64, (1 << 20) / d));
        right = new int[capacity];
        value = new double[capacity];
        planes = new double[capacity * d];
        size = 0;
        int[] roots = new int[trees];
        for (int t = 0; t < trees; t++) {
            drawSubsample();
            roots[t] = grow(0, psi, 0);
        }
        return new ForestGrower.Trees(
                roots, Arrays.copyOf(right, size), Arrays.copyOf(value, size), Arrays.copyOf(planes, size * d));
    }

    private void drawSubsample() {
        int n = order.length;
        for (int i = 0; i < psi; i++) {
            int j = i + random.nextInt(n - i);
            int chosen = order[j];
            order[j] = order[i];
            order[i] = chosen;
            sample[i] = chosen;
        }
    }

    /** Grows the subtree of the rows {@code sample[from, to)} at {@code depth}; returns its root's index. */
    private int grow(int from, int to, int depth) {
        int node = newNode();
        int count = to - from;
        if (depth >= maxDepth || count <= 1) {
            right[node] = -1;
            value[node] = depth + (count > 1 ? IsolationForestModel.averagePathLength(count) : 0);
            return node;
        }
        boundingBox(from, to);
        int offset = node * d;
        double bias = 0;
        for (int j = 0; j < d; j++) {
            double point = low[j] + (high[j] - low[j]) * random.nextDouble();
            double slope = gaussian();
            planes[offset + j] = slope;
            bias += slope * point;
        }
        value[node] = bias;
        int split = partition(from, to, offset, bias);
        grow(from, split, depth + 1); // the left child is node + 1 in pre-order
        // Not "right[node] = grow(...)": the recursion may replace the array that expression already loaded.
        int rightChild = grow(split, to, depth + 1);
        right[node] = rightChild;
        return node;
    }

    private void boundingBox(int from, int to) {
        System.arraycopy(rows[sample[from]], 0, low, 0, d);
        System.arraycopy(rows[sample[from]], 0, high, 0, d);
        for (int i = from + 1; i < to; i++) {
            double[] row = rows[sample[i]];
            for (int j = 0; j < d; j++) {
                low[j] = Math.min(low[j], row[j]);
                high[j] = Math.max(high[j], row[j]);
            }
        }
    }

    /**
     * Moves the rows of {@code sample[from, to)} that go left to the front; returns where the right ones start. The
     * dot product is summed left to right from 0, exactly as scoring sums it, so a row is scored down the branch it
     * was grown into.
     */
    private int partition(int from, int to, int offset, double bias) {
        int split = from;
        for (int i = from; i < to; i++) {
            double[] row = rows[sample[i]];
            double dot = 0;
            for (int j = 0; j < d; j++) {
                dot += row[j] * planes[offset + j];
            }
            if (dot < bias) {
                int left = sample[i];
                sample[i] = sample[split];
                sample[split++] = left;
            }
        }
        return split;
    }

    /** A standard Gaussian by Marsaglia's polar method, which yields two per draw: the second is kept for the next call. */
    private double gaussian() {
        if (!Double.isNaN(spareGaussian)) {
            double g = spareGaussian;
            spareGaussian = Double.NaN;
            return g;
        }
        double u;
        double v;
        double s;
        do {
            u = 2 * random.nextDouble() - 1;
            v = 2 * random.nextDouble() - 1;
            s = u * u + v * v;
        } while (s >= 1 || s == 0);
        double scale = Math.sqrt(-2 * Math.log(s) / s);
        spareGaussian = v * scale;
        return u * scale;
    }

    private int newNode() {
        if (size == right.length) {
            int length = Math.max(16, size * 2);
            right = Arrays.copyOf(right, length);
            value = Arrays.copyOf(value, length);
            planes = Arrays.copyOf(planes, length * d);
        }
        return size++;
    }
}
