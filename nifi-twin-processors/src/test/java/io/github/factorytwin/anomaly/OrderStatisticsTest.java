package io.github.factorytwin.anomaly;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class OrderStatisticsTest {

    /**
     * Each chosen order statistic equals the sorted values at its position and the values are left as they were:
     * on distinct values, many ties, sorted and reversed input, one value repeated, zeros of both signs; every
     * position of short inputs, one at a time and all at once, and the positions a fit asks for (with their
     * neighbours, the ends and a random one) of long inputs.
     */
    @Test
    void findsTheOrderStatisticsASortFinds() {
        Random random = new Random(17);
        for (int trial = 0; trial < 1500; trial++) {
            int n = trial < 600 ? 1 + trial % 60 : 1 + random.nextInt(trial < 1400 ? 500 : 20_000);
            double[] values = values(random, n, trial % 6);
            double[] unchanged = values.clone();
            double[] sorted = values.clone();
            Arrays.sort(sorted);
            OrderStatistics statistics = new OrderStatistics(n);
            List<int[]> choices = new ArrayList<>();
            if (n <= 60) {
                choices.add(allPositions(n));
                for (int k = 0; k < n; k++) {
                    choices.add(new int[] {k});
                }
            } else {
                choices.add(fitPositions(n, random));
            }
            for (int[] positions : choices) {
                double[] found = statistics.select(values, positions);
                for (int i = 0; i < positions.length; i++) {
                    String what = "trial " + trial + ", n " + n + ", position " + positions[i];
                    assertEquals(sorted[positions[i]], found[i], 0.0, what);
                }
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
        TreeSet<Integer> positions = new TreeSet<>();
        for (double q : new double[] {0.01, 0.5, 0.99}) {
            int below = (int) Math.floor(q * (n - 1));
            positions.add(below);
            positions.add(Math.min(below + 1, n - 1));
        }
        positions.add(0);
        positions.add(n - 1);
        positions.add(random.nextInt(n));
        return positions.stream().mapToInt(Integer::intValue).toArray();
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
