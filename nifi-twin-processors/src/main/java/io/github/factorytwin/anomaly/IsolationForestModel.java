package io.github.factorytwin.anomaly;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * An Extended Isolation Forest, grown by {@link ForestGrower} by the rules of Smile's {@code IsolationTree} into
 * primitive arrays for scoring. Immutable and thread-safe: one instance is shared by every concurrent task.
 *
 * <p><b>Features are standardised</b> before fitting and scoring: {@code z = (x - median) / width} with the
 * training sample's median and {@code width = p99 - p01} (1st to 99th percentile; a tiny floor for a constant
 * feature), so rpm in thousands and vibration below 2 weigh alike in the random hyperplanes.
 *
 * <p><b>Splits</b> are random hyperplanes through all features (extension level {@code d - 1}, Smile's default,
 * the Extended Isolation Forest of Hariri, Carrasco Kind and Brunner, 2019): unlike axis-parallel cuts they also
 * isolate correlation breaks such as high vibration at low rpm, where each value alone is normal.
 *
 * <p><b>Score.</b> {@code s(x) = 2^(-E[h(x)] / c(psi))}, the standard Isolation Forest score (Liu, Ting and Zhou,
 * 2008): {@code h} is the path length of {@code x} in one tree (plus {@code c(size)} for the points left in a leaf
 * at the depth limit), {@code E} the mean over the trees and {@code c(psi)} the average path length of an
 * unsuccessful search in a binary search tree of {@code psi} (the subsample size) points, exactly as Smile computes
 * it. Because {@code h >= 0} it is already in {@code (0, 1]}: near 1 a point is isolated in far fewer splits than
 * average, about 0.5 or below it is as hard to isolate as a typical point.
 *
 * <p><b>Beyond the training range.</b> Every split of an Isolation Forest lies inside the training data's range,
 * so a reading far outside it (a vibration of 30 when training saw at most 1.4) is isolated no sooner than the most
 * extreme training reading and would score no higher. The model therefore extends the score outside the observed
 * range: with {@code r} the largest distance of a feature beyond the training minimum or maximum, in units of its
 * width, the score is {@code 1 - (1 - s) / (1 + }{@value #OUT_OF_RANGE_RATE}{@code  * r^2)}: unchanged inside the
 * observed range, barely changed just outside it (r = 0.1 moves 0.5 to 0.52), rising towards 1 with the distance
 * (r = 0.5 moves 0.5 to 0.78, r = 1 to 0.92, r = 3 to 0.99) without ever saturating, so readings further out still
 * rank higher, and still in {@code (0, 1]}.
 *
 * <p><b>Flattening.</b> Each tree is stored in pre-order: node {@code n}'s left child is {@code n + 1}, its right
 * child {@code right[n]} ({@code -1} for a leaf, whose path length is {@code value[n]}); an inner node sends
 * {@code z} left when {@code dot(z, planes[n*d .. n*d+d)) < value[n]} (summed left to right, as the trees were
 * grown), so scoring follows no object pointers and gives bit for bit the score of walking each tree node by node
 * (which is how Smile's {@code IsolationForest.score} scores its own trees). That is the form of the model file
 * (files of trees grown by Smile itself, as earlier versions did, load and score as before); in memory the model
 * keeps only the walking layout of the same nodes (see {@code layOutForWalking}) and rebuilds the file's arrays
 * when it is written.
 */
public final class IsolationForestModel {

    /** Bounds a model must respect (also enforced when a model file is read). */
    public static final int MAX_TREES = 10_000;

    public static final int MAX_SUBSAMPLE = 1 << 20;
    public static final int MAX_FEATURES = 1_000;
    /** Fewest distinct training rows a forest is fitted on. */
    public static final int MIN_DISTINCT_ROWS = 10;
    /** Most nodes, and most hyperplane coefficients (nodes x features), of a model (a model file's bound too). */
    public static final long MAX_MODEL_VALUES = 64_000_000L;

    /**
     * Why a forest of these dimensions could never be fitted, saved and read back, or null when it can: the
     * features, trees and subsample bounds, and the largest possible forest ({@code trees * (2 * subsample - 1)}
     * nodes) within {@link #MAX_MODEL_VALUES}. Lets a processor refuse such settings at validation instead of
     * failing at every fit.
     */
    public static String whyNotConfigurable(int features, int trees, long subsampleSize) {
        if (features < 1 || features > MAX_FEATURES) {
            return "a model takes 1 to " + MAX_FEATURES + " features (Feature Fields plus Derived Features), not "
                    + features;
        }
        if (trees < 1 || trees > MAX_TREES) {
            return "a model has 1 to " + MAX_TREES + " trees, not " + trees;
        }
        if (subsampleSize < 2 || subsampleSize > MAX_SUBSAMPLE) {
            return "the subsample size must be 2 to " + MAX_SUBSAMPLE + ", not " + subsampleSize;
        }
        long nodes = trees * (2 * subsampleSize - 1);
        if (nodes * features > MAX_MODEL_VALUES) {
            return trees + " trees of up to " + (2 * subsampleSize - 1) + " nodes over " + features
                    + " features exceed the model size limit of " + MAX_MODEL_VALUES
                    + " values: use fewer trees or a smaller Subsample Size";
        }
        return null;
    }

    /** How fast the score rises to 1 beyond the training range, per feature width; see the class comment. */
    public static final double OUT_OF_RANGE_RATE = 5.0;

    private static final double EULER = 0.5772156649;

    private final List<String> featureNames;
    private final int subsampleSize;
    private final double c;
    private final int d;
    private final int[] roots;
    private final double[] normalLow;
    private final double[] normalMedian;
    private final double[] normalHigh;
    private final double[] observedMin;
    private final double[] observedMax;
    private final double[] width;
    private final long trainingCount;
    // The trees, laid out for scoring (see layOutForWalking); the only copy of them.
    private final double[] walkNodes;
    private final int nodes;
    private final int steps;

    /**
     * Creates a model from its parts (as read from a model file). Arrays are used as given: callers hand over
     * ownership. {@link ModelFormat} validates every index before calling this.
     */
    IsolationForestModel(
            List<String> featureNames,
            int subsampleSize,
            int[] roots,
            int[] right,
            double[] value,
            double[] planes,
            double[] normalLow,
            double[] normalMedian,
            double[] normalHigh,
            double[] observedMin,
            double[] observedMax,
            long trainingCount) {
        this.featureNames = List.copyOf(featureNames);
        this.d = featureNames.size();
        this.subsampleSize = subsampleSize;
        this.c = averagePathLength(subsampleSize);
        this.roots = roots;
        this.normalLow = normalLow;
        this.normalMedian = normalMedian;
        this.normalHigh = normalHigh;
        this.observedMin = observedMin;
        this.observedMax = observedMax;
        this.width = new double[d];
        for (int j = 0; j < d; j++) {
            width[j] = width(normalLow[j], normalMedian[j], normalHigh[j]);
        }
        this.trainingCount = trainingCount;
        this.walkNodes = new double[right.length * (d + 2)];
        this.nodes = right.length;
        layOutForWalking(right, value, planes);
        int deepest = 0;
        for (int root : roots) {
            deepest = Math.max(deepest, depth(right, root));
        }
        this.steps = deepest;
    }

    /**
     * Lays the trees out for scoring: node {@code k} occupies the {@code d + 2} consecutive doubles of
     * {@code walkNodes} from its offset {@code k * (d + 2)}, {@code [slope_0 .. slope_d-1, threshold, right]}, where
     * {@code right} is the right child's offset; the left child follows its parent (pre-order). A step reads one place
     * in memory and computes its next offset from the comparison's outcome rather than branching on it, which the
     * processor could not predict (half the steps go each way), and without multiplying a node index by the stride.
     * A leaf has a threshold of minus infinity (nothing compares below it, NaN neither), itself as its right child
     * and its path length in its first slot (it has no slopes), so every tree can be walked a fixed number of steps
     * (the deepest leaf's depth), several trees in lockstep, and ends on the slot to add. Offsets stay below 2^31
     * (see {@link #MAX_MODEL_VALUES}), so a double holds them exactly.
     */
    private void layOutForWalking(int[] right, double[] value, double[] planes) {
        int stride = d + 2;
        for (int k = 0; k < nodes; k++) {
            int base = k * stride;
            if (right[k] < 0) {
                walkNodes[base] = value[k];
                walkNodes[base + d] = Double.NEGATIVE_INFINITY;
                walkNodes[base + d + 1] = base;
            } else {
                System.arraycopy(planes, k * d, walkNodes, base, d);
                walkNodes[base + d] = value[k];
                walkNodes[base + d + 1] = (double) right[k] * stride;
            }
        }
    }

    private static int depth(int[] right, int n) {
        int deepest = 0;
        int[] stack = new int[128];
        int[] level = new int[128];
        int top = 0;
        stack[top] = n;
        level[top++] = 0;
        while (top > 0) {
            int node = stack[--top];
            int l = level[top];
            deepest = Math.max(deepest, l);
            if (right[node] >= 0) {
                if (top + 2 > stack.length) {
                    stack = Arrays.copyOf(stack, stack.length * 2);
                    level = Arrays.copyOf(level, level.length * 2);
                }
                stack[top] = node + 1;
                level[top++] = l + 1;
                stack[top] = right[node];
                level[top++] = l + 1;
            }
        }
        return deepest;
    }

    /** The standardisation scale of a feature: its p01..p99 width, floored for a (nearly) constant feature. */
    static double width(double low, double median, double high) {
        return Math.max(high - low, 1e-9 * Math.max(1.0, Math.abs(median)));
    }

    /**
     * Fits a forest: each tree on its own random subsample of {@code subsampleSize} rows without replacement (all
     * rows when there are fewer), depth limit {@code ceil(log2(subsample))}, random hyperplane splits through all
     * features (extension level {@code d - 1}); see {@link ForestGrower}. The same data and seed always give the same
     * model, also when fits run concurrently: each fit has its own random generator, seeded with {@code seed}.
     *
     * @param featureNames names of the columns of {@code data}
     * @param data training rows, at least 2, all of length {@code featureNames.size()} and finite
     */
    public static IsolationForestModel fit(
            List<String> featureNames, double[][] data, int trees, int subsampleSize, long seed) {
        int d = featureNames.size();
        if (trees < 1 || trees > MAX_TREES) {
            throw new IllegalArgumentException("Number of trees must be 1.." + MAX_TREES + ", not " + trees);
        }
        if (subsampleSize < 2 || subsampleSize > MAX_SUBSAMPLE) {
            throw new IllegalArgumentException("Subsample size must be 2.." + MAX_SUBSAMPLE + ", not " + subsampleSize);
        }
        if (d < 1 || d > MAX_FEATURES) {
            throw new IllegalArgumentException("A model needs 1.." + MAX_FEATURES + " features, not " + d);
        }
        for (double[] row : data) {
            if (row.length != d) {
                throw new IllegalArgumentException("Every row must have " + d + " features");
            }
            if (!isFinite(row)) {
                throw new IllegalArgumentException("Training rows must be finite");
            }
        }
        String refused = whyNotFittable(data);
        if (refused != null) {
            throw new IllegalArgumentException(refused);
        }
        int n = data.length;
        double[] low = new double[d];
        double[] median = new double[d];
        double[] high = new double[d];
        double[] min = new double[d];
        double[] max = new double[d];
        double[] column = new double[n];
        OrderStatistics statistics = new OrderStatistics(n);
        int[] positions = quantilePositions(n, 0.01, 0.5, 0.99);
        for (int j = 0; j < d; j++) {
            double smallest = data[0][j];
            double largest = smallest;
            for (int i = 0; i < n; i++) {
                double x = data[i][j];
                column[i] = x;
                smallest = Math.min(smallest, x);
                largest = Math.max(largest, x);
            }
            double[] ordered = statistics.select(column, positions);
            low[j] = quantile(positions, ordered, n, 0.01);
            median[j] = quantile(positions, ordered, n, 0.5);
            high[j] = quantile(positions, ordered, n, 0.99);
            min[j] = smallest;
            max[j] = largest;
        }
        double[] width = new double[d];
        for (int j = 0; j < d; j++) {
            width[j] = width(low[j], median[j], high[j]);
        }
        int psi = Math.min(subsampleSize, n);
        TreeRows standardised = TreeRows.standardised(data, median, width, psi);
        ForestGrower.Trees grown = new ForestGrower(standardised, psi, seed).grow(trees);
        return new IsolationForestModel(
                featureNames,
                psi,
                grown.roots(),
                grown.right(),
                grown.value(),
                grown.planes(),
                low,
                median,
                high,
                min,
                max,
                n);
    }

    /**
     * Why {@code data} (finite rows) cannot describe normal behaviour, or null when a forest can be fitted on it:
     * fewer than {@link #MIN_DISTINCT_ROWS} distinct rows would give a forest of replayed copies of a few points,
     * by which every later reading is anomalous.
     */
    public static String whyNotFittable(double[][] data) {
        Set<Row> distinct = new HashSet<>();
        for (double[] row : data) {
            if (distinct.add(new Row(row)) && distinct.size() >= MIN_DISTINCT_ROWS) {
                return null; // enough: stop hashing
            }
        }
        return "Only " + distinct.size() + " distinct readings among " + data.length + "; at least " + MIN_DISTINCT_ROWS
                + " distinct ones are needed to learn what normal looks like";
    }

    /** Whether every value of {@code row} is finite (rows that are not are never learned from). */
    public static boolean isFinite(double[] row) {
        for (double x : row) {
            if (!Double.isFinite(x)) {
                return false;
            }
        }
        return true;
    }

    /** A row compared by value, for counting distinct rows. */
    private record Row(double[] values) {
        @Override
        public boolean equals(Object other) {
            return other instanceof Row row && Arrays.equals(values, row.values);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(values);
        }
    }

    /**
     * The {@code q} quantile of {@code n} values, interpolated between its two neighbouring order statistics, which
     * are among {@code ordered}, the order statistics at {@code positions} (from {@link #quantilePositions}).
     */
    private static double quantile(int[] positions, double[] ordered, int n, double q) {
        double position = q * (n - 1);
        int below = (int) Math.floor(position);
        int above = Math.min(below + 1, n - 1);
        double fraction = position - below;
        double atBelow = ordered[Arrays.binarySearch(positions, below)];
        double atAbove = ordered[Arrays.binarySearch(positions, above)];
        return atBelow + fraction * (atAbove - atBelow);
    }

    /** The order statistics {@link #quantile} reads for these quantiles of {@code n} values, ascending, once each. */
    private static int[] quantilePositions(int n, double... qs) {
        int[] positions = new int[2 * qs.length];
        for (int i = 0; i < qs.length; i++) {
            int below = (int) Math.floor(qs[i] * (n - 1));
            positions[2 * i] = below;
            positions[2 * i + 1] = Math.min(below + 1, n - 1);
        }
        return Arrays.stream(positions).sorted().distinct().toArray();
    }

    /**
     * The average path length {@code c(n)} of an unsuccessful search in a binary search tree of {@code n} keys,
     * computed exactly as Smile computes it (so scores are normalised as Smile's {@code IsolationForest} does).
     */
    static double averagePathLength(int n) {
        return 2.0 * (Math.log(n - 1) + EULER - (n - 1) / (double) n);
    }

    /** {@code x} standardised as the trees see it. */
    double[] standardise(double[] x) {
        double[] z = new double[d];
        for (int j = 0; j < d; j++) {
            z[j] = (x[j] - normalMedian[j]) / width[j];
        }
        return z;
    }

    /** The Isolation Forest score of {@code x} alone, without the out-of-range extension. */
    public double forestScore(double[] x) {
        return forestScoreOfStandardised(standardise(x));
    }

    private double forestScoreOfStandardised(double[] z) {
        int[] roots = this.roots;
        double[] p = walkNodes;
        int stride = z.length + 2;
        int steps = this.steps;
        double sum = 0;
        int t = 0;
        // Sixteen trees in lockstep: a step waits on its node's load and on its dot product, and sixteen
        // independent walks keep the processor busy meanwhile (eight scored about 10% slower, four half as fast).
        for (; t + 16 <= roots.length; t += 16) {
            int a = roots[t + 0] * stride;
            int b = roots[t + 1] * stride;
            int e = roots[t + 2] * stride;
            int f = roots[t + 3] * stride;
            int g = roots[t + 4] * stride;
            int h = roots[t + 5] * stride;
            int i = roots[t + 6] * stride;
            int j = roots[t + 7] * stride;
            int k = roots[t + 8] * stride;
            int l = roots[t + 9] * stride;
            int m = roots[t + 10] * stride;
            int n = roots[t + 11] * stride;
            int o = roots[t + 12] * stride;
            int q = roots[t + 13] * stride;
            int r = roots[t + 14] * stride;
            int u = roots[t + 15] * stride;
            for (int s = 0; s < steps; s++) {
                a = step(p, a, z);
                b = step(p, b, z);
                e = step(p, e, z);
                f = step(p, f, z);
                g = step(p, g, z);
                h = step(p, h, z);
                i = step(p, i, z);
                j = step(p, j, z);
                k = step(p, k, z);
                l = step(p, l, z);
                m = step(p, m, z);
                n = step(p, n, z);
                o = step(p, o, z);
                q = step(p, q, z);
                r = step(p, r, z);
                u = step(p, u, z);
            }
            // Added one by one in tree order, so the sum is bit-identical to a tree-by-tree walk.
            sum += p[a];
            sum += p[b];
            sum += p[e];
            sum += p[f];
            sum += p[g];
            sum += p[h];
            sum += p[i];
            sum += p[j];
            sum += p[k];
            sum += p[l];
            sum += p[m];
            sum += p[n];
            sum += p[o];
            sum += p[q];
            sum += p[r];
            sum += p[u];
        }
        for (; t < roots.length; t++) {
            int a = roots[t] * stride;
            for (int s = 0; s < steps; s++) {
                a = step(p, a, z);
            }
            sum += p[a];
        }
        return Math.pow(2.0, -(sum / roots.length) / c);
    }

    /**
     * One step down from the node at offset {@code base} of {@code p}: to its left child if
     * {@code dot(z, slopes) < threshold}, else to its right; returns the child's offset.
     */
    private static int step(double[] p, int base, double[] z) {
        // Unrolled for the usual small dimensions; the sums are formed left to right, as ForestGrower forms them
        // (0 + a == a), so a point takes the branch it would take in a node-by-node walk.
        double dot;
        int at;
        switch (z.length) {
            case 1 -> {
                dot = z[0] * p[base];
                at = base + 1;
            }
            case 2 -> {
                dot = z[0] * p[base] + z[1] * p[base + 1];
                at = base + 2;
            }
            case 3 -> {
                dot = z[0] * p[base] + z[1] * p[base + 1] + z[2] * p[base + 2];
                at = base + 3;
            }
            default -> {
                double sum = 0;
                for (int j = 0; j < z.length; j++) {
                    sum += z[j] * p[base + j];
                }
                dot = sum;
                at = base + z.length;
            }
        }
        // The left child if the point goes left, the stored right child otherwise: arithmetic, not a branch.
        int left = at + 2;
        int right = (int) p[at + 1];
        int goesRight = dot < p[at] ? 0 : 1;
        return left + goesRight * (right - left);
    }

    /** The anomaly score of one feature vector, in (0, 1]; higher is more anomalous. See the class comment. */
    public double score(double[] x) {
        double s = forestScore(x);
        double beyond = 0;
        for (int j = 0; j < d; j++) {
            double distance = x[j] > observedMax[j]
                    ? (x[j] - observedMax[j]) / width[j]
                    : x[j] < observedMin[j] ? (observedMin[j] - x[j]) / width[j] : 0;
            beyond = Math.max(beyond, distance);
        }
        return beyond > 0 ? 1 - (1 - s) / (1 + OUT_OF_RANGE_RATE * beyond * beyond) : s;
    }

    /**
     * The feature that contributed most to {@code x}'s score: the one furthest outside its normal range (distance
     * in units of the range's width); when every feature is inside its range and the reading is anomalous, the
     * feature whose splits isolated it soonest (each split on a root-to-leaf path credits every feature with its
     * share {@code |slope|} of the hyperplane divided by the path length, summed over the trees); otherwise the
     * feature furthest from its median.
     */
    public Explanation explain(double[] x, boolean anomalous, List<String> imputed) {
        return explain(x, anomalous, imputed, true);
    }

    /**
     * As {@link #explain(double[], boolean, List)}; with {@code withText} false the explanation's text is null (the
     * feature, value, range and position are the same), which saves building a string nobody reads.
     */
    public Explanation explain(double[] x, boolean anomalous, List<String> imputed, boolean withText) {
        int best = -1;
        double bestDistance = 0;
        for (int j = 0; j < d; j++) {
            double width = this.width[j];
            double distance = x[j] > normalHigh[j]
                    ? (x[j] - normalHigh[j]) / width
                    : x[j] < normalLow[j] ? (normalLow[j] - x[j]) / width : 0;
            if (distance > bestDistance) {
                bestDistance = distance;
                best = j;
            }
        }
        Explanation.Position position;
        String tail;
        if (best >= 0) {
            position = x[best] > normalHigh[best] ? Explanation.Position.ABOVE : Explanation.Position.BELOW;
            tail = "";
        } else {
            position = Explanation.Position.WITHIN;
            if (anomalous) {
                best = isolatingFeature(x);
                tail = ", unusual in combination with the other features";
            } else {
                double far = -1;
                for (int j = 0; j < d; j++) {
                    double distance = Math.abs(x[j] - normalMedian[j]) / width[j];
                    if (distance > far) {
                        far = distance;
                        best = j;
                    }
                }
                tail = "";
            }
        }
        String name = featureNames.get(best);
        if (!withText) {
            return new Explanation(name, x[best], normalLow[best], normalHigh[best], position, null);
        }
        StringBuilder text = new StringBuilder()
                .append(name)
                .append('=')
                .append(format(x[best]))
                .append(' ')
                .append(position.name().toLowerCase(Locale.ROOT))
                .append(" normal ")
                .append(format(normalLow[best]))
                .append("..")
                .append(format(normalHigh[best]))
                .append(tail);
        if (imputed != null && !imputed.isEmpty()) {
            text.append(" (imputed from the machine's last value: ")
                    .append(String.join(", ", imputed))
                    .append(')');
        }
        return new Explanation(name, x[best], normalLow[best], normalHigh[best], position, text.toString());
    }

    private int isolatingFeature(double[] x) {
        double[] z = standardise(x);
        double[] credit = new double[d];
        double[] pathCredit = new double[d];
        for (int root : roots) {
            Arrays.fill(pathCredit, 0);
            int offset = root * (d + 2);
            while (!isLeafAt(offset)) {
                double dot = 0;
                double norm = 0;
                for (int j = 0; j < d; j++) {
                    dot += z[j] * walkNodes[offset + j];
                    norm += Math.abs(walkNodes[offset + j]);
                }
                if (norm > 0) {
                    for (int j = 0; j < d; j++) {
                        pathCredit[j] += Math.abs(walkNodes[offset + j]) / norm;
                    }
                }
                offset = dot < walkNodes[offset + d] ? offset + d + 2 : (int) walkNodes[offset + d + 1];
            }
            double weight = 1.0 / Math.max(1.0, walkNodes[offset]);
            for (int j = 0; j < d; j++) {
                credit[j] += weight * pathCredit[j];
            }
        }
        int best = 0;
        for (int j = 1; j < d; j++) {
            if (credit[j] > credit[best]) {
                best = j;
            }
        }
        return best;
    }

    /** A number for an operator: 2 decimals in the usual ranges, 3 significant digits for small magnitudes. */
    static String format(double v) {
        double a = Math.abs(v);
        if (a == 0) {
            return "0.00";
        }
        if (a >= 0.1 && a < 1e7) {
            // Fast path for the usual ranges (String.format costs microseconds per call); same result as "%.2f"
            // except for halfway cases of the binary value, which round half up here.
            long hundredths = Math.round(a * 100);
            StringBuilder text = new StringBuilder(12);
            if (v < 0) {
                text.append('-');
            }
            long fraction = hundredths % 100;
            return text.append(hundredths / 100)
                    .append('.')
                    .append(fraction < 10 ? "0" : "")
                    .append(fraction)
                    .toString();
        }
        return String.format(Locale.ROOT, "%.3g", v);
    }

    public List<String> featureNames() {
        return featureNames;
    }

    public int numberOfTrees() {
        return roots.length;
    }

    public int subsampleSize() {
        return subsampleSize;
    }

    /** Rows the model was trained on. */
    public long trainingCount() {
        return trainingCount;
    }

    // Package-private raw access for ModelFormat.
    int[] roots() {
        return roots;
    }

    // The stored form of the trees (see the class comment), rebuilt from the walking layout: for writing a file.
    private int nodes() {
        return nodes;
    }

    private boolean isLeafAt(int offset) {
        return walkNodes[offset + d + 1] == offset;
    }

    private boolean isLeaf(int n) {
        return isLeafAt(n * (d + 2));
    }

    int[] right() {
        int[] right = new int[nodes()];
        for (int n = 0; n < right.length; n++) {
            right[n] = isLeaf(n) ? -1 : (int) walkNodes[n * (d + 2) + d + 1] / (d + 2);
        }
        return right;
    }

    double[] value() {
        double[] value = new double[nodes()];
        for (int n = 0; n < value.length; n++) {
            value[n] = walkNodes[n * (d + 2) + (isLeaf(n) ? 0 : d)];
        }
        return value;
    }

    double[] planes() {
        double[] planes = new double[nodes() * d];
        for (int n = 0; n < nodes(); n++) {
            if (!isLeaf(n)) {
                System.arraycopy(walkNodes, n * (d + 2), planes, n * d, d);
            }
        }
        return planes;
    }

    double[] observedMin() {
        return observedMin;
    }

    double[] observedMax() {
        return observedMax;
    }

    double[] normalLow() {
        return normalLow;
    }

    double[] normalMedian() {
        return normalMedian;
    }

    double[] normalHigh() {
        return normalHigh;
    }
}
