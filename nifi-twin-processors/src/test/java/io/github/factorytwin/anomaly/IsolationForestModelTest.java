package io.github.factorytwin.anomaly;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import smile.anomaly.IsolationForest;
import smile.anomaly.IsolationTree;
import smile.math.MathEx;

class IsolationForestModelTest {

    static final List<String> NAMES = List.of("temperature", "vibration", "rpm");

    static IsolationForestModel model(long seed) {
        return IsolationForestModel.fit(NAMES, new Readings(1).normal(1000), 100, 256, seed);
    }

    /**
     * The walking layout (every unrolled dimension and the generic dot product, trees in lockstep groups of sixteen and
     * those left over) scores exactly as a plain node-by-node walk of the same trees.
     */
    @Test
    void walkingLayoutScoresExactlyAsANodeByNodeWalkOfTheTrees() {
        Random random = new Random(5);
        for (int d : new int[] {1, 2, 3, 4, 9}) {
            double[][] data = gaussianRows(random, 600, d);
            for (int trees : new int[] {1, 16, 21, 35}) {
                IsolationForestModel model = IsolationForestModel.fit(names(d), data, trees, 128, d);
                NodeByNode reference = new NodeByNode(model);
                for (int i = 0; i < 500; i++) {
                    double[] x = new double[d];
                    for (int j = 0; j < d; j++) {
                        x[j] = j + (j + 1) * random.nextGaussian() * (i % 5 == 0 ? 4 : 1);
                    }
                    assertEquals(
                            reference.score(model.standardise(x)),
                            model.forestScore(x),
                            0.0,
                            d + " features, " + trees + " trees, row " + i);
                }
            }
        }
    }

    /**
     * With the subsample as large as the data, every tree holds every row exactly once (drawn without replacement):
     * each leaf's path length is its depth plus c(rows reaching it), and no leaf lies deeper than ceil(log2(psi)).
     */
    @Test
    void everyTreeHoldsItsSubsampleOnceWithinTheDepthLimit() {
        double[][] data = gaussianRows(new Random(8), 200, 3);
        IsolationForestModel model = IsolationForestModel.fit(names(3), data, 20, 200, 3);
        NodeByNode trees = new NodeByNode(model);
        int maxDepth = (int) Math.ceil(Math.log(200) / Math.log(2));
        for (int t = 0; t < model.numberOfTrees(); t++) {
            Map<Integer, Integer> rowsPerLeaf = new HashMap<>();
            Map<Integer, Integer> depthOfLeaf = new HashMap<>();
            for (double[] row : data) {
                int[] leafAndDepth = trees.leaf(t, model.standardise(row));
                rowsPerLeaf.merge(leafAndDepth[0], 1, Integer::sum);
                depthOfLeaf.put(leafAndDepth[0], leafAndDepth[1]);
            }
            for (Map.Entry<Integer, Integer> leaf : rowsPerLeaf.entrySet()) {
                int rows = leaf.getValue();
                int depth = depthOfLeaf.get(leaf.getKey());
                assertTrue(depth <= maxDepth, "tree " + t + ": leaf at depth " + depth);
                double expected = depth + (rows > 1 ? IsolationForestModel.averagePathLength(rows) : 0);
                assertEquals(expected, trees.value[leaf.getKey()], 1e-12, "tree " + t + ", leaf " + leaf.getKey());
            }
        }
    }

    /** c(n), which normalises every score, is Smile's: a one-leaf Smile tree of n rows has path length c(n). */
    @Test
    void averagePathLengthIsSmiles() {
        for (int n : new int[] {2, 3, 7, 128, 256, 1000, 1 << 20}) {
            List<double[]> rows = java.util.Collections.nCopies(n, new double[] {1.0});
            IsolationTree leaf = new IsolationTree(rows, 0, 0);
            assertEquals(leaf.path(new double[] {1.0}), IsolationForestModel.averagePathLength(n), 0.0, "n = " + n);
            // And Smile's forest divides by c(subsample size) as the model does.
            IsolationForest forest = new IsolationForest(256, 0, leaf);
            assertEquals(
                    Math.pow(
                            2.0,
                            -IsolationForestModel.averagePathLength(n) / IsolationForestModel.averagePathLength(256)),
                    forest.score(new double[] {1.0}),
                    0.0,
                    "n = " + n);
        }
    }

