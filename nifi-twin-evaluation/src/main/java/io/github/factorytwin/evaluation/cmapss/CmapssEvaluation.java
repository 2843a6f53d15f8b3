package io.github.factorytwin.evaluation.cmapss;

import io.github.factorytwin.context.OperatingContext;
import io.github.factorytwin.health.BaselineFollowing;
import io.github.factorytwin.health.FleetNormalisation;
import io.github.factorytwin.health.HealthConfig;
import io.github.factorytwin.health.HealthEngine;
import io.github.factorytwin.health.HealthIndex;
import io.github.factorytwin.health.LifeBeyondCap;
import io.github.factorytwin.health.MachineState;
import io.github.factorytwin.health.RulFeatures;
import io.github.factorytwin.health.RulModel;
import io.github.factorytwin.health.ScoredReading;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntToDoubleFunction;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import smile.base.cart.InternalNode;
import smile.base.cart.Loss;
import smile.base.cart.Node;
import smile.base.cart.OrdinalNode;
import smile.base.cart.RegressionNode;
import smile.data.DataFrame;
import smile.data.Tuple;
import smile.data.formula.Formula;
import smile.data.type.StructType;
import smile.math.MathEx;
import smile.regression.DataFrameRegression;
import smile.regression.GradientTreeBoost;
import smile.regression.RandomForest;
import smile.regression.RegressionTree;

/**
 * Remaining-useful-life estimation on NASA C-MAPSS with ComputeHealthScore's own engine, for any subset in the
 * dataset's layout ({@code train_<subset>.txt}, {@code test_<subset>.txt}, {@code RUL_<subset>.txt}: FD001, FD002,
 * FD003, ...). One configuration ({@link #DEFAULT}) for every subset: nothing is tuned per subset or on test data.
 *
 * <p>Method:
 *
 * <ol>
 *   <li>Every engine is a machine and every cycle a reading (timestamp = cycle seconds), replayed in order through
 *       {@link HealthEngine#update} with the 14 sensors that vary in FD001 (s2, s3, s4, s7, s8, s9, s11, s12, s13,
 *       s14, s15, s17, s20, s21) and a baseline of the first 20 cycles. The three operational settings are the
 *       operating context (ComputeHealthScore's 'Operating Context Fields' setting1,setting2,setting3 with
 *       'Operating Context Model' Operating Regimes, Regime Distance 0.1, Maximum Regimes 8, see {@link
 *       #config}). The RUL model carries a {@link FleetNormalisation} learned from all cycles of the
 *       training engines ({@link #normalisation}: the fleet's regimes by the same leader clustering and distance,
 *       per regime every sensor's mean and spread); every reading is normalised by its nearest fleet regime before
 *       the engine sees it, so FD002's six conditions are not taken for drift and no engine has to learn six
 *       regime means from its own few cycles.
 *   <li>Training: after every cycle of the subset's training engines (once the baseline is learned) the streaming
 *       feature vector {@link RulFeatures} of the machine's state is recorded with the piece-wise linear target
 *       {@code min(remaining cycles, 125)}. With {@link Options#healthIndex} a {@link HealthIndex} is first fitted
 *       to the rows (ridge least squares of that target on each sensor's slow z feature) and the rows extended to
 *       {@link RulFeatures#LAYOUT_V2} (per-sensor drift rates, the index of the slow and fast values and their
 *       difference). Smile's least-squares gradient boosting is fitted to these rows and exported to the
 *       data-only JSON {@link RulModel} format (intercept + shrinkage * sum of the trees, and the index). With
 *       {@link Options#lifeBeyondCap} above 0 the model also carries the training engines' lifetimes as a {@link
 *       LifeBeyondCap}: an estimate at the cap gets that share of the fleet's mean life beyond the cap at the
 *       engine's age.
 *   <li>The options ({@link #DEFAULT}: EWMA weights, trend window, learner, target cap) were chosen by 5-fold
 *       cross-validation on the training engines of FD001, FD002 and FD003 ({@link CmapssValidation}), not on
 *       any test engines: boosting beat the random forest on every subset; a higher cap, no cap or a second
 *       ensemble for the life beyond the cap answered young engines better but engines near failure worse; the
 *       features of layout 2 were better near failure on all three and no worse at any point; the fleet's life
 *       beyond the cap is given a weight of 0.1, the largest that left the near-failure error unchanged.
 *   <li>Test: the test engines are replayed through a {@link HealthEngine} that holds the exported model, exactly
 *       as ComputeHealthScore does with its 'RUL Model File' property; the estimate is the engine's {@code
 *       estimated_time_to_maintenance} after the last cycle, compared with the RUL file (not capped).
 *   <li>Every test engine gets an estimate: one too short for the baseline (or without an estimate for any other
 *       reason) gets the training fleet's {@link FleetPrior} for its age, a less certain answer than the model's
 *       but never none.
 * </ol>
 */
