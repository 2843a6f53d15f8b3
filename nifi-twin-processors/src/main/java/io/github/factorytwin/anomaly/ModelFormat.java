package io.github.factorytwin.anomaly;

import io.github.factorytwin.state.StateFile;
import io.github.factorytwin.state.StateInput;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;

/**
 * The model file: a versioned binary format of plain numbers and names that deserializes no code. Reading it
 * creates nothing but arrays and strings, after checking every count against a bound and every tree index against
 * its tree, so a damaged or hostile file can neither run code, exhaust memory nor send scoring into a loop.
 *
 * <pre>
 * magic        8 bytes  "FTWIN-IF"
 * version      int      1
 * features     int d (1..1000), then d names (modified UTF-8, 1..1000 chars, distinct)
 * subsample    int psi (2..2^20): the c(psi) normaliser of the score
 * trainingRows long
 * trees        int T (1..10000)
 * nodes        int N (T..T*(2*psi-1))
 * roots        T ints: 0, then strictly increasing (pre-order, trees stored one after the other)
 * node         N times: int right child (-1 = leaf), double value (leaf: path length; inner: split bias),
 *              and for an inner node d doubles: the hyperplane's slopes. Inner node n sends the standardised
 *              point z to n+1 when dot(z, slopes) < value, else to right, which must lie after n+1 in the tree
 * ranges       5*d doubles: minima, 1st percentiles, medians, 99th percentiles, maxima of the training sample
 * checksum     int CRC-32 of every byte before it
 * </pre>
 *
 * All numbers are big-endian ({@link DataOutputStream}). Magic, version and checksum are the envelope every saved
 * state shares ({@link StateFile}), which also bounds the file's size; this class writes and checks the content.
 * Files are written to a temporary file in the target directory and moved into place atomically, so a reader never
 * sees half a model.
 */
public final class ModelFormat {

    public static final int VERSION = 1;
    /** A model file larger than this is refused before it is read. */
    public static final long MAX_FILE_BYTES = 512L * 1024 * 1024;

    /** The envelope (magic, version, checksum: {@link StateFile}); the content is what this class reads. */
    static final StateFile.Kind KIND = StateFile.Kind.of("ScoreAnomaly model file", "FTWIN-IF", VERSION, MAX_FILE_BYTES)
            .withAdvice("; write one with TrainAnomalyModel");

    private static final int MAX_NAME_LENGTH = 1000;

    private ModelFormat() {}

    public static void write(IsolationForestModel model, OutputStream target) throws IOException {
        StateFile.write(KIND, new BufferedOutputStream(target), out -> writeContent(model, out));
    }

    private static void writeContent(IsolationForestModel model, DataOutputStream out) throws IOException {
        List<String> names = model.featureNames();
        out.writeInt(names.size());
        for (String name : names) {
            out.writeUTF(name);
        }
        out.writeInt(model.subsampleSize());
        out.writeLong(model.trainingCount());
        int[] roots = model.roots();
        int[] right = model.right();
        double[] value = model.value();
        double[] planes = model.planes();
        int d = names.size();
        out.writeInt(roots.length);
        out.writeInt(right.length);
        for (int root : roots) {
            out.writeInt(root);
        }
        for (int n = 0; n < right.length; n++) {
            out.writeInt(right[n]);
            out.writeDouble(value[n]);
            if (right[n] >= 0) {
                for (int j = 0; j < d; j++) {
                    out.writeDouble(planes[n * d + j]);
                }
            }
        }
        for (double[] range : List.of(
                model.observedMin(),
                model.normalLow(),
                model.normalMedian(),
                model.normalHigh(),
                model.observedMax())) {
            for (double x : range) {
                out.writeDouble(x);
            }
        }
    }

    /** Writes {@code model} to {@code path} atomically: a temporary file in the same directory, then a move. */
    public static void writeAtomically(IsolationForestModel model, Path path) throws IOException {
        StateFile.writeAtomically(KIND, path, out -> writeContent(model, out));
    }

    public static IsolationForestModel read(Path path) throws IOException {
        return StateFile.read(KIND, path, ModelFormat::readContent);
    }

    /** Reads a model from a stream of at most {@link #MAX_FILE_BYTES} bytes (held in memory while reading). */
    public static IsolationForestModel read(InputStream source) throws IOException {
        return StateFile.read(KIND, source, ModelFormat::readContent);
    }