    /**
     * Smile's public Isolation Forest, grown on the same standardised rows with the same subsample size, depth limit
     * and extension level, cannot equal ours tree by tree (their random draws differ), but ours must agree with it
     * as closely as a second Smile forest (other random draws) does: scores ranked alike, the same outliers, no
     * shift of the scores; and both must put injected anomalies above their 99th percentile of normal readings, a
     * typical reading below 0.5 and a far one above 0.6.
     */
    @Test
    void agreesWithSmilesIsolationForestAsCloselyAsSmileAgreesWithItself() {
        for (long seed = 1; seed <= 3; seed++) {
            double[][] data = new Readings(seed).normal(1000);
            IsolationForestModel model = IsolationForestModel.fit(NAMES, data, 100, 256, seed);
            MathEx.setSeed(seed); // Smile's trees draw from its per-thread generator
            IsolationForest smile = smileForest(model, data, 100, 256, new Random(seed));
            IsolationForest otherSmile = smileForest(model, data, 100, 256, new Random(seed + 100));

            List<double[]> normal = List.of(new Readings(99 + seed).normal(2000));
            double[] ours = new double[normal.size()];
            double[] theirs = new double[normal.size()];
            double[] theirsAgain = new double[normal.size()];
            for (int i = 0; i < normal.size(); i++) {
                double[] z = model.standardise(normal.get(i));
                ours[i] = model.forestScore(normal.get(i));
                theirs[i] = smile.score(z);
                theirsAgain[i] = otherSmile.score(z);
            }
            String label = "data set " + seed + ": ";
            double rho = spearman(ours, theirs);
            double smileRho = spearman(theirsAgain, theirs);
            assertTrue(rho > 0.8 && rho > smileRho - 0.1, label + "rank correlation " + rho + ", Smile's " + smileRho);
            int shared = sharedTop(ours, theirs, 100);
            int smileShared = sharedTop(theirsAgain, theirs, 100);
            assertTrue(shared >= smileShared - 15, label + "top 5% shared " + shared + ", Smile's " + smileShared);
            double difference = meanAbsoluteDifference(ours, theirs);
            double smileDifference = meanAbsoluteDifference(theirsAgain, theirs);
            assertTrue(
                    difference < 1.5 * smileDifference,
                    label + "mean score difference " + difference + ", Smile's " + smileDifference);
            assertEquals(mean(theirs), mean(ours), 0.015, label + "mean score");

            double ourP99 = Arrays.stream(ours).sorted().toArray()[(int) (0.99 * ours.length)];
            double smileP99 = Arrays.stream(theirs).sorted().toArray()[(int) (0.99 * theirs.length)];
            for (double[] anomaly :
                    List.of(Readings.vibrationSpike(), Readings.temperatureDrift(), Readings.correlationBreak())) {
                String which = label + Arrays.toString(anomaly);
                assertTrue(model.forestScore(anomaly) > ourP99, which);
                assertTrue(smile.score(model.standardise(anomaly)) > smileP99, which);
            }
            double[] centre = {75, Readings.vibrationAt(3000), 3000};
            double[] far = Readings.vibrationSpike();
            assertTrue(model.forestScore(centre) < 0.5 && smile.score(model.standardise(centre)) < 0.5, label);
            assertTrue(model.forestScore(far) > 0.6 && smile.score(model.standardise(far)) > 0.6, label);
        }
    }