public final class CmapssEvaluation {

    /** The subsets the scorecard reports (the ones in ../shared/datasets/cmapss). */
    public static final List<String> SUBSETS = List.of("FD001", "FD002", "FD003");

    /** One test engine's estimate: from the RUL model, or from the fleet prior (with its spread). */
    public record Estimate(double cycles, boolean fromModel, double spread) {}

    /**
     * RMSE and PHM08 score over one subset's test engines, as in the datasets README (against the true remaining
     * life); {@code rmseCappedTruth} against the true remaining life capped at the target's cap, the convention of
     * many published pipelines, reported beside it and never instead of it.
     */
    public record Result(
            String subset,
            double rmse,
            double phm08,
            double rmseCappedTruth,
            int engines,
            int priorEstimates,
            int shortestEngine,
            String method,
            List<ErrorBreakdown.Group> byTrueRul,
            List<ErrorBreakdown.Group> byHistory) {}

    /** The knobs of the method; {@link #DEFAULT} is what {@link #run} uses for every subset. */
    public record Options(
            int baseline,
            double fastAlpha,
            double slowAlpha,
            int trendWindow,
            int trees,
            int nodeSize,
            int maxDepth,
            int maxNodes,
            boolean fleetNormalisation,
            int cap,
            boolean beyondCap,
            Learner learner,
            boolean healthIndex,
            double lifeBeyondCap) {

        /** The training target of a cycle: the remaining cycles, capped at {@link #cap}. */
        double target(int remaining) {
            return Math.min(cap, remaining);
        }

        /** The second ensemble's target with {@link #beyondCap}: the remaining cycles beyond the cap. */
        double beyond(int remaining) {
            return Math.max(0, remaining - cap);
        }

        /** The cap of the fleet prior: none when the model also estimates the life beyond the cap. */
        int priorCap() {
            return beyondCap ? Integer.MAX_VALUE : cap;
        }
    }

    /**
     * The tree ensemble fitted to the feature rows: Smile's random forest ({@code trees} trees, a third of the
     * features tried per split), or Smile's least-squares gradient boosting ({@code trees} rounds, shrinkage
     * {@link #SHRINKAGE}, subsample {@link #SUBSAMPLE}; {@code maxNodes} 0 means {@link #BOOSTING_LEAVES} leaves).
     */
    public enum Learner {
        FOREST,
        BOOSTING
    }

    static final double SHRINKAGE = 0.05;
    static final double SUBSAMPLE = 0.7;
    static final int BOOSTING_LEAVES = 16;

    public static final Options DEFAULT =
            new Options(20, 0.3, 0.05, 60, 200, 5, 20, 0, true, 125, false, Learner.BOOSTING, true, 0.1);

    /** The band below the cap in which {@link LifeBeyondCap} adds the fleet's life beyond the cap. */
    static final double BEYOND_CAP_BAND = 2;

    /** The ridge of the fused {@link HealthIndex}'s least squares (per row, on z features of unit spread). */
    static final double INDEX_RIDGE = 0.1;

    /** A trained estimator: the RUL model the processor loads, and the fleet prior for engines it cannot answer. */
    public record Estimator(RulModel model, FleetPrior prior) {}

    static final List<Integer> SENSOR_COLUMNS = List.of(2, 3, 4, 7, 8, 9, 11, 12, 13, 14, 15, 17, 20, 21);
    /** The operational settings, the engine's operating context; a row holds them after the sensors. */
    static final List<String> CONTEXT_FIELDS = List.of("setting1", "setting2", "setting3");
    /** The processor's Operating Regimes settings, one configuration for every subset. */
    static final OperatingContext CONTEXT = OperatingContext.regimes(
            CONTEXT_FIELDS, OperatingContext.DEFAULT_REGIME_DISTANCE, OperatingContext.DEFAULT_MAX_REGIMES);

