package io.github.factorytwin.evaluation.cmapss;

import io.github.factorytwin.health.HealthConfig;
import io.github.factorytwin.health.HealthEngine;
import io.github.factorytwin.health.MachineState;
import io.github.factorytwin.health.Reading;
import io.github.factorytwin.health.RulFeatures;
import io.github.factorytwin.health.RulModel;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import smile.base.cart.InternalNode;
import smile.base.cart.Node;
import smile.base.cart.OrdinalNode;
import smile.base.cart.RegressionNode;
import smile.data.DataFrame;
import smile.data.formula.Formula;
import smile.regression.RandomForest;
import smile.regression.RegressionTree;

/**
 * Remaining-useful-life estimation on NASA C-MAPSS FD001 with ComputeHealthScore's own engine.
 *
 * <p>Method (stated as measured, nothing tuned on the test set):
 *
 * <ol>
 *   <li>Every engine is a machine and every cycle a reading (timestamp = cycle seconds), replayed in order through
 *       {@link HealthEngine#update} with the 14 informative sensors (s2, s3, s4, s7, s8, s9, s11, s12, s13, s14,
 *       s15, s17, s20, s21; the others are constant in FD001) and a baseline of the first 20
 *       cycles.
 *   <li>Training: after every cycle of the 100 training engines (once the baseline is learned) the streaming
 *       feature vector {@link RulFeatures} of the machine's state is recorded with the piece-wise linear target
 *       {@code min(remaining cycles, 125)}. A Smile random forest is fitted to these rows and exported to the
 *       data-only JSON {@link RulModel} format.
 *   <li>The options ({@link #DEFAULT}: EWMA weights, trend window, forest) were chosen by 5-fold
 *       cross-validation on the training engines ({@link CmapssValidation}), not on the test engines.
 *   <li>Test: the 100 test engines are replayed through a {@link HealthEngine} that holds the exported model,
 *       exactly as ComputeHealthScore does with its 'RUL Model File' property; the estimate is the engine's
 *       {@code estimated_time_to_maintenance} after the last cycle, compared with RUL_FD001.txt (not capped).
 * </ol>
 */
public final class CmapssEvaluation {

    /** RMSE and PHM08 score over the test engines, as in the datasets README. */
    public record Result(double rmse, double phm08, int engines, String method) {}

    /** The knobs of the method; {@link #DEFAULT} is what {@link #run} uses. */
    public record Options(
            int baseline,
            double fastAlpha,
            double slowAlpha,
            int trendWindow,
            int trees,
            int nodeSize,
            int maxDepth,
            int maxNodes) {}

    public static final Options DEFAULT = new Options(20, 0.3, 0.05, 60, 200, 5, 20, 0);

    static final List<Integer> SENSOR_COLUMNS = List.of(2, 3, 4, 7, 8, 9, 11, 12, 13, 14, 15, 17, 20, 21);
    static final int CAP = 125;
    static final long SEED = 20_260_125L;

    private CmapssEvaluation() {}

