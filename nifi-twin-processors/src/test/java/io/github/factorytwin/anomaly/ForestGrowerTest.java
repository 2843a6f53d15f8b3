package io.github.factorytwin.anomaly;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link ForestGrower} grows, bit for bit, the trees of the grower it replaced ({@link ReferenceForestGrower}, which
 * reads each row where it lies): the same roots, right children, leaf path lengths and thresholds, and hyperplanes,
 * so the same scores; and {@link IsolationForestModel#fit} standardises as it did (quantiles of the sorted columns).
 */
class ForestGrowerTest {

    private static final long[] SEEDS = {0, 42, -7, Long.MIN_VALUE};

    @Test
    void growsTheTreesOfTheReferenceGrowerBitForBit() {
        Random random = new Random(11);
        int cases = 0;
        for (int d : new int[] {1, 2, 3, 7}) {
            for (int n : new int[] {2, 10, 257, 3000}) {
                for (double[][] rows : datasets(random, n, d)) {
                    for (int psi : subsampleSizes(n)) {
                        for (long seed : SEEDS) {
                            String what = String.format(Locale.ROOT, "d=%d n=%d psi=%d seed=%d", d, n, psi, seed);
                            ForestGrower.Trees expected = new ReferenceForestGrower(rows, psi, seed).grow(12);
                            ForestGrower.Trees actual = new ForestGrower(asGiven(rows, psi), psi, seed).grow(12);
                            assertSameTrees(expected, actual, what);
                            assertSameScores(expected, actual, rows, psi, what);
                            cases++;
                        }
                    }
                }
            }
        }
        assertEquals(4 * 4 * 4 * 2 * SEEDS.length, cases, "every combination was grown");
    }

    /** The whole fit: standardised as before (sorted columns) and grown by the reference grower gives the same model. */
    @Test
    void fitGivesTheModelOfTheSortedQuantilesAndTheReferenceGrower() {
        Random random = new Random(3);
        for (int d : new int[] {1, 3, 7}) {
            for (int n : new int[] {10, 11, 101, 257, 3000, 10_000}) {
                for (double[][] rows : datasets(random, n, d)) {
                    if (IsolationForestModel.whyNotFittable(rows) != null) {
                        continue;
                    }
                    for (long seed : SEEDS) {
                        String what = String.format(Locale.ROOT, "d=%d n=%d seed=%d", d, n, seed);
                        IsolationForestModel model = IsolationForestModel.fit(names(d), rows, 9, 64, seed);
                        SortedStandardisation expected = new SortedStandardisation(rows);
                        assertArrayEquals(expected.low, model.normalLow(), what);
                        assertArrayEquals(expected.median, model.normalMedian(), what);
                        assertArrayEquals(expected.high, model.normalHigh(), what);
                        assertArrayEquals(expected.min, model.observedMin(), what);
                        assertArrayEquals(expected.max, model.observedMax(), what);
                        ForestGrower.Trees trees =
                                new ReferenceForestGrower(expected.standardised(rows), Math.min(64, n), seed).grow(9);
                        assertArrayEquals(trees.roots(), model.roots(), what);
                        assertArrayEquals(trees.right(), model.right(), what);
                        assertArrayEquals(trees.value(), model.value(), what);
                        assertArrayEquals(trees.planes(), model.planes(), what);
                    }
                }
            }
        }
    }

    private static void assertSameTrees(ForestGrower.Trees expected, ForestGrower.Trees actual, String what) {
        // assertArrayEquals compares doubles bit for bit (0.0 and -0.0 differ).
        assertArrayEquals(expected.roots(), actual.roots(), what + ": roots");
        assertArrayEquals(expected.right(), actual.right(), what + ": right");
        assertArrayEquals(expected.value(), actual.value(), what + ": value");
        assertArrayEquals(expected.planes(), actual.planes(), what + ": planes");
    }

    /** Both forests as models over the rows as given (median 0, width 1): their scores of every row are equal. */
    private static void assertSameScores(
            ForestGrower.Trees expected, ForestGrower.Trees actual, double[][] rows, int psi, String what) {
        IsolationForestModel before = model(expected, rows[0].length, psi);
        IsolationForestModel after = model(actual, rows[0].length, psi);
        for (double[] row : rows) {
            assertEquals(
                    Double.doubleToLongBits(before.forestScore(row)),
                    Double.doubleToLongBits(after.forestScore(row)),
                    what + ": score of " + Arrays.toString(row));
        }
    }

    private static IsolationForestModel model(ForestGrower.Trees trees, int d, int psi) {
        double[] low = new double[d];
        double[] high = new double[d];
        Arrays.fill(low, -0.5);
        Arrays.fill(high, 0.5);
        return new IsolationForestModel(
                names(d),
                psi,
                trees.roots().clone(),
                trees.right().clone(),
                trees.value().clone(),
                trees.planes().clone(),
                low,
                new double[d],
                high,
                low.clone(),
                high.clone(),
                1);
    }

    /** Gaussian rows; rows repeating a few distinct ones; a constant column; zeros of both signs and ties. */
    private static List<double[][]> datasets(Random random, int n, int d) {
        List<double[][]> sets = new ArrayList<>();
        double[][] gaussian = new double[n][d];
        double[][] repeated = new double[n][];
        double[][] constantColumn = new double[n][d];
        double[][] zeros = new double[n][d];
        double[][] pool = new double[Math.min(n, 5)][d];
        for (double[] row : pool) {
            for (int j = 0; j < d; j++) {
                row[j] = random.nextGaussian();
            }
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                gaussian[i][j] = (j + 1) * random.nextGaussian() + j;
                constantColumn[i][j] = j == d / 2 ? 3.25 : random.nextGaussian() * 100;
                int kind = random.nextInt(4);
                zeros[i][j] =
                        kind == 0 ? 0.0 : kind == 1 ? -0.0 : kind == 2 ? random.nextInt(3) - 1 : random.nextGaussian();
            }
            repeated[i] = pool[random.nextInt(pool.length)].clone();
        }
        sets.add(gaussian);
        sets.add(repeated);
        sets.add(constantColumn);
        sets.add(zeros);
        return sets;
    }

    private static int[] subsampleSizes(int n) {
        return n <= 10 ? new int[] {n, 2} : new int[] {Math.min(256, n), 7};
    }

    /** The rows as they are: standardised with median 0 and width 1, which leaves every value unchanged. */
    private static TreeRows asGiven(double[][] rows, int psi) {
        int d = rows[0].length;
        double[] ones = new double[d];
        Arrays.fill(ones, 1.0);
        return TreeRows.standardised(rows, new double[d], ones, psi);
    }

    private static List<String> names(int d) {
        List<String> names = new ArrayList<>();
        for (int j = 0; j < d; j++) {
            names.add("f" + j);
        }
        return names;
    }

    /** The standardisation as fit computed it before selection replaced sorting: quantiles of each sorted column. */
    private static final class SortedStandardisation {
        final double[] low;
        final double[] median;
        final double[] high;
        final double[] min;
        final double[] max;

        SortedStandardisation(double[][] rows) {
            int n = rows.length;
            int d = rows[0].length;
            low = new double[d];
            median = new double[d];
            high = new double[d];
            min = new double[d];
            max = new double[d];
            for (int j = 0; j < d; j++) {
                double[] column = new double[n];
                for (int i = 0; i < n; i++) {
                    column[i] = rows[i][j];
                }
                Arrays.sort(column);
                low[j] = quantile(column, 0.01);
                median[j] = quantile(column, 0.5);
                high[j] = quantile(column, 0.99);
                min[j] = column[0];
                max[j] = column[n - 1];
            }
        }

        double[][] standardised(double[][] rows) {
            double[][] z = new double[rows.length][rows[0].length];
            for (int i = 0; i < rows.length; i++) {
                for (int j = 0; j < z[i].length; j++) {
                    z[i][j] = (rows[i][j] - median[j]) / IsolationForestModel.width(low[j], median[j], high[j]);
                }
            }
            return z;
        }

        private static double quantile(double[] sorted, double q) {
            double position = q * (sorted.length - 1);
            int below = (int) Math.floor(position);
            int above = Math.min(below + 1, sorted.length - 1);
            double fraction = position - below;
            return sorted[below] + fraction * (sorted[above] - sorted[below]);
        }
    }
}
