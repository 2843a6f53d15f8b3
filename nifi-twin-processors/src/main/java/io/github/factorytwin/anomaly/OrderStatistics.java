package io.github.factorytwin.anomaly;

import java.util.Arrays;

/**
 * Chosen order statistics of some finite values, by selection instead of a full sort: a fit needs three quantiles,
 * each interpolated between two neighbouring order statistics, of each 10,000-value column, for which sorting did
 * several times the work. A value found is equal ({@code ==}) to the one a sort would put at that position (0.0 and
 * -0.0 being equal, either may stand for the other). Reusable for values of one length; not thread-safe.
 */
final class OrderStatistics {

    // Ranges this small are sorted.
    private static final int SMALL = 16;

    private final double[] one;
    private final double[] other;

    OrderStatistics(int n) {
        this.one = new double[n];
        this.other = new double[n];
    }

    /**
     * The {@code positions[i]}th smallest of {@code values} (counted from 0), for each {@code i}; the values are left
     * unchanged.
     *
     * @param positions ascending, without repeats, each below {@code values.length}
     */
    double[] select(double[] values, int[] positions) {
        int n = values.length;
        System.arraycopy(values, 0, one, 0, n);
        double[] found = new double[positions.length];
        // Enough rounds to halve the range many times over; a range that defeats the pivot rule is then sorted.
        int rounds = 2 * (32 - Integer.numberOfLeadingZeros(n));
        select(one, other, 0, n, positions, 0, positions.length, found, rounds);
        return found;
    }

    /**
     * Finds {@code positions[first, last)}, which lie in {@code [low, high)}, the range in {@code from} that holds
     * exactly the values of those ranks; partitions it into the same range of {@code to}, whose parts hold the
     * ranks of their positions in turn, so parts that hold none are never looked at again.
     */
    private static void select(
            double[] from,
            double[] to,
            int low,
            int high,
            int[] positions,
            int first,
            int last,
            double[] found,
            int rounds) {
        if (first >= last) {
            return;
        }
        if (high - low <= SMALL || rounds == 0) {
            Arrays.sort(from, low, high);
            for (int p = first; p < last; p++) {
                found[p] = from[positions[p]];
            }
            return;
        }
        double pivot = medianOfThree(from[low], from[(low + high) >>> 1], from[high - 1]);
        // One pass without a branch on the comparisons, which the processor could not predict: every value is
        // written at both ends of the range and only the end it belongs to advances. Values equal to the pivot (at
        // least the pivot itself) advance neither end and are overwritten: the middle [less, greater] holds the pivot.
        int less = low;
        int greater = high - 1;
        for (int i = low; i < high; i++) {
            double x = from[i];
            to[less] = x;
            to[greater] = x;
            less += x < pivot ? 1 : 0;
            greater -= x > pivot ? 1 : 0;
        }
        int below = first;
        while (below < last && positions[below] < less) {
            below++;
        }
        int above = below;
        while (above < last && positions[above] <= greater) {
            found[above++] = pivot;
        }
        // The two parts are disjoint ranges of "to": finding the first one's positions writes only within its range.
        select(to, from, low, less, positions, first, below, found, rounds - 1);
        select(to, from, greater + 1, high, positions, above, last, found, rounds - 1);
    }

    private static double medianOfThree(double a, double b, double c) {
        return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
    }
}