    static List<String> sensorNames() {
        return SENSOR_COLUMNS.stream().map(s -> "s" + s).toList();
    }

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
                null); // C-MAPSS has no load sensor
    }

    /**
     * The FD001 folder: system property {@code twin.cmapss.dir} if set, else the first {@code shared/datasets/cmapss}
     * found from the working directory upwards (the project keeps datasets in {@code ../shared/datasets}); null when
     * there is none.
     */
    public static Path locate() {
        String configured = System.getProperty("twin.cmapss.dir");
        if (configured != null) {
            Path dir = Path.of(configured);
            return Files.isRegularFile(dir.resolve("train_FD001.txt")) ? dir : null;
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("shared/datasets/cmapss");
            if (Files.isRegularFile(candidate.resolve("train_FD001.txt"))) {
                return candidate;
            }
        }
        return null;
    }

    /** Each engine's rows (cycle order), sensor values only. */
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
            double[] sensors = new double[SENSOR_COLUMNS.size()];
            for (int i = 0; i < sensors.length; i++) {
                // columns: unit, cycle, 3 settings, s1..s21 -> sensor k is column 4 + k
                sensors[i] = Double.parseDouble(cols[4 + SENSOR_COLUMNS.get(i)]);
            }
            engines.computeIfAbsent(unit, k -> new ArrayList<>()).add(sensors);
        }
        return engines;
    }

    static Reading reading(int cycle, double[] sensors) {
        return new Reading(cycle * 1000L, sensors, Double.NaN, false);
    }

    /** Trains the forest on the training engines' streaming features and exports it as a {@link RulModel}. */
    public static RulModel train(Path cmapssDir) throws IOException {
        return train(read(cmapssDir.resolve("train_FD001.txt")).values(), DEFAULT);
    }

    static RulModel train(java.util.Collection<List<double[]>> trainingEngines, Options options) {
        HealthEngine engine = new HealthEngine(config(options), null);
        List<double[]> rows = new ArrayList<>();
        for (List<double[]> cycles : trainingEngines) {
            MachineState state = engine.newState();
            for (int c = 0; c < cycles.size(); c++) {
                engine.update("train", state, reading(c + 1, cycles.get(c)));
                if (c + 1 >= options.baseline()) {
                    double[] x = RulFeatures.of(state);
                    double[] row = new double[x.length + 1];
                    System.arraycopy(x, 0, row, 0, x.length);
                    row[x.length] = Math.min(CAP, cycles.size() - (c + 1));
                    rows.add(row);
                }
            }
        }
        int features = rows.get(0).length - 1;
        String[] names = new String[features + 1];
        for (int i = 0; i < features; i++) {
            names[i] = "f" + i;
        }
        names[features] = "rul";
        DataFrame data = DataFrame.of(rows.toArray(double[][]::new), names);
        int trees = options.trees();
        long[] seeds = new long[trees];
        for (int i = 0; i < trees; i++) {
            seeds[i] = SEED + i;
        }
        RandomForest forest = RandomForest.fit(
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
        RulModel model = export(forest, sensorNames());
        // The exported trees must predict exactly what Smile's forest predicts.
        for (int i = 0; i < rows.size(); i += 97) {
            double[] x = java.util.Arrays.copyOf(rows.get(i), features);
            double smile = forest.predict(data.get(i));
            double ours = model.predict(x);
            if (Math.abs(smile - ours) > 1e-6) {
                throw new IllegalStateException("exported model differs from Smile's: " + ours + " vs " + smile);
            }
        }
        return model;
    }

    /** Smile's regression trees as a {@link RulModel}: mean of the trees, children numbered after parents. */
    static RulModel export(RandomForest forest, List<String> sensors) {
        RegressionTree[] trees = forest.trees();
        int n = trees.length;
        int[][] feature = new int[n][];
        double[][] threshold = new double[n][];
        int[][] left = new int[n][];
        int[][] right = new int[n][];
        double[][] value = new double[n][];
        for (int t = 0; t < n; t++) {
            List<Node> nodes = new ArrayList<>();
            collect(trees[t].root(), nodes);
            int size = nodes.size();
            feature[t] = new int[size];
            threshold[t] = new double[size];
            left[t] = new int[size];
            right[t] = new int[size];
            value[t] = new double[size];
            java.util.IdentityHashMap<Node, Integer> index = new java.util.IdentityHashMap<>();
            for (int i = 0; i < size; i++) {
                index.put(nodes.get(i), i);
            }
            for (int i = 0; i < size; i++) {
                Node node = nodes.get(i);
                if (node instanceof OrdinalNode split) {
                    feature[t][i] = split.feature();
                    threshold[t][i] = splitValue(split);
                    left[t][i] = index.get(split.trueChild());
                    right[t][i] = index.get(split.falseChild());
                } else if (node instanceof RegressionNode leaf) {
                    feature[t][i] = -1;
                    value[t][i] = leaf.output();
                } else {
                    throw new IllegalStateException("unexpected tree node " + node.getClass());
                }
            }
        }
        return new RulModel(sensors, 0, 1.0 / n, feature, threshold, left, right, value);
    }

    private static void collect(Node node, List<Node> out) {
        out.add(node);
        if (node instanceof InternalNode internal) {
            collect(internal.trueChild(), out);
            collect(internal.falseChild(), out);
        }
    }

    /** Smile 4.4 keeps an ordinal split's threshold in a package-private field; read it once, at export. */
    private static double splitValue(OrdinalNode node) {
        try {
            Field field = OrdinalNode.class.getDeclaredField("value");
            field.setAccessible(true);
            return field.getDouble(node);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read the split value of Smile's OrdinalNode", e);
        }
    }

    /** Replays the test engines through an engine holding {@code model}; the estimate after each last cycle. */
    static double[] predictTest(Path cmapssDir, RulModel model) throws IOException {
        return predict(read(cmapssDir.resolve("test_FD001.txt")).values(), model, DEFAULT);
    }

    static double[] predict(java.util.Collection<List<double[]>> engines, RulModel model, Options options) {
        HealthEngine engine = new HealthEngine(config(options), model);
        List<double[]> predictions = new ArrayList<>();
        for (List<double[]> cycles : engines) {
            MachineState state = engine.newState();
            HealthEngine.Outcome last = null;
            for (int c = 0; c < cycles.size(); c++) {
                last = engine.update("test", state, reading(c + 1, cycles.get(c)));
            }
            if (last == null || last.timeToMaintenance() == null) {
                throw new IllegalStateException("no estimate for a test engine of " + cycles.size() + " cycles");
            }
            predictions.add(new double[] {last.timeToMaintenance()});
        }
        return predictions.stream().mapToDouble(p -> p[0]).toArray();
    }

    static double[] trueRul(Path cmapssDir) throws IOException {
        return Files.readAllLines(cmapssDir.resolve("RUL_FD001.txt")).stream()
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .mapToDouble(Double::parseDouble)
                .toArray();
    }

    /** Trains on the training engines, scores the 100 test engines. */
    public static Result run(Path cmapssDir) throws IOException {
        return evaluate(cmapssDir, train(cmapssDir));
    }

    static Result evaluate(Path cmapssDir, RulModel model) throws IOException {
        double[] predicted = predictTest(cmapssDir, model);
        double[] truth = trueRul(cmapssDir);
        if (predicted.length != truth.length) {
            throw new IOException(predicted.length + " test engines but " + truth.length + " true RULs");
        }
        double squares = 0;
        double phm = 0;
        for (int i = 0; i < truth.length; i++) {
            double h = predicted[i] - truth[i];
            squares += h * h;
            phm += h < 0 ? Math.exp(-h / 13) - 1 : Math.exp(h / 10) - 1;
        }
        String method = "ComputeHealthScore's HealthEngine replayed cycle by cycle (features " + RulFeatures.LAYOUT
                + " of each engine's streaming state: 14 sensors, baseline " + DEFAULT.baseline() + " cycles, EWMA "
                + DEFAULT.fastAlpha() + "/" + DEFAULT.slowAlpha() + ", trend window " + DEFAULT.trendWindow()
                + ") + Smile random forest (" + model.trees() + " trees, node size " + DEFAULT.nodeSize()
                + ") trained on the 100 training engines with target min(RUL, " + CAP + "); options chosen by"
                + " 5-fold cross-validation on the training engines (CmapssValidation); applied through a"
                + " 'RUL Model File' exactly as ComputeHealthScore applies it per reading";
        return new Result(Math.sqrt(squares / truth.length), phm, truth.length, method);
    }

    /**
     * {@code CmapssEvaluation [cmapss dir] [model output file]}: prints RMSE and PHM08 beside the published
     * results and, when asked, writes the model for ComputeHealthScore's 'RUL Model File'.
     */
    public static void main(String[] args) throws IOException {
        System.setProperty("org.slf4j.simpleLogger.log.smile", "warn"); // Smile logs every tree otherwise
        Path dir = args.length > 0 ? Path.of(args[0]) : locate();
        if (dir == null || !Files.isRegularFile(dir.resolve("train_FD001.txt"))) {
            System.err.println("C-MAPSS FD001 not found ("
                    + (dir == null
                            ? "no shared/datasets/cmapss above " + Path.of("").toAbsolutePath()
                            : dir.toAbsolutePath())
                    + "): expected train_FD001.txt,"
                    + " test_FD001.txt, RUL_FD001.txt. Pass the folder as the first argument.");
            System.exit(2);
        }
        RulModel model = train(dir);
        if (args.length > 1) {
            model.write(Path.of(args[1]));
            System.out.println("Model written to " + Path.of(args[1]).toAbsolutePath());
        }
        Result result = evaluate(dir, model);
        System.out.println("C-MAPSS FD001, " + result.engines() + " test engines");
        System.out.println("Method: " + result.method());
        System.out.printf("%-34s %8s %10s%n", "model", "RMSE", "PHM08");
        System.out.printf("%-34s %8.2f %10.1f%n", "this project", result.rmse(), result.phm08());
        System.out.printf("%-34s %8.2f %10s%n", "CNN (Babu 2016)", 18.45, "-");
        System.out.printf("%-34s %8.2f %10s%n", "deep LSTM (Zheng 2017)", 16.14, "-");
        System.out.printf("%-34s %8s %10s%n", "attention / TCN (recent)", "11-12.5", "-");
    }
}
