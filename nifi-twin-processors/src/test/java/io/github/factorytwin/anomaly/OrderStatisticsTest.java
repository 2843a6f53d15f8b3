package io.github.factorytwin.anomaly;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class OrderStatisticsTest {

    /**
     * The kth and (k+1)th smallest equal the sorted values at k and k + 1 (the kth again for the last k), the values
     * are left as they were: on distinct values, many ties, sorted and reversed input, one value repeated, zeros of
     * both signs, every small length and every k of it, and long inputs at the positions a fit asks for.
     */
    @Test
    void findsTheNeighbouringOrderStatisticsASortFinds() {
        Random random = new Random(17);
        for (int trial = 0; trial < 1500; trial++) {
            int n = trial < 600 ? 1 + trial % 60 : 1 + random.nextInt(trial < 1400 ? 500 : 20_000);
            double[] values = values(random, n, trial % 6);
            double[] unchanged = values.clone();
            double[] sorted = values.clone();
            Arrays.sort(sorted);
            OrderStatistics statistics = new OrderStatistics(n);
            int[] ks = n <= 60 ? allPositions(n) : fitPositions(n, random);
            for (int k : ks) {
                String what = "trial " + trial + ", n " + n + ", k " + k;
                assertEquals(sorted[k], statistics.select(values, k), 0.0, what);
                assertEquals(sorted[Math.min(k + 1, n - 1)], statistics.next(), 0.0, what + " + 1");
            }
            assertArrayEquals(unchanged, values, "the values are not changed");
        }
    }

    private static int[] allPositions(int n) {
        int[] all = new int[n];
        for (int k = 0; k < n; k++) {
            all[k] = k;
        }
        return all;
    }

    private static int[] fitPositions(int n, Random random) {
        return new int[] {
            (int) Math.floor(0.01 * (n - 1)), (int) Math.floor(0.5 * (n - 1)), (int) Math.floor(0.99 * (n - 1)),
            0, n - 1, random.nextInt(n)
        };
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
