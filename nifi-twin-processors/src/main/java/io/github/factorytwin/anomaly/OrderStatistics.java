package io.github.factorytwin.anomaly;

import java.util.Arrays;

/**
 * The {@code k}th and {@code (k+1)}th smallest of some finite values, by selection instead of a full sort: a fit
 * needs three quantiles, each interpolated between two neighbouring order statistics, of each 10,000-value column,
 * for which sorting did several times the work. A value found is equal ({@code ==}) to the one a sort would put at
 * that position (0.0 and -0.0 being equal, either may stand for the other). Reusable for values of one length; not
 * thread-safe.
 */
final class OrderStatistics {

    // Ranges this small are sorted.
    private static final int SMALL = 16;

    private final double[] one;
    private final double[] other;
    private double next;

    OrderStatistics(int n) {
        this.one = new double[n];
        this.other = new double[n];
    }

    /**
     * The {@code k}th smallest of {@code values} (counted from 0), which are left unchanged; {@link #next()} is then the
     * {@code (k+1)}th (the {@code k}th itself when {@code k} is the last).
     */
    double select(double[] values, int k) {
        int n = values.length;
        System.arraycopy(values, 0, one, 0, n);
        double[] from = one;
        double[] to = other;
        int low = 0;
        int high = n;
        double ceiling = Double.NaN; // the smallest value above the range [low, high), once the range ends below n
        // Enough rounds to halve the range many times over; a range that defeats the pivot rule is then sorted.
        int rounds = 2 * (32 - Integer.numberOfLeadingZeros(n));
        while (high - low > SMALL && rounds-- > 0) {
            double pivot = medianOfThree(from[low], from[(low + high) >>> 1], from[high - 1]);
            // One pass without a branch on the comparisons, which the processor could not predict: every value is
            // written at both ends of the range in the other buffer and only the end it belongs to advances. Values
            // equal to the pivot (at least the pivot itself) advance neither end and are overwritten: the middle
            // [less, greater] is known to hold the pivot.
            int less = low;
            int greater = high - 1;
            for (int i = low; i < high; i++) {
                double x = from[i];
                to[less] = x;
                to[greater] = x;
                less += x < pivot ? 1 : 0;
                greater -= x > pivot ? 1 : 0;
            }
            if (k < less) {
                ceiling = pivot;
                high = less;
            } else if (k > greater) {
                low = greater + 1;
            } else {
                if (k < greater) {
                    next = pivot;
                } else if (greater + 1 < high) {
                    next = smallest(to, greater + 1, high);
                } else {
                    next = k + 1 < n ? ceiling : pivot;
                }
                return pivot;
            }
            double[] swap = from;
            from = to;
            to = swap;
        }
        Arrays.sort(from, low, high);
        double found = from[k];
        next = k + 1 < high ? from[k + 1] : k + 1 < n ? ceiling : found;
        return found;
    }

    /** The {@code (k+1)}th smallest value of the last {@link #select}. */
    double next() {
        return next;
    }

    private static double smallest(double[] values, int low, int high) {
        double smallest = values[low];
        for (int i = low + 1; i < high; i++) {
            smallest = Math.min(smallest, values[i]);
        }
        return smallest;
    }

    private static double medianOfThree(double a, double b, double c) {
        return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
    }
}