    static final long SEED = 20_260_125L;
    private static final Pattern SUBSET = Pattern.compile("FD\\d{3}");

    private CmapssEvaluation() {}

    static List<String> sensorNames() {
        return SENSOR_COLUMNS.stream().map(s -> "s" + s).toList();
    }

    /**
     * The health engine's settings: the three operational settings as the operating context, with Operating
     * Regimes ({@link #CONTEXT}). Before the engine had regimes (a single load sensor with a linear baseline, which
     * no setting fits, so no context was named) the figures were FD001 RMSE 13.56, FD002 34.28, FD003 15.86.
     */
    static HealthConfig config(Options o) {
        return new HealthConfig(
                sensorNames(),
                70,
                40,
                5,
                0,
                o.baseline(),
                0,
                o.trendWindow(),
                o.fastAlpha(),
                o.slowAlpha(),
                HealthConfig.DEFAULT_ANOMALY_ALPHA,
                HealthConfig.DEFAULT_ANOMALY_FLOOR,
                HealthConfig.DEFAULT_ANOMALY_CEILING,
                HealthConfig.DEFAULT_DRIFT_FREE_SIGMAS,
                HealthConfig.DEFAULT_DRIFT_SPAN_SIGMAS,
                CONTEXT,
                BaselineFollowing.DEFAULT,
                0);
    }

    static Path file(Path dir, String kind, String subset) {
        return dir.resolve(kind + "_" + subset + ".txt");
    }

    /** True when {@code dir} holds the training, test and RUL files of {@code subset}. */
    public static boolean isPresent(Path dir, String subset) {
        return Stream.of("train", "test", "RUL").allMatch(kind -> Files.isRegularFile(file(dir, kind, subset)));
    }

    /** The complete subsets in {@code dir}, in name order (empty when there is none or no such folder). */
    public static List<String> available(Path dir) throws IOException {
        if (dir == null || !Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(name -> name.startsWith("train_") && name.endsWith(".txt"))
                    .map(name -> name.substring("train_".length(), name.length() - ".txt".length()))
                    .filter(subset -> isPresent(dir, subset))
                    .sorted()
                    .toList();
        }
    }

    /**
     * The C-MAPSS folder: system property {@code twin.cmapss.dir} if set, else the first {@code
     * shared/datasets/cmapss} holding a subset found from the working directory upwards; null when there is none.
     */
    public static Path locate() throws IOException {
        String configured = System.getProperty("twin.cmapss.dir");
        if (configured != null) {
            Path dir = Path.of(configured);
            return available(dir).isEmpty() ? null : dir;
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("shared/datasets/cmapss");
            if (!available(candidate).isEmpty()) {
                return candidate;
            }
        }
        return null;
    }

