package io.github.factorytwin.health;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.factorytwin.files.AtomicFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A remaining-useful-life regression model: an ensemble of binary regression trees over {@link RulFeatures},
 * stored as plain JSON (numbers and arrays only, read with Jackson's tree model: no classes are instantiated
 * from the file, so a model file cannot carry code). Prediction = {@code bias + scale * sum(tree outputs)}: a
 * random forest has bias 0 and scale 1/trees, boosting its intercept and shrinkage.
 *
 * <pre>{"format":"factorytwin-rul-trees","version":1,"features":"health-state-v1","sensors":[...],
 *  "unit":"seconds","bias":0,"scale":0.01,"trees":[{"feature":[..],"threshold":[..],"left":[..],"right":[..],
 *  "value":[..]}, ...]}</pre>
 *
 * A node {@code n} is a leaf when {@code feature[n] < 0} (output {@code value[n]}); otherwise the walk goes to
 * {@code left[n]} when {@code x[feature[n]] <= threshold[n]}, else to {@code right[n]}. Children must come after
 * their parent, so every walk ends.
 *
 * <p>Version 2 adds an optional {@code "normalisation"} object, a {@link FleetNormalisation} learned from the
 * training fleet ({@code "context"}: the operating context field names; {@code "centres"}, {@code "mean"}, {@code
 * "sd"}: one row per regime). A model with one normalises every reading's sensors by its regime before the health
 * engine sees them (see {@link HealthEngine}). Version 1 files (without it) stay readable.
 *
 * <p>Version 3 adds an {@code "index"} object, a {@link HealthIndex} over the sensors, and goes with the features
 * {@value RulFeatures#LAYOUT_V2} (the trees' feature numbers are of that layout); a file of features {@value
 * RulFeatures#LAYOUT} has no index and is read as before. Version 3 may also carry a {@code "beyondCap"} object,
 * a {@link LifeBeyondCap}: the answer for a machine whose estimate sits at the target's cap, from the training
 * fleet's lifetimes and the machine's age.
 */
public final class RulModel {

    public static final String FORMAT = "factorytwin-rul-trees";
    private static final int MAX_TREES = 10_000;
    private static final int MAX_NODES = 5_000_000;
    /** A RUL model file larger than this is refused before it is parsed (a JSON tree takes several times it). */
    public static final int MAX_FILE_BYTES = 32 * 1024 * 1024;

    private final List<String> sensors;
    private final double bias;
    private final double scale;
    private final int[][] feature;
    private final double[][] threshold;
    private final int[][] left;
    private final int[][] right;
    private final double[][] value;
    private final FleetNormalisation normalisation;
    private final HealthIndex index;
    private final LifeBeyondCap beyondCap;

    public RulModel(
            List<String> sensors,
            double bias,
            double scale,
            int[][] feature,
            double[][] threshold,
            int[][] left,
            int[][] right,
            double[][] value) {
        this(sensors, bias, scale, feature, threshold, left, right, value, null, null, null);
    }

    /**
     * A model over the features {@value RulFeatures#LAYOUT_V2} with the fused health {@code index}, or over
     * {@value RulFeatures#LAYOUT} when {@code index} is null.
     */
    public RulModel(
            List<String> sensors,
            double bias,
            double scale,
            int[][] feature,
            double[][] threshold,
            int[][] left,
            int[][] right,
            double[][] value,
            HealthIndex index) {
        this(sensors, bias, scale, feature, threshold, left, right, value, null, index, null);
    }

    private RulModel(
            List<String> sensors,
            double bias,
            double scale,
            int[][] feature,
            double[][] threshold,
            int[][] left,
            int[][] right,
            double[][] value,
            FleetNormalisation normalisation,
            HealthIndex index,
            LifeBeyondCap beyondCap) {
        this.sensors = List.copyOf(sensors);
        this.bias = bias;
        this.scale = scale;
        this.feature = feature;
        this.threshold = threshold;
        this.left = left;
        this.right = right;
        this.value = value;
        this.normalisation = normalisation;
        this.index = index;
        this.beyondCap = beyondCap;
        if (index != null && index.sensors() != this.sensors.size()) {
            throw new IllegalArgumentException("the health index has " + index.sensors() + " weights, the model "
                    + this.sensors.size() + " sensors");
        }
        validate();
        if (normalisation != null) {
            normalisation.requireSensors(this.sensors.size());
        }
    }

    /**
     * A model that always predicts {@code seconds}: what a training replay runs with when it needs the engine to see
     * readings as the finished model will ({@code normalisation}) before any tree exists.
     */
    public static RulModel constant(List<String> sensors, double seconds, FleetNormalisation normalisation) {
        return new RulModel(
                sensors,
                seconds,
                0,
                new int[][] {{-1}},
                new double[][] {{0}},
                new int[][] {{0}},
                new int[][] {{0}},
                new double[][] {{0}},
                normalisation,
                null,
                null);
    }

    /** The fleet normalisation readings go through before the engine sees them; null when there is none. */
    public FleetNormalisation normalisation() {
        return normalisation;
    }

    /** A copy of this model that normalises readings with {@code normalisation}. */
    public RulModel withNormalisation(FleetNormalisation normalisation) {
        return new RulModel(
                sensors, bias, scale, feature, threshold, left, right, value, normalisation, index, beyondCap);
    }

    /** A copy of this model that answers beyond its cap with {@code beyondCap} (null: never). */
    public RulModel withBeyondCap(LifeBeyondCap beyondCap) {
        return new RulModel(
                sensors, bias, scale, feature, threshold, left, right, value, normalisation, index, beyondCap);
    }

    /** The answer beyond the cap; null when the model has none. */
    public LifeBeyondCap beyondCap() {
        return beyondCap;
    }

    /** The features the trees are over: {@link RulFeatures#LAYOUT}, or {@link RulFeatures#LAYOUT_V2} with an index. */
    public String layout() {
        return index == null ? RulFeatures.LAYOUT : RulFeatures.LAYOUT_V2;
    }

    /** The fused health index of layout 2; null for a layout-1 model. */
    public HealthIndex index() {
        return index;
    }

    /** This model's features of a machine's state, in its {@link #layout}. */
    public double[] features(MachineState s) {
        double[] x = RulFeatures.of(s);
        return index == null ? x : RulFeatures.extend(x, index);
    }

    /** The prediction for a machine's state: the trees', beyond the cap as {@link LifeBeyondCap} says. */
    public double predict(MachineState s) {
        double trees = predict(features(s));
        return beyondCap == null ? trees : beyondCap.answer(trees, s.readings);
    }

    public List<String> sensors() {
        return sensors;
    }

    public int trees() {
        return feature.length;
    }

    public double predict(double[] x) {
        double sum = 0;
        for (int t = 0; t < feature.length; t++) {
            int[] f = feature[t];
            int n = 0;
            while (f[n] >= 0) {
                n = x[f[n]] <= threshold[t][n] ? left[t][n] : right[t][n];
            }
            sum += value[t][n];
        }
        return bias + scale * sum;
    }

    private void validate() {
        int features = RulFeatures.count(layout(), sensors.size());
        if (feature.length == 0 || feature.length > MAX_TREES) {
            throw new IllegalArgumentException("a RUL model needs 1 to " + MAX_TREES + " trees");
        }
        long nodes = 0;
        for (int t = 0; t < feature.length; t++) {
            int n = feature[t].length;
            nodes += n;
            if (n == 0
                    || threshold[t].length != n
                    || left[t].length != n
                    || right[t].length != n
                    || value[t].length != n) {
                throw new IllegalArgumentException("tree " + t + ": arrays of different lengths");
            }
            for (int i = 0; i < n; i++) {
                if (feature[t][i] >= features) {
                    throw new IllegalArgumentException(
                            "tree " + t + " uses feature " + feature[t][i] + " of " + features);
                }
                if (feature[t][i] >= 0
                        && (left[t][i] <= i || left[t][i] >= n || right[t][i] <= i || right[t][i] >= n)) {
                    throw new IllegalArgumentException("tree " + t + ": node " + i + " has invalid children");
                }
                if (feature[t][i] < 0 && !Double.isFinite(value[t][i])) {
                    throw new IllegalArgumentException("tree " + t + ": leaf " + i + " has no finite value");
                }
            }
        }
        if (nodes > MAX_NODES) {
            throw new IllegalArgumentException("a RUL model may have at most " + MAX_NODES + " nodes");
        }
        if (!Double.isFinite(bias) || !Double.isFinite(scale)) {
            throw new IllegalArgumentException("bias and scale must be finite");
        }
    }

    /**
     * Reads a model file written by {@link #write}.
     *
     * @throws IOException when the file cannot be read, is larger than {@link #MAX_FILE_BYTES}, is not JSON or
     *     not a valid model (the message says which, and what is wrong)
     */
    public static RulModel read(Path file) throws IOException {
        long size = Files.size(file);
        if (size > MAX_FILE_BYTES) {
            throw new IOException(
                    "RUL model file " + file + " is " + size + " bytes, more than the " + MAX_FILE_BYTES + " allowed");
        }
        try (InputStream in = Files.newInputStream(file)) {
            return read(in);
        } catch (IOException e) {
            throw new IOException("RUL model file " + file + " cannot be used: " + e.getMessage(), e);
        }
    }

    /**
     * Reads a model from at most {@link #MAX_FILE_BYTES} bytes.
     *
     * @throws IOException as {@link #read(Path)}
     */
    public static RulModel read(InputStream in) throws IOException {
        byte[] bytes = in.readNBytes(MAX_FILE_BYTES + 1);
        if (bytes.length > MAX_FILE_BYTES) {
            throw new IOException("more than the " + MAX_FILE_BYTES + " bytes allowed");
        }
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(bytes);
        } catch (JsonProcessingException e) {
            throw new IOException("not a JSON document (" + e.getOriginalMessage() + ")", e);
        }
        try {
            return parse(root);
        } catch (IllegalArgumentException e) {
            throw new IOException("not a valid RUL model: " + e.getMessage(), e);
        }
    }

    static RulModel parse(JsonNode root) {
        int version = root == null ? 0 : root.path("version").asInt();
        if (root == null
                || !root.isObject()
                || !FORMAT.equals(root.path("format").asText())
                || version < 1
                || version > 3) {
            throw new IllegalArgumentException("not a " + FORMAT + " version 1, 2 or 3 document");
        }
        if (root.has("normalisation") && version < 2) {
            throw new IllegalArgumentException("'normalisation' needs version 2 or 3");
        }
        String layout = root.path("features").asText();
        boolean indexed = RulFeatures.LAYOUT_V2.equals(layout);
        if (!indexed && !RulFeatures.LAYOUT.equals(layout)) {
            throw new IllegalArgumentException("features '" + layout + "' are neither " + RulFeatures.LAYOUT_V2
                    + " nor " + RulFeatures.LAYOUT + ": the model was trained for another version of the twin");
        }
        if (root.has("beyondCap") && version < 3) {
            throw new IllegalArgumentException("'beyondCap' needs version 3");
        }
        if (indexed != root.has("index") || (indexed && version < 3)) {
            throw new IllegalArgumentException("features " + RulFeatures.LAYOUT_V2
                    + " need an 'index' object and version 3; other features have none");
        }
        JsonNode sensorArray = root.path("sensors");
        if (!sensorArray.isArray() || sensorArray.isEmpty()) {
            throw new IllegalArgumentException("'sensors' must be a non-empty array of sensor names");
        }
        List<String> sensors = new ArrayList<>();
        for (JsonNode n : sensorArray) {
            if (!n.isTextual() || n.asText().isBlank()) {
                throw new IllegalArgumentException("'sensors' must hold sensor names, found " + shorten(n));
            }
            sensors.add(n.asText());
        }
        JsonNode trees = root.path("trees");
        if (!trees.isArray()) {
            throw new IllegalArgumentException("'trees' must be an array of trees");
        }
        int count = trees.size();
        if (count > MAX_TREES) {
            throw new IllegalArgumentException("too many trees: " + count);
        }
        for (String number : List.of("bias", "scale")) {
            if (root.has(number) && !root.get(number).isNumber()) {
                throw new IllegalArgumentException("'" + number + "' must be a number");
            }
        }
        int[][] feature = new int[count][];
        double[][] threshold = new double[count][];
        int[][] left = new int[count][];
        int[][] right = new int[count][];
        double[][] value = new double[count][];
        for (int t = 0; t < count; t++) {
            JsonNode tree = trees.get(t);
            if (!tree.isObject()) {
                throw new IllegalArgumentException("tree " + t + " is not an object");
            }
            feature[t] = ints(tree.path("feature"));
            threshold[t] = doubles(tree.path("threshold"));
            left[t] = ints(tree.path("left"));
            right[t] = ints(tree.path("right"));
            value[t] = doubles(tree.path("value"));
        }
        return new RulModel(
                sensors,
                root.path("bias").asDouble(0),
                root.path("scale").asDouble(1),
                feature,
                threshold,
                left,
                right,
                value,
                root.has("normalisation") ? FleetNormalisation.parse(root.get("normalisation")) : null,
                indexed ? HealthIndex.parse(root.get("index"), sensors.size()) : null,
                root.has("beyondCap") ? LifeBeyondCap.parse(root.get("beyondCap")) : null);
    }

    /** A JSON value for a message, at most 40 characters of it. */
    private static String shorten(JsonNode n) {
        String text = n.toString();
        return text.length() <= 40 ? text : text.substring(0, 40) + "...";
    }

    private static int[] ints(JsonNode array) {
        if (!array.isArray() || array.size() > MAX_NODES) {
            throw new IllegalArgumentException("expected an array of integers");
        }
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode n = array.get(i);
            if (!n.isIntegralNumber() || !n.canConvertToInt()) {
                throw new IllegalArgumentException("expected an integer, found " + shorten(n));
            }
            out[i] = n.asInt();
        }
        return out;
    }

    private static double[] doubles(JsonNode array) {
        if (!array.isArray() || array.size() > MAX_NODES) {
            throw new IllegalArgumentException("expected an array of numbers");
        }
        double[] out = new double[array.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode n = array.get(i);
            if (!n.isNumber()) {
                throw new IllegalArgumentException("expected a number, found " + shorten(n));
            }
            out[i] = n.asDouble();
        }
        return out;
    }

    /** Writes this model as a JSON document {@link #read} accepts. */
    public void write(Path file) throws IOException {
        ObjectMapper mapper = new ObjectMapper();
        var root = mapper.createObjectNode();
        root.put("format", FORMAT);
        root.put("version", index != null || beyondCap != null ? 3 : normalisation == null ? 1 : 2);
        root.put("features", layout());
        var sensorArray = root.putArray("sensors");
        sensors.forEach(sensorArray::add);
        root.put("unit", "seconds");
        root.put("bias", bias);
        root.put("scale", scale);
        if (normalisation != null) {
            normalisation.write(root.putObject("normalisation"));
        }
        if (index != null) {
            index.write(root.putObject("index"));
        }
        if (beyondCap != null) {
            beyondCap.write(root.putObject("beyondCap"));
        }
        var treeArray = root.putArray("trees");
        for (int t = 0; t < feature.length; t++) {
            var tree = treeArray.addObject();
            var f = tree.putArray("feature");
            var th = tree.putArray("threshold");
            var l = tree.putArray("left");
            var r = tree.putArray("right");
            var v = tree.putArray("value");
            for (int i = 0; i < feature[t].length; i++) {
                f.add(feature[t][i]);
                th.add(threshold[t][i]);
                l.add(left[t][i]);
                r.add(right[t][i]);
                v.add(value[t][i]);
            }
        }
        AtomicFiles.write(file, out -> mapper.writeValue(out, root));
    }
}
