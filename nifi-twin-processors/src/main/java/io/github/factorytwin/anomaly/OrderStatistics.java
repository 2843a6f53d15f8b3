package io.github.factorytwin.anomaly;

import java.util.Arrays;

/**
 * Puts chosen order statistics of finite values in place without sorting them all: after {@link #place}, each
 * chosen position holds a value equal ({@code ==}) to the one a full sort would put there (0.0 and -0.0 being equal,
 * either may stand for the other), every value before it is no larger and every value after it no smaller. A fit
 * needs three quantiles of each 10,000-value column, for which sorting did several times the work.
 */
final class OrderStatistics {

    // Below this many values a range is finished by insertion sort.
    private static final int SMALL = 16;

    private OrderStatistics() {}

    /**
     * @param values finite values, rearranged
     * @param positions indexes into {@code values}, ascending, without repeats
     */
    static void place(double[] values, int[] positions) {
        place(values, 0, values.length, positions, 0, positions.length);
    }

    /** Places {@code positions[first, last)}, all in {@code [from, to)}, whose values lie in that range already. */
    private static void place(double[] values, int from, int to, int[] positions, int first, int last) {
        if (first >= last) {
            return;
        }
        int middle = (first + last) >>> 1;
        int k = positions[middle];
        select(values, from, to, k);
        place(values, from, k, positions, first, middle);
        place(values, k + 1, to, positions, middle + 1, last);
    }

    /** Puts the {@code k}th smallest value of {@code [from, to)} at {@code k}, the smaller before it, the larger after. */
    static void select(double[] values, int from, int to, int k) {
        if (k == from) {
            swap(values, k, smallest(values, from, to));
            return;
        }
        if (k == to - 1) {
            swap(values, k, largest(values, from, to));
            return;
        }
        // Quickselect with a median-of-three pivot; after enough rounds to have halved the range many times over,
        // what is left is sorted, so a range that defeats the pivot rule still costs only n log n.
        int rounds = 2 * (32 - Integer.numberOfLeadingZeros(to - from));
        while (to - from > SMALL) {
            if (rounds-- == 0) {
                Arrays.sort(values, from, to);
                return;
            }
            double pivot = medianOfThree(values[from], values[(from + to) >>> 1], values[to - 1]);
            int i = from;
            int j = to - 1;
            // Hoare's partition: values equal to the pivot stop both scans, so many ties still split evenly.
            while (i <= j) {
                while (values[i] < pivot) {
                    i++;
                }
                while (values[j] > pivot) {
                    j--;
                }
                if (i <= j) {
                    swap(values, i++, j--);
                }
            }
            // Now [from, j] <= pivot, [i, to) >= pivot and anything between equals the pivot.
            if (k <= j) {
                to = j + 1;
            } else if (k >= i) {
                from = i;
            } else {
                return;
            }
        }
        insertionSort(values, from, to);
    }

    private static int smallest(double[] values, int from, int to) {
        int at = from;
        for (int i = from + 1; i < to; i++) {
            if (values[i] < values[at]) {
                at = i;
            }
        }
        return at;
    }

    private static int largest(double[] values, int from, int to) {
        int at = from;
        for (int i = from + 1; i < to; i++) {
            if (values[i] > values[at]) {
                at = i;
            }
        }
        return at;
    }

    private static double medianOfThree(double a, double b, double c) {
        return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
    }

    private static void insertionSort(double[] values, int from, int to) {
        for (int i = from + 1; i < to; i++) {
            double x = values[i];
            int j = i - 1;
            while (j >= from && values[j] > x) {
                values[j + 1] = values[j];
                j--;
            }
            values[j + 1] = x;
        }
    }

    private static void swap(double[] values, int i, int j) {
        double x = values[i];
        values[i] = values[j];
        values[j] = x;
    }
}