    /** Reads the content of version 1: every count is checked against the bytes left before allocating. */
    private static IsolationForestModel readContent(StateInput in, int version) throws IOException {
        // a name takes at least 3 bytes (length and one character)
        int d = in.count(in.readInt(), IsolationForestModel.MAX_FEATURES, 3, "feature count");
        bounded(d, 1, IsolationForestModel.MAX_FEATURES, "feature count");
        List<String> names = new ArrayList<>(d);
        for (int j = 0; j < d; j++) {
            String name = in.readUTF();
            if (name.isBlank() || name.length() > MAX_NAME_LENGTH) {
                throw new ModelFormatException("Invalid feature name at position " + j);
            }
            names.add(name);
        }
        if (new HashSet<>(names).size() != d) {
            throw new ModelFormatException("Feature names repeat: " + names);
        }
        int psi = bounded(in.readInt(), 2, IsolationForestModel.MAX_SUBSAMPLE, "subsample size");
        long trainingCount = in.readLong();
        if (trainingCount < 0) {
            throw new ModelFormatException("Negative training count");
        }
        int trees = in.count(in.readInt(), IsolationForestModel.MAX_TREES, 4, "tree count");
        bounded(trees, 1, IsolationForestModel.MAX_TREES, "tree count");
        long maxNodes = Math.min(Integer.MAX_VALUE - 8, (long) trees * (2L * psi - 1));
        int nodes = bounded(
                in.readInt(), trees, (int) Math.min(maxNodes, IsolationForestModel.MAX_MODEL_VALUES), "node count");
        // Before allocating the nodes: a tree of n nodes has (n - 1) / 2 inner ones; every node takes 12 bytes
        // (child index, value), every inner node d slopes more; the roots and 5 ranges of d values follow.
        long innerNodes = (nodes - (long) trees) / 2;
        long needed = 4L * trees + 12L * nodes + 8L * d * innerNodes + 40L * d + 4;
        if (needed > in.remaining()) {
            throw new ModelFormatException("Model file is truncated or damaged: " + trees + " trees of " + nodes
                    + " nodes need at least " + needed + " more bytes, the file holds " + in.remaining());
        }
        int[] roots = new int[trees];
        for (int t = 0; t < trees; t++) {
            roots[t] = in.readInt();
            if (t == 0 ? roots[t] != 0 : roots[t] <= roots[t - 1] || roots[t] >= nodes) {
                throw new ModelFormatException("Tree " + t + " starts at an invalid node index " + roots[t]);
            }
        }
        if ((long) nodes * d > IsolationForestModel.MAX_MODEL_VALUES) {
            throw new ModelFormatException("Model is too large: " + nodes + " nodes of " + d + " features");
        }
        int[] right = new int[nodes];
        double[] value = new double[nodes];
        double[] planes = new double[nodes * d];
        for (int n = 0; n < nodes; n++) {
            right[n] = in.readInt();
            value[n] = in.readDouble();
            if (right[n] >= 0) {
                for (int j = 0; j < d; j++) {
                    planes[n * d + j] = in.readDouble();
                }
            }
        }
        double[] min = readDoubles(in, d);
        double[] low = readDoubles(in, d);
        double[] median = readDoubles(in, d);
        double[] high = readDoubles(in, d);
        double[] max = readDoubles(in, d);
        for (int t = 0; t < trees; t++) {
            int end = t + 1 < trees ? roots[t + 1] : nodes;
            checkTree(right, value, planes, roots[t], end, d, t);
        }
        for (int j = 0; j < d; j++) {
            if (!Double.isFinite(min[j])
                    || !Double.isFinite(max[j])
                    || !(min[j] <= low[j] && low[j] <= median[j] && median[j] <= high[j] && high[j] <= max[j])) {
                throw new ModelFormatException("Invalid normal range of feature '" + names.get(j) + "'");
            }
        }
        return new IsolationForestModel(
                names, psi, roots, right, value, planes, low, median, high, min, max, trainingCount);
    }

    /** Every node of the tree in [start, end) is reached exactly once from start, children after their parent. */
    private static void checkTree(int[] right, double[] value, double[] planes, int start, int end, int d, int tree)
            throws ModelFormatException {
        int expectedNext = start;
        // Iterative pre-order walk: in a valid pre-order layout, nodes are visited as 0, 1, 2, ... in index order.
        int[] stack = new int[64];
        int top = 0;
        stack[top++] = start;
        while (top > 0) {
            int n = stack[--top];
            if (n != expectedNext || n >= end) {
                throw new ModelFormatException("Tree " + tree + " is not a valid pre-order tree at node " + n);
            }
            expectedNext++;
            if (right[n] == -1) {
                if (!(value[n] >= 0) || !Double.isFinite(value[n])) {
                    throw new ModelFormatException("Tree " + tree + " has an invalid leaf at node " + n);
                }
                continue;
            }
            if (right[n] <= n + 1 || right[n] >= end) {
                throw new ModelFormatException("Tree " + tree + " has an invalid child index at node " + n);
            }
            boolean finite = Double.isFinite(value[n]);
            for (int j = 0; j < d; j++) {
                finite &= Double.isFinite(planes[n * d + j]);
            }
            if (!finite) {
                throw new ModelFormatException("Tree " + tree + " has an invalid split at node " + n);
            }
            if (top + 2 > stack.length) {
                stack = Arrays.copyOf(stack, stack.length * 2);
            }
            stack[top++] = right[n];
            stack[top++] = n + 1;
        }
        if (expectedNext != end) {
            throw new ModelFormatException("Tree " + tree + " has unreachable nodes");
        }
    }

    private static double[] readDoubles(DataInputStream in, int count) throws IOException {
        double[] values = new double[count];
        for (int i = 0; i < count; i++) {
            values[i] = in.readDouble();
        }
        return values;
    }

    private static int bounded(int value, int min, int max, String what) throws ModelFormatException {
        if (value < min || value > max) {
            throw new ModelFormatException("Invalid " + what + " " + value + " (allowed " + min + ".." + max + ")");
        }
        return value;
    }
}