    /** Fits on one data set and seed in two threads at once give the same model, byte for byte, as a fit alone. */
    @Test
    void concurrentFitsWithTheSameSeedGiveTheSameModel() throws Exception {
        double[][] data = new Readings(4).normal(1000);
        byte[] alone = ModelFormatTest.bytes(IsolationForestModel.fit(NAMES, data, 100, 256, 21));
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            CyclicBarrier start = new CyclicBarrier(2);
            Callable<List<byte[]>> fits = () -> {
                start.await();
                List<byte[]> models = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    models.add(ModelFormatTest.bytes(IsolationForestModel.fit(NAMES, data, 100, 256, 21)));
                    // Another seed in between: a fit must not disturb the other thread's generator.
                    IsolationForestModel.fit(NAMES, data, 10, 256, 1000 + i);
                }
                return models;
            };
            List<Future<List<byte[]>>> results = pool.invokeAll(List.of(fits, fits));
            for (Future<List<byte[]>> result : results) {
                for (byte[] model : result.get()) {
                    assertArrayEquals(alone, model);
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void injectedAnomaliesScoreHigherThanEveryNormalReading() {
        IsolationForestModel model = model(42);
        double[] normalScores = Arrays.stream(new Readings(2).normal(2000))
                .mapToDouble(model::score)
                .sorted()
                .toArray();
        double p99 = normalScores[(int) (0.99 * normalScores.length)];
        double spike = model.score(Readings.vibrationSpike());
        double drift = model.score(Readings.temperatureDrift());
        double broken = model.score(Readings.correlationBreak());
        double[] fresh = Arrays.stream(new Readings(3).normal(20000))
                .mapToDouble(model::score)
                .toArray();
        double above65 = Arrays.stream(fresh).filter(s -> s >= 0.65).count() / (double) fresh.length;
        double above60 = Arrays.stream(fresh).filter(s -> s >= 0.6).count() / (double) fresh.length;
        System.out.printf("normal readings >= 0.65: %.4f, >= 0.60: %.4f%n", above65, above60);
        assertTrue(above65 < 0.005, "the default threshold flags well under 0.5% of normal readings");
        assertTrue(above60 < 0.03);
        System.out.printf(
                "normal median %.3f p99 %.3f max %.3f; spike %.3f drift %.3f break %.3f%n",
                normalScores[normalScores.length / 2],
                p99,
                normalScores[normalScores.length - 1],
                spike,
                drift,
                broken);
        assertTrue(spike > p99 && drift > p99 && broken > p99, "anomalies above the 99th normal percentile");
        assertTrue(spike >= 0.95 && drift >= 0.95, "readings far outside the training range score close to 1");
        assertTrue(broken >= 0.6, "a correlation break reaches 0.6");
        assertTrue(normalScores[normalScores.length / 2] < 0.5, "typical normal readings score below 0.5");
        for (double s : normalScores) {
            assertTrue(s > 0 && s <= 1);
        }
    }

    @Test
    void sameSeedSameModelDifferentSeedDifferentModel() {
        double[] x = Readings.correlationBreak();
        assertEquals(model(5).score(x), model(5).score(x), 0.0);
        assertNotEquals(model(5).score(x), model(6).score(x));
        assertNotEquals(model(5).score(x), model(-5).score(x));
        assertNotEquals(model(5).score(x), model(5 + 899_999_963L).score(x));
    }

    @Test
    void explanationNamesTheSensorOutsideItsNormalRange() {
        IsolationForestModel model = model(42);
        Explanation spike = model.explain(Readings.vibrationSpike(), true, List.of());
        assertEquals("vibration", spike.feature());
        assertEquals(Explanation.Position.ABOVE, spike.position());
        assertTrue(spike.text().matches("vibration=3\\.20 above normal 0\\.\\d\\d\\.\\.1\\.\\d\\d"), spike.text());

        Explanation drift = model.explain(Readings.temperatureDrift(), true, List.of());
        assertEquals("temperature", drift.feature());
        assertTrue(drift.text().startsWith("temperature=92.00 above normal 7"), drift.text());

        Explanation broken = model.explain(Readings.correlationBreak(), true, List.of("rpm"));
        assertEquals(Explanation.Position.WITHIN, broken.position());
        assertTrue(broken.feature().equals("vibration") || broken.feature().equals("rpm"), broken.feature());
        assertTrue(broken.text().contains("unusual in combination"), broken.text());
        assertTrue(broken.text().endsWith("(imputed from the machine's last value: rpm)"), broken.text());
    }

    @Test
    void explanationWithoutTextNamesTheSameFeature() {
        IsolationForestModel model = model(42);
        for (double[] x :
                List.of(Readings.vibrationSpike(), Readings.temperatureDrift(), Readings.correlationBreak())) {
            for (boolean anomalous : new boolean[] {true, false}) {
                Explanation full = model.explain(x, anomalous, List.of());
                Explanation lean = model.explain(x, anomalous, List.of(), false);
                assertNull(lean.text());
                assertEquals(
                        new Explanation(
                                full.feature(),
                                full.value(),
                                full.normalLow(),
                                full.normalHigh(),
                                full.position(),
                                null),
                        lean);
            }
        }
    }

    @Test
    void numbersAreFormattedForOperators() {
        assertEquals("3.20", IsolationForestModel.format(3.2));
        assertEquals("-0.57", IsolationForestModel.format(-0.5701));
        assertEquals("1500.00", IsolationForestModel.format(1500));
        assertEquals("1.05", IsolationForestModel.format(1.049999));
        assertEquals("0.00", IsolationForestModel.format(0));
        assertEquals("0.0123", IsolationForestModel.format(0.01234));
        assertEquals("1.00e+300", IsolationForestModel.format(1e300));
    }

    @Test
    void rejectsUnusableTrainingData() {
        assertThrows(
                IllegalArgumentException.class, () -> IsolationForestModel.fit(NAMES, new double[1][3], 10, 256, 1));
        double[][] nan = new Readings(1).normal(20);
        nan[3][1] = Double.NaN;
        assertThrows(IllegalArgumentException.class, () -> IsolationForestModel.fit(NAMES, nan, 10, 256, 1));
    }

    static List<String> names(int d) {
        List<String> names = new ArrayList<>();
        for (int j = 0; j < d; j++) {
            names.add("f" + j);
        }
        return names;
    }

    static double[][] gaussianRows(Random random, int n, int d) {
        double[][] data = new double[n][d];
        for (double[] row : data) {
            for (int j = 0; j < d; j++) {
                row[j] = j + (j + 1) * random.nextGaussian();
            }
        }
        return data;
    }

    /**
     * Smile's forest through its public API: trees on random subsamples (without replacement) of the model's
     * standardised training rows, with the model's depth limit and extension level d - 1.
     */
    private static IsolationForest smileForest(
            IsolationForestModel model, double[][] data, int trees, int psi, Random random) {
        int d = model.featureNames().size();
        int maxDepth = (int) Math.ceil(Math.log(psi) / Math.log(2));
        List<double[]> standardised = new ArrayList<>();
        for (double[] row : data) {
            standardised.add(model.standardise(row));
        }
        IsolationTree[] grown = new IsolationTree[trees];
        for (int t = 0; t < trees; t++) {
            java.util.Collections.shuffle(standardised, random);
            grown[t] = new IsolationTree(new ArrayList<>(standardised.subList(0, psi)), maxDepth, d - 1);
        }
        return new IsolationForest(psi, d - 1, grown);
    }

    private static double spearman(double[] a, double[] b) {
        double[] ra = ranks(a);
        double[] rb = ranks(b);
        double mean = (a.length - 1) / 2.0;
        double cov = 0;
        double va = 0;
        double vb = 0;
        for (int i = 0; i < a.length; i++) {
            cov += (ra[i] - mean) * (rb[i] - mean);
            va += (ra[i] - mean) * (ra[i] - mean);
            vb += (rb[i] - mean) * (rb[i] - mean);
        }
        return cov / Math.sqrt(va * vb);
    }

    private static double[] ranks(double[] values) {
        Integer[] order = new Integer[values.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (x, y) -> Double.compare(values[x], values[y]));
        double[] ranks = new double[values.length];
        for (int i = 0; i < order.length; i++) {
            ranks[order[i]] = i;
        }
        return ranks;
    }

    /** How many of the {@code k} highest scores of {@code a} are among the {@code k} highest of {@code b}. */
    private static int sharedTop(double[] a, double[] b, int k) {
        Set<Integer> shared = top(a, k);
        shared.retainAll(top(b, k));
        return shared.size();
    }

    private static Set<Integer> top(double[] scores, int k) {
        Integer[] order = new Integer[scores.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (x, y) -> Double.compare(scores[y], scores[x]));
        return new HashSet<>(Arrays.asList(order).subList(0, k));
    }

    private static double meanAbsoluteDifference(double[] a, double[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += Math.abs(a[i] - b[i]);
        }
        return sum / a.length;
    }

    private static double mean(double[] values) {
        return Arrays.stream(values).average().orElseThrow();
    }

    /** The trees walked node by node, as a plain recursive evaluation over the model file's arrays. */
    private static final class NodeByNode {
        final int d;
        final int[] roots;
        final int[] right;
        final double[] value;
        final double[] planes;
        final double c;

        NodeByNode(IsolationForestModel model) {
            d = model.featureNames().size();
            roots = model.roots();
            right = model.right();
            value = model.value();
            planes = model.planes();
            c = IsolationForestModel.averagePathLength(model.subsampleSize());
        }

        double score(double[] z) {
            double sum = 0;
            for (int root : roots) {
                sum += value[leaf(root, z, 0)[0]];
            }
            return Math.pow(2.0, -(sum / roots.length) / c);
        }

        /** The leaf {@code z} reaches in tree {@code t}, and its depth. */
        int[] leaf(int t, double[] z) {
            return leaf(roots[t], z, 0);
        }

        private int[] leaf(int node, double[] z, int depth) {
            if (right[node] < 0) {
                return new int[] {node, depth};
            }
            double dot = 0;
            for (int j = 0; j < d; j++) {
                dot += z[j] * planes[node * d + j];
            }
            return leaf(dot < value[node] ? node + 1 : right[node], z, depth + 1);
        }
    }
}
