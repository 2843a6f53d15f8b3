package io.github.factorytwin.anomaly;

import java.util.Arrays;
import smile.math.random.MersenneTwister64;
import smile.math.random.RandomNumberGenerator;

/**
 * Grows the trees of an Extended Isolation Forest (Hariri, Carrasco Kind and Brunner, 2019) by the rules of Smile's
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
 *
 * <p>The rows of the tree being grown are held by a {@link TreeRows}: with up to three features copied into
 * contiguous buffers and moved as the nodes split, otherwise read in place. The trees depend only on which rows
 * reach a node, never on their order there, so they are bit for bit those of the grower that read every row in
 * place ({@code ForestGrowerTest}).
 */
final class ForestGrower {

    /** The grown trees in the model file's layout (see {@link IsolationForestModel}). */
    record Trees(int[] roots, int[] right, double[] value, double[] planes) {}

    private final int d;
    private final int psi;
    private final int maxDepth;
    private final RandomNumberGenerator random;
    // Every row index; each tree's subsample is the head of a partial shuffle of it (a uniform sample whatever
    // order earlier trees left it in, so it is never reset).
    private final int[] order;
    private final TreeRows rows;
    private final double[] low;
    private final double[] high;
    // c(count) of the leaves, computed once per count (a tree has many leaves of the same few sizes); 0 = not yet.
    private final double[] leafPathLength;
    private double spareGaussian = Double.NaN;

    private int size;
    private int[] right;
    private double[] value;
    private double[] planes;

    /**
     * @param rows the standardised training rows, read but never changed
     * @param psi the subsample size, 2 to the number of rows
     */
    ForestGrower(TreeRows rows, int psi, long seed) {
        this.d = rows.features();
        this.psi = psi;
        this.maxDepth = maxDepth(psi);
        this.random = new MersenneTwister64(seed);
        this.order = new int[rows.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        this.rows = rows;
        this.low = new double[d];
        this.high = new double[d];
        this.leafPathLength = new double[psi + 1];
    }

    /** The depth limit of a tree grown on {@code psi} rows: {@code ceil(log2(psi))}, the average tree height. */
    static int maxDepth(int psi) {
        return 32 - Integer.numberOfLeadingZeros(psi - 1);
    }

    Trees grow(int trees) {
        // Room for the first tree (within about a million hyperplane coefficients; a larger one grows the arrays),
        // then for the other trees at a quarter more than its size each: random hyperplanes grow a few times fewer
        // nodes than the bound of 2 psi - 1 a tree (about 120 of 511 at the defaults), so arrays sized by the bound
        // were mostly zeroed and never used.
        int firstTree = (int) Math.min(2L * psi - 1, Math.max(64, (1 << 20) / d));
        resize(firstTree);
        size = 0;
        int[] roots = new int[trees];
        for (int t = 0; t < trees; t++) {
            drawSubsample();
            roots[t] = grow(0, psi, 0);
            if (t == 0 && trees > 1) {
                long forest = size + (trees - 1L) * (size + size / 4);
                resize((int) Math.min(forest, Math.min(trees * (2L * psi - 1), Integer.MAX_VALUE / d)));
            }
        }
        return new Trees(
                roots, Arrays.copyOf(right, size), Arrays.copyOf(value, size), Arrays.copyOf(planes, size * d));
    }

    private void drawSubsample() {
        int n = order.length;
        for (int i = 0; i < psi; i++) {
            int j = i + random.nextInt(n - i);
            int chosen = order[j];
            order[j] = order[i];
            order[i] = chosen;
            rows.take(i, chosen);
        }
    }

    /** Grows the subtree of the rows {@code [from, to)} at {@code depth}; returns its root's index. */
    private int grow(int from, int to, int depth) {
        int node = newNode();
        int count = to - from;
        if (depth >= maxDepth || count <= 1) {
            right[node] = -1;
            value[node] = depth + leafPathLength(count);
            return node;
        }
        rows.boundingBox(from, to, depth, low, high);
        int offset = node * d;
        double bias = 0;
        for (int j = 0; j < d; j++) {
            double point = low[j] + (high[j] - low[j]) * random.nextDouble();
            double slope = gaussian();
            planes[offset + j] = slope;
            bias += slope * point;
        }
        value[node] = bias;
        int split = depth + 1 < maxDepth
                ? rows.partition(from, to, depth, planes, offset, bias)
                : from + rows.countLeft(from, to, depth, planes, offset, bias);
        grow(from, split, depth + 1); // the left child is node + 1 in pre-order
        // Not "right[node] = grow(...)": the recursion may replace the array that expression already loaded.
        int rightChild = grow(split, to, depth + 1);
        right[node] = rightChild;
        return node;
    }

    private double leafPathLength(int count) {
        if (count <= 1) {
            return 0;
        }
        double known = leafPathLength[count];
        if (known == 0) {
            known = IsolationForestModel.averagePathLength(count); // > 0 for every count >= 2
            leafPathLength[count] = known;
        }
        return known;
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
            resize(Math.max(16, size * 2));
        }
        return size++;
    }

    private void resize(int nodes) {
        if (right == null) {
            right = new int[nodes];
            value = new double[nodes];
            planes = new double[nodes * d];
        } else if (nodes > right.length) {
            right = Arrays.copyOf(right, nodes);
            value = Arrays.copyOf(value, nodes);
            planes = Arrays.copyOf(planes, nodes * d);
        }
    }
}
