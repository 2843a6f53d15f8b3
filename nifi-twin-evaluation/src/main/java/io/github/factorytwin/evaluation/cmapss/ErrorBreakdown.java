package io.github.factorytwin.evaluation.cmapss;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.IntToDoubleFunction;

/**
 * Where a subset's RUL error comes from: RMSE, mean error (estimate minus truth: positive is late) and count of the
 * test engines grouped by their true remaining life and by the length of their history. A diagnosis aid printed by
 * {@link CmapssEvaluation#main}; it changes no estimate.
 */
public final class ErrorBreakdown {

    /** One group: its label, how many engines, their RMSE and mean error. */
    public record Group(String label, int engines, double rmse, double bias) {}

    /** Upper bounds (inclusive) of the true-RUL groups; the last group is everything above. */
    static final int[] RUL_BOUNDS = {25, 50, 75, 100, 125, 150};
    /** Upper bounds (exclusive) of the history-length groups (cycles seen); the last is everything above. */
    static final int[] HISTORY_BOUNDS = {50, 100, 150, 200};

    private ErrorBreakdown() {}

    /** Groups by true remaining life: {@code <= 25}, 26-50, ..., 126-150, {@code > 150}. */
    public static List<Group> byTrueRul(double[] predicted, double[] truth) {
        return groups(predicted, truth, i -> truth[i], RUL_BOUNDS, true);
    }

    /** Groups by the cycles each engine's history holds: {@code < 50}, 50-99, ..., {@code >= 200}. */
    public static List<Group> byHistory(double[] predicted, double[] truth, int[] history) {
        return groups(predicted, truth, i -> history[i], HISTORY_BOUNDS, false);
    }

    private static List<Group> groups(
            double[] predicted, double[] truth, IntToDoubleFunction key, int[] bounds, boolean inclusive) {
        int k = bounds.length + 1;
        int[] n = new int[k];
        double[] squares = new double[k];
        double[] sum = new double[k];
        for (int i = 0; i < truth.length; i++) {
            double v = key.applyAsDouble(i);
            int g = 0;
            while (g < bounds.length && (inclusive ? v > bounds[g] : v >= bounds[g])) {
                g++;
            }
            double h = predicted[i] - truth[i];
            n[g]++;
            squares[g] += h * h;
            sum[g] += h;
        }
        List<Group> out = new ArrayList<>();
        for (int g = 0; g < k; g++) {
            if (n[g] == 0) {
                continue;
            }
            String label = label(bounds, g, inclusive);
            out.add(new Group(label, n[g], Math.sqrt(squares[g] / n[g]), sum[g] / n[g]));
        }
        return out;
    }

    private static String label(int[] bounds, int g, boolean inclusive) {
        if (g == 0) {
            return (inclusive ? "<=" : "<") + bounds[0];
        }
        if (g == bounds.length) {
            return (inclusive ? ">" : ">=") + bounds[g - 1];
        }
        return inclusive ? (bounds[g - 1] + 1) + "-" + bounds[g] : bounds[g - 1] + "-" + (bounds[g] - 1);
    }

    /** The groups as one line: {@code label: n engines, RMSE r, mean error b}. */
    public static String format(List<Group> groups) {
        List<String> parts = new ArrayList<>();
        for (Group g : groups) {
            parts.add(String.format(
                    Locale.ROOT, "%s: %d, RMSE %.1f, bias %+.1f", g.label(), g.engines(), g.rmse(), g.bias()));
        }
        return String.join("; ", parts);
    }
}