    /** Each engine's rows (cycle order): the {@link #SENSOR_COLUMNS} values, then the three settings. */
    static Map<Integer, List<double[]>> read(Path file) throws IOException {
        Map<Integer, List<double[]>> engines = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file)) {
            String trimmed = line.trim();
            if (trimmed.isEmpty()) {
                continue;
            }
            String[] cols = trimmed.split("\\s+");
            if (cols.length != 26) {
                throw new IOException(file + ": expected 26 columns, found " + cols.length + ": " + line);
            }
            int unit = Integer.parseInt(cols[0]);
            int count = SENSOR_COLUMNS.size();
            double[] sensors = new double[count + CONTEXT_FIELDS.size()];
            for (int i = 0; i < count; i++) {
                // columns: unit, cycle, 3 settings, s1..s21 -> sensor k is column 4 + k
                sensors[i] = Double.parseDouble(cols[4 + SENSOR_COLUMNS.get(i)]);
            }
            for (int f = 0; f < CONTEXT_FIELDS.size(); f++) {
                sensors[count + f] = Double.parseDouble(cols[2 + f]);
            }
            engines.computeIfAbsent(unit, k -> new ArrayList<>()).add(sensors);
        }
        return engines;
    }

    /** A cycle's reading: the sensors, and the settings (the row's last three values) as its context. */
    static ScoredReading reading(int cycle, double[] row) {
        int count = SENSOR_COLUMNS.size();
        return new ScoredReading(
                "engine",
                cycle * 1000L,
                Arrays.copyOf(row, count),
                Double.NaN,
                false,
                Arrays.copyOfRange(row, count, count + CONTEXT_FIELDS.size()));
    }

    /** Trains on the subset's training engines: the forest on their streaming features, and the fleet prior. */
    public static Estimator train(Path cmapssDir, String subset) throws IOException {
        return train(read(file(cmapssDir, "train", subset)).values(), DEFAULT);
    }

    static Estimator train(Collection<List<double[]>> trainingEngines, Options options) {
        if (options.beyondCap() && options.lifeBeyondCap() > 0) {
            // Both estimate the life past the cap: the second would add it to an estimate that already holds it.
            throw new IllegalArgumentException("beyondCap and lifeBeyondCap exclude each other; choose one");
        }
        FleetPrior prior =
                new FleetPrior(trainingEngines.stream().map(List::size).toList(), options.priorCap());
        RulModel model = trainForest(trainingEngines, options);
        if (options.lifeBeyondCap() > 0) {
            int[] lives = trainingEngines.stream().mapToInt(List::size).toArray();
            model = model.withBeyondCap(
                    new LifeBeyondCap(lives, options.cap(), BEYOND_CAP_BAND, options.lifeBeyondCap()));
        }
        return new Estimator(model, prior);
    }

    /**
     * The fleet's operating regimes and per-regime sensor means and spreads, over every cycle of the training
     * engines, with the processor's context settings ({@link #CONTEXT}).
     */
    static FleetNormalisation normalisation(Collection<List<double[]>> trainingEngines) {
        List<double[]> sensors = new ArrayList<>();
        List<double[]> contexts = new ArrayList<>();
        for (List<double[]> cycles : trainingEngines) {
            for (int c = 0; c < cycles.size(); c++) {
                ScoredReading r = reading(c + 1, cycles.get(c));
                sensors.add(r.sensors());
                contexts.add(r.context());
            }
        }
        return FleetNormalisation.learn(sensors, contexts, CONTEXT);
    }

    static RulModel trainForest(Collection<List<double[]>> trainingEngines, Options options) {
        FleetNormalisation normalisation = options.fleetNormalisation() ? normalisation(trainingEngines) : null;
        HealthEngine engine = new HealthEngine(
                config(options), normalisation == null ? null : RulModel.constant(sensorNames(), 0, normalisation));
        List<double[]> rows = new ArrayList<>();
        for (List<double[]> cycles : trainingEngines) {
            MachineState state = engine.newState();
            for (int c = 0; c < cycles.size(); c++) {
                engine.update(state, reading(c + 1, cycles.get(c)));
                if (c + 1 >= options.baseline()) {
                    double[] x = RulFeatures.of(state);
                    double[] row = Arrays.copyOf(x, x.length + 1);
                    row[x.length] = cycles.size() - (c + 1); // replaced by each ensemble's target
                    rows.add(row);
                }
            }
        }
        if (rows.isEmpty()) {
            throw new IllegalArgumentException(
                    "no training engine is longer than the baseline of " + options.baseline() + " cycles");
        }
        HealthIndex index = options.healthIndex() ? index(rows, options) : null;
        if (index != null) {
            for (int i = 0; i < rows.size(); i++) {
                double[] row = rows.get(i);
                double[] x = RulFeatures.extend(Arrays.copyOf(row, row.length - 1), index);
                double[] extended = Arrays.copyOf(x, x.length + 1);
                extended[x.length] = row[row.length - 1];
                rows.set(i, extended);
            }
        }
        int features = rows.get(0).length - 1;
        String[] names = new String[features + 1];
        for (int i = 0; i < features; i++) {
            names[i] = "f" + i;
        }
        names[features] = "rul";
        int[] remaining = rows.stream().mapToInt(r -> (int) r[features]).toArray();
        List<DataFrameRegression> parts = new ArrayList<>();
        parts.add(fit(rows, remaining, options::target, names, options));
        if (options.beyondCap()) {
            parts.add(fit(rows, remaining, options::beyond, names, options));
        }
        DataFrame data = DataFrame.of(rows.toArray(double[][]::new), names);
        TreeArrays trees = new TreeArrays();
        for (DataFrameRegression part : parts) {
            trees.add(part, data.get(0), Arrays.copyOf(rows.get(0), features), sensorNames(), index);
        }
        RulModel model = trees.model(sensorNames(), index).withNormalisation(normalisation);
        // The exported trees must predict exactly what Smile's models predict (their sum).
        for (int i = 0; i < rows.size(); i += 97) {
            double[] x = Arrays.copyOf(rows.get(i), features);
            double smile = 0;
            for (DataFrameRegression part : parts) {
                smile += part.predict(data.get(i));
            }
            double ours = model.predict(x);
            if (Math.abs(smile - ours) > 1e-6 * Math.max(1, Math.abs(smile))) {
                throw new IllegalStateException("exported model differs from Smile's: " + ours + " vs " + smile);
            }
        }
        return model;
    }

    /** The fused health index: the slow z features of the training rows against their capped target. */
    private static HealthIndex index(List<double[]> rows, Options options) {
        int sensors = sensorNames().size();
        List<double[]> z = new ArrayList<>();
        double[] target = new double[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            double[] row = rows.get(i);
            z.add(RulFeatures.slowZ(row, sensors));
            target[i] = options.target((int) row[row.length - 1]);
        }
        return HealthIndex.fit(z, target, INDEX_RIDGE);
    }

    /** One ensemble fitted to the rows with the target {@code target(remaining cycles)} in their last column. */
    private static DataFrameRegression fit(
            List<double[]> rows, int[] remaining, IntToDoubleFunction target, String[] names, Options options) {
        int features = names.length - 1;
        double[][] table = new double[rows.size()][];
        for (int i = 0; i < table.length; i++) {
            table[i] = rows.get(i).clone();
            table[i][features] = target.applyAsDouble(remaining[i]);
        }
        DataFrame data = DataFrame.of(table, names);
        return options.learner() == Learner.BOOSTING ? boost(data, options) : forest(data, features, options);
    }

    private static RandomForest forest(DataFrame data, int features, Options options) {
        int trees = options.trees();
        long[] seeds = new long[trees];
        for (int i = 0; i < trees; i++) {
            seeds[i] = SEED + i;
        }
        return RandomForest.fit(
                Formula.lhs("rul"),
                data,
                new RandomForest.Options(
                        trees,
                        features / 3,
                        options.maxDepth(),
                        options.maxNodes(),
                        options.nodeSize(),
                        1.0,
                        seeds,
                        null));
    }

    private static GradientTreeBoost boost(DataFrame data, Options options) {
        MathEx.setSeed(SEED); // the subsamples: the same model on every run
        return GradientTreeBoost.fit(
                Formula.lhs("rul"),
                data,
                new GradientTreeBoost.Options(
                        Loss.ls(),
                        options.trees(),
                        options.maxDepth(),
                        options.maxNodes() > 0 ? options.maxNodes() : BOOSTING_LEAVES,
                        options.nodeSize(),
                        SHRINKAGE,
                        SUBSAMPLE,
                        null,
                        null));
    }

    /**
     * Smile's models as one {@link RulModel} predicting their sum: a forest is the mean of its trees, boosting its
     * intercept plus the shrinkage times the sum of its trees (Smile does not expose the intercept: it is what its
     * prediction adds to the trees' at a point). Ensembles of the same kind and size share the scale, so their trees
     * simply follow one another.
     */
    static final class TreeArrays {
        private final List<int[]> feature = new ArrayList<>();
        private final List<double[]> threshold = new ArrayList<>();
        private final List<int[]> left = new ArrayList<>();
        private final List<int[]> right = new ArrayList<>();
        private final List<double[]> value = new ArrayList<>();
        private double bias;
        private double scale = Double.NaN;

        /** Adds {@code fitted}'s trees; {@code row} (features {@code x}) is any training row. */
        void add(DataFrameRegression fitted, Tuple row, double[] x, List<String> sensors, HealthIndex index) {
            RegressionTree[] trees;
            StructType schema;
            double partScale;
            if (fitted instanceof RandomForest forest) {
                trees = forest.trees();
                schema = forest.schema();
                partScale = 1.0 / trees.length;
            } else {
                GradientTreeBoost boosting = (GradientTreeBoost) fitted;
                trees = boosting.trees();
                schema = boosting.schema();
                partScale = SHRINKAGE;
            }
            if (!Double.isNaN(scale) && scale != partScale) {
                throw new IllegalArgumentException("ensembles of different scales cannot share one model");
            }
            scale = partScale;
            int first = feature.size();
            for (RegressionTree tree : trees) {
                addTree(tree, schema);
            }
            RulModel alone = new RulModel(
                    sensors,
                    0,
                    partScale,
                    feature.subList(first, feature.size()).toArray(int[][]::new),
                    threshold.subList(first, feature.size()).toArray(double[][]::new),
                    left.subList(first, feature.size()).toArray(int[][]::new),
                    right.subList(first, feature.size()).toArray(int[][]::new),
                    value.subList(first, feature.size()).toArray(double[][]::new),
                    index);
            bias += fitted.predict(row) - alone.predict(x);
        }

        private void addTree(RegressionTree tree, StructType schema) {
            List<Node> nodes = new ArrayList<>();
            collect(tree.root(), nodes);
            int size = nodes.size();
            int[] f = new int[size];
            double[] th = new double[size];
            int[] l = new int[size];
            int[] r = new int[size];
            double[] v = new double[size];
            IdentityHashMap<Node, Integer> index = new IdentityHashMap<>();
            for (int i = 0; i < size; i++) {
                index.put(nodes.get(i), i);
            }
            for (int i = 0; i < size; i++) {
                Node node = nodes.get(i);
                if (node instanceof OrdinalNode split) {
                    f[i] = split.feature();
                    th[i] = splitValue(split, schema);
                    l[i] = index.get(split.trueChild());
                    r[i] = index.get(split.falseChild());
                } else if (node instanceof RegressionNode leaf) {
                    f[i] = -1;
                    v[i] = leaf.output();
                } else {
                    throw new IllegalStateException("unexpected tree node " + node.getClass());
                }
            }
            feature.add(f);
            threshold.add(th);
            left.add(l);
            right.add(r);
            value.add(v);
        }

        RulModel model(List<String> sensors, HealthIndex index) {
            return new RulModel(
                    sensors,
                    bias,
                    scale,
                    feature.toArray(int[][]::new),
                    threshold.toArray(double[][]::new),
                    left.toArray(int[][]::new),
                    right.toArray(int[][]::new),
                    value.toArray(double[][]::new),
                    index);
        }
    }

    private static void collect(Node node, List<Node> out) {
        out.add(node);
        if (node instanceof InternalNode internal) {
            collect(internal.trueChild(), out);
            collect(internal.falseChild(), out);
        }
    }

    /**
     * An ordinal split's threshold through Smile's public API: Smile 4.4 exposes no getter for it, but {@link
     * OrdinalNode#branch} answers {@code x[feature] <= threshold}, so the largest double it sends to the true child
     * is found exactly by bisection over the doubles' ordering (at most 64 questions).
     */
    static double splitValue(OrdinalNode node, StructType schema) {
        double[] x = new double[schema.length()];
        long low = order(-Double.MAX_VALUE); // branch(low) is taken to be true, branch(high) false
        long high = order(Double.POSITIVE_INFINITY);
        x[node.feature()] = -Double.MAX_VALUE;
        if (!node.branch(Tuple.of(schema, x))) {
            throw new IllegalStateException("a split whose threshold is below every finite value");
        }
        while (true) {
            long mid = (low >> 1) + (high >> 1) + (low & high & 1); // floor of the mean, without overflow
            if (mid == low) {
                break;
            }
            x[node.feature()] = fromOrder(mid);
            if (node.branch(Tuple.of(schema, x))) {
                low = mid;
            } else {
                high = mid;
            }
        }
        return fromOrder(low);
    }

    /** The doubles mapped to longs in their numeric order (both zeros to 0), and back. */
    private static long order(double v) {
        long bits = Double.doubleToRawLongBits(v);
        return bits >= 0 ? bits : Long.MIN_VALUE - bits;
    }

    private static double fromOrder(long order) {
        return Double.longBitsToDouble(order >= 0 ? order : Long.MIN_VALUE - order);
    }

    /**
     * Replays each engine through a health engine holding {@code estimator}'s model; the estimate after its last
     * cycle, or the fleet prior for its age when the health engine has none (history shorter than the baseline).
     */
    static Estimate[] predict(Collection<List<double[]>> engines, Estimator estimator, Options options) {
        HealthEngine engine = new HealthEngine(config(options), estimator.model());
        Estimate[] estimates = new Estimate[engines.size()];
        int e = 0;
        for (List<double[]> cycles : engines) {
            MachineState state = engine.newState();
            Long ttm = null;
            for (int c = 0; c < cycles.size(); c++) {
                ttm = engine.update(state, reading(c + 1, cycles.get(c))).timeToMaintenance();
            }
            int age = cycles.size();
            estimates[e++] = ttm != null
                    ? new Estimate(ttm, true, Double.NaN)
                    : new Estimate(
                            estimator.prior().estimate(age),
                            false,
                            estimator.prior().spread(age));
        }
        return estimates;
    }

    static double[] trueRul(Path cmapssDir, String subset) throws IOException {
        return Files.readAllLines(file(cmapssDir, "RUL", subset)).stream()
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .mapToDouble(Double::parseDouble)
                .toArray();
    }

    /** Root mean square of {@code predicted - truth}. */
    static double rmse(double[] predicted, double[] truth) {
        double squares = 0;
        for (int i = 0; i < truth.length; i++) {
            double h = predicted[i] - truth[i];
            squares += h * h;
        }
        return Math.sqrt(squares / truth.length);
    }

    /** The PHM08 score: late estimates ({@code h >= 0}) cost {@code e^(h/10) - 1}, early ones {@code e^(-h/13) - 1}. */
    static double phm08(double[] predicted, double[] truth) {
        double score = 0;
        for (int i = 0; i < truth.length; i++) {
            double h = predicted[i] - truth[i];
            score += h < 0 ? Math.exp(-h / 13) - 1 : Math.exp(h / 10) - 1;
        }
        return score;
    }

    /** Trains on the subset's training engines and scores its test engines. */
    public static Result run(Path cmapssDir, String subset) throws IOException {
        return evaluate(cmapssDir, subset, train(cmapssDir, subset));
    }

    static Result evaluate(Path cmapssDir, String subset, Estimator estimator) throws IOException {
        Collection<List<double[]>> engines =
                read(file(cmapssDir, "test", subset)).values();
        Estimate[] estimates = predict(engines, estimator, DEFAULT);
        double[] truth = trueRul(cmapssDir, subset);
        if (estimates.length != truth.length) {
            throw new IOException(
                    subset + ": " + estimates.length + " test engines but " + truth.length + " true RULs");
        }
        double[] predicted =
                Arrays.stream(estimates).mapToDouble(Estimate::cycles).toArray();
        int fromPrior =
                (int) Arrays.stream(estimates).filter(e -> !e.fromModel()).count();
        int[] history = engines.stream().mapToInt(List::size).toArray();
        int shortest = Arrays.stream(history).min().orElse(0);
        String method = "ComputeHealthScore's HealthEngine replayed cycle by cycle (features "
                + estimator.model().layout() + " of each engine's streaming state: 14 sensors, context "
                + String.join(",", CONTEXT_FIELDS)
                + " as Operating Regimes (distance " + CONTEXT.regimeDistance() + ", at most "
                + CONTEXT.maxRegimes() + ")"
                + (DEFAULT.fleetNormalisation()
                        ? ", sensors normalised by the training fleet's regimes (in the model file)"
                        : "")
                + ", baseline "
                + DEFAULT.baseline() + " cycles, EWMA " + DEFAULT.fastAlpha() + "/" + DEFAULT.slowAlpha()
                + (estimator.model().beyondCap() != null
                        ? ", an estimate at the cap given " + DEFAULT.lifeBeyondCap()
                                + " of the training fleet's mean life beyond it at the engine's age"
                        : "")
                + " through a 'RUL Model File' exactly as ComputeHealthScore applies it per reading; an engine"
                + " shorter than the baseline gets the training fleet's mean capped RUL at its age";
        double[] cappedTruth =
                Arrays.stream(truth).map(t -> Math.min(t, DEFAULT.cap())).toArray();
        return new Result(
                subset,
                rmse(predicted, truth),
                phm08(predicted, truth),
                rmse(predicted, cappedTruth),
                truth.length,
                fromPrior,
                shortest,
                method,
                ErrorBreakdown.byTrueRul(predicted, truth),
                ErrorBreakdown.byHistory(predicted, truth, history));
    }

    private static String learner(int trees) {
        return DEFAULT.learner() == Learner.BOOSTING
                ? String.format(
                        Locale.ROOT,
                        "Smile gradient boosting (%d rounds of at most %d leaves, shrinkage %s, subsample %s, node size %d)",
                        trees,
                        DEFAULT.maxNodes() > 0 ? DEFAULT.maxNodes() : BOOSTING_LEAVES,
                        SHRINKAGE,
                        SUBSAMPLE,
                        DEFAULT.nodeSize())
                : String.format(Locale.ROOT, "Smile random forest (%d trees, node size %d)", trees, DEFAULT.nodeSize());
    }

    /** The published RMSEs of a subset (datasets README), for the table; empty for other subsets. */
    public static String published(String subset) {
        return switch (subset) {
            case "FD001" -> "CNN 18.45, deep LSTM 16.14, best recent ~11-12";
            case "FD002" -> "CNN 30.29, deep LSTM 24.49, best recent ~13-15";
            case "FD003" -> "CNN 19.82, deep LSTM 16.18, best recent ~11-12";
            default -> "";
        };
    }

    /**
     * {@code CmapssEvaluation [cmapss dir] [FD001 FD002 ...] [--models <folder>]}: for each subset (default: every
     * complete subset in the folder) trains on its training engines and prints RMSE and PHM08 on its test engines
     * beside the published results; with {@code --models}, writes each subset's model for ComputeHealthScore's
     * 'RUL Model File' as {@code <folder>/<subset>-rul.json}.
     */
    public static void main(String[] args) throws IOException {
        System.setProperty("org.slf4j.simpleLogger.log.smile", "warn"); // Smile logs every tree otherwise
        Path dir = null;
        Path models = null;
        List<String> subsets = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--models") && i + 1 < args.length) {
                models = Path.of(args[++i]);
            } else if (SUBSET.matcher(args[i]).matches()) {
                subsets.add(args[i]);
            } else if (dir == null && !args[i].startsWith("--")) {
                dir = Path.of(args[i]);
            } else {
                System.err.println("usage: CmapssEvaluation [cmapss dir] [FD001 FD002 ...] [--models <folder>]");
                System.exit(2);
            }
        }
        if (dir == null) {
            dir = locate();
        }
        List<String> present = available(dir);
        if (subsets.isEmpty()) {
            subsets = present;
        }
        List<String> missing =
                subsets.stream().filter(s -> !present.contains(s)).toList();
        if (dir == null || subsets.isEmpty() || !missing.isEmpty()) {
            System.err.println("C-MAPSS " + (missing.isEmpty() ? "data" : String.join(", ", missing))
                    + " not found in "
                    + (dir == null
                            ? "any shared/datasets/cmapss above " + Path.of("").toAbsolutePath()
                            : dir)
                    + ": expected train_<subset>.txt, test_<subset>.txt and RUL_<subset>.txt."
                    + " Pass the folder as the first argument.");
            System.exit(2);
        }
        List<Result> results = new ArrayList<>();
        List<String> withoutBeyondCap = new ArrayList<>();
        for (String subset : subsets) {
            Estimator estimator = train(dir, subset);
            if (models != null) {
                Path out = models.resolve(subset + "-rul.json");
                Files.createDirectories(models);
                estimator.model().write(out);
                System.out.println("Model written to " + out.toAbsolutePath());
            }
            results.add(evaluate(dir, subset, estimator));
            if (estimator.model().beyondCap() != null) {
                // the same trees alone: what the life beyond the cap changes
                Result trees =
                        evaluate(dir, subset, new Estimator(estimator.model().withBeyondCap(null), estimator.prior()));
                withoutBeyondCap.add(String.format(
                        Locale.ROOT,
                        "%s without the life beyond the cap: RMSE %.2f, PHM08 %.1f, RMSE truth<=%d %.2f",
                        subset,
                        trees.rmse(),
                        trees.phm08(),
                        DEFAULT.cap(),
                        trees.rmseCappedTruth()));
            }
        }
        System.out.println("Method: " + results.get(0).method());
        System.out.printf(
                Locale.ROOT,
                "%-6s %8s %8s %10s %14s %14s  %s%n",
                "subset",
                "engines",
                "RMSE",
                "PHM08",
                "RMSE truth<=" + DEFAULT.cap(),
                "prior answers",
                "published RMSE");
        for (Result r : results) {
            System.out.printf(
                    Locale.ROOT,
                    "%-6s %8d %8.2f %10.1f %14.2f %14d  %s%n",
                    r.subset(),
                    r.engines(),
                    r.rmse(),
                    r.phm08(),
                    r.rmseCappedTruth(),
                    r.priorEstimates(),
                    published(r.subset()));
        }
        withoutBeyondCap.forEach(System.out::println);
        for (Result r : results) {
            System.out.println(r.subset() + " by true RUL: " + ErrorBreakdown.format(r.byTrueRul()));
            System.out.println(r.subset() + " by history: " + ErrorBreakdown.format(r.byHistory()));
        }
    }
}
