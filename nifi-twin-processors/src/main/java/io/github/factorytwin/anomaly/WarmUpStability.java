package io.github.factorytwin.anomaly;

import java.util.List;

/**
 * When a warm-up may end before its full size: once the readings collected have stabilised, so that more of the
 * same would not change what the model learns. The rows are split into their older and newer half; they have
 * stabilised when, for every feature, the two halves' means lie within {@value #MEAN_SHIFT} standard deviation (of
 * all the rows) of each other and their spreads within a factor {@value #SPREAD_RATIO}. A series still moving
 * through its range (a trend, a daily cycle not yet seen whole) fails that and warms up longer, up to the warm-up
 * size; a steady one ends at the minimum. Unit-free: the same rule for every sensor and data set.
 */
final class WarmUpStability {

    /** How far apart the halves' means may lie, in standard deviations of all the rows. */
    static final double MEAN_SHIFT = 0.5;

    /** How many times the larger half's standard deviation may be the smaller's. */
    static final double SPREAD_RATIO = 2.0;

    private WarmUpStability() {}

    /** Whether a warm-up holding {@code n} rows is checked: at the minimum, then every quarter of it. */
    static boolean checkedAt(int n, int minimum) {
        return n >= minimum && (n - minimum) % Math.max(1, minimum / 4) == 0;
    }

    /** Whether the rows (oldest first, each of the same dimension) have stabilised; see the class comment. */
    static boolean stable(List<double[]> rows) {
        int n = rows.size();
        int half = n / 2;
        if (half < 2) {
            return false;
        }
        int dimension = rows.get(0).length;
        for (int j = 0; j < dimension; j++) {
            double[] older = moments(rows, 0, half, j);
            double[] newer = moments(rows, n - half, n, j);
            double[] all = moments(rows, 0, n, j);
            double spread = Math.sqrt(all[1]);
            double floor = 1e-9 * Math.max(1.0, Math.abs(all[0])); // a constant feature has stabilised
            if (Math.abs(newer[0] - older[0]) > MEAN_SHIFT * Math.max(spread, floor)) {
                return false;
            }
            double a = Math.sqrt(older[1]) + floor;
            double b = Math.sqrt(newer[1]) + floor;
            if (Math.max(a, b) > SPREAD_RATIO * Math.min(a, b)) {
                return false;
            }
        }
        return true;
    }

    /** Mean and variance of feature {@code j} over rows {@code from} (inclusive) to {@code to} (exclusive). */
    private static double[] moments(List<double[]> rows, int from, int to, int j) {
        double mean = 0;
        double squares = 0;
        int count = 0;
        for (int i = from; i < to; i++) {
            double x = rows.get(i)[j];
            count++;
            double d = x - mean;
            mean += d / count;
            squares += d * (x - mean);
        }
        return new double[] {mean, count > 1 ? squares / (count - 1) : 0};
    }
}
