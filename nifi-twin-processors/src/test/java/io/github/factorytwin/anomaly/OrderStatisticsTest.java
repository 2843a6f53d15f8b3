package io.github.factorytwin.anomaly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class OrderStatisticsTest {

    /**
     * Each chosen position holds the value sorting puts there, with no larger value before it and no smaller after
     * it: on distinct values, many ties, sorted and reversed input, one value, and ranges of every small size.
     */
    @Test
    void placesEachChosenOrderStatisticWhereSortingPutsIt() {
        Random random = new Random(17);
        for (int trial = 0; trial < 3000; trial++) {
            int n = trial < 100 ? 1 + trial % 40 : 1 + random.nextInt(trial < 2500 ? 300 : 20_000);
            double[] values = values(random, n, trial % 6);
            double[] sorted = values.clone();
            Arrays.sort(sorted);
            TreeSet<Integer> chosen = new TreeSet<>();
            for (int c = random.nextInt(7); c >= 0; c--) {
                chosen.add(random.nextInt(n));
            }
            int[] positions = chosen.stream().mapToInt(Integer::intValue).toArray();
            OrderStatistics.place(values, positions);
            double[] after = values.clone();
            Arrays.sort(after);
            assertTrue(Arrays.equals(sorted, after), "the same values, rearranged");
            for (int k : positions) {
                String what = "trial " + trial + ", n " + n + ", position " + k;
                assertEquals(sorted[k], values[k], 0.0, what);
                for (int i = 0; i < n; i++) {
                    assertTrue(i < k ? values[i] <= values[k] : i == k || values[i] >= values[k], what);
                }
            }
        }
    }

    private static double[] values(Random random, int n, int kind) {
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            values[i] = switch (kind) {
                case 0 -> random.nextGaussian();
                case 1 -> random.nextInt(3) - 1; // many ties
                case 2 -> i; // sorted
                case 3 -> -i; // reversed
                case 4 -> 2.5; // one value
                default -> random.nextBoolean() ? 0.0 : -0.0;
            };
        }
        return values;
    }
}
