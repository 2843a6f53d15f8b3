package io.github.factorytwin.health;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.List;

/**
 * A health index fused across sensors: {@code intercept + sum(weight[i] * z[i])} over the sensors' smoothed values
 * in baseline standard deviations (the z features of {@link RulFeatures}). Learned on the training fleet by ridge
 * least squares against the capped remaining life, it is the one direction in which the sensors degrade together,
 * in cycles of remaining life; the RUL model sees it (and its rate of change) beside the single sensors. Stored in
 * the RUL model file as {@code "index": {"weights": [...], "intercept": c}}.
 */
public final class HealthIndex {

    private final double[] weights;
    private final double intercept;

    public HealthIndex(double[] weights, double intercept) {
        if (weights.length == 0) {
            throw new IllegalArgumentException("a health index needs one weight per sensor");
        }
        for (double w : weights) {
            if (!Double.isFinite(w)) {
                throw new IllegalArgumentException("health index weights must be finite numbers");
            }
        }
        if (!Double.isFinite(intercept)) {
            throw new IllegalArgumentException("the health index intercept must be a finite number");
        }
        this.weights = weights.clone();
        this.intercept = intercept;
    }

    public int sensors() {
        return weights.length;
    }

    /** The index of per-sensor values {@code z} (one per weight). */
    public double value(double[] z) {
        double v = intercept;
        for (int i = 0; i < weights.length; i++) {
            v += weights[i] * z[i];
        }
        return v;
    }

    /**
     * Ridge least squares of {@code target} on the rows {@code z} (one value per sensor each): the intercept is
     * not penalised (the columns are centred first), {@code ridge} times the rows' count is added to the diagonal
     * so that sensors that move together share their weight instead of cancelling out.
     */
    public static HealthIndex fit(List<double[]> z, double[] target, double ridge) {
        if (z.isEmpty() || z.size() != target.length) {
            throw new IllegalArgumentException("a health index needs as many targets as rows, at least one");
        }
        int k = z.get(0).length;
        int n = z.size();
        double[] mean = new double[k];
        double targetMean = 0;
        for (int r = 0; r < n; r++) {
            for (int i = 0; i < k; i++) {
                mean[i] += z.get(r)[i] / n;
            }
            targetMean += target[r] / n;
        }
        double[][] a = new double[k][k + 1]; // normal equations, right-hand side in the last column
        for (int r = 0; r < n; r++) {
            double[] row = z.get(r);
            double y = target[r] - targetMean;
            for (int i = 0; i < k; i++) {
                double xi = row[i] - mean[i];
                for (int j = 0; j < k; j++) {
                    a[i][j] += xi * (row[j] - mean[j]);
                }
                a[i][k] += xi * y;
            }
        }
        for (int i = 0; i < k; i++) {
            a[i][i] += ridge * n;
        }
        double[] w = solve(a);
        double c = targetMean;
        for (int i = 0; i < k; i++) {
            c -= w[i] * mean[i];
        }
        return new HealthIndex(w, c);
    }

    /** Gaussian elimination with partial pivoting of a positive definite system (the ridge makes it so). */
    private static double[] solve(double[][] a) {
        int k = a.length;
        for (int col = 0; col < k; col++) {
            int pivot = col;
            for (int r = col + 1; r < k; r++) {
                if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) {
                    pivot = r;
                }
            }
            double[] t = a[col];
            a[col] = a[pivot];
            a[pivot] = t;
            for (int r = col + 1; r < k; r++) {
                double f = a[r][col] / a[col][col];
                for (int c = col; c <= k; c++) {
                    a[r][c] -= f * a[col][c];
                }
            }
        }
        double[] w = new double[k];
        for (int r = k - 1; r >= 0; r--) {
            double s = a[r][k];
            for (int c = r + 1; c < k; c++) {
                s -= a[r][c] * w[c];
            }
            w[r] = s / a[r][r];
        }
        return w;
    }

    void write(ObjectNode node) {
        var array = node.putArray("weights");
        for (double w : weights) {
            array.add(w);
        }
        node.put("intercept", intercept);
    }

    static HealthIndex parse(JsonNode node, int sensors) {
        if (!node.isObject()) {
            throw new IllegalArgumentException("'index' must be an object");
        }
        JsonNode array = node.path("weights");
        if (!array.isArray() || array.size() != sensors) {
            throw new IllegalArgumentException(
                    "'index.weights' must be an array of one number per sensor (" + sensors + ")");
        }
        double[] w = new double[sensors];
        for (int i = 0; i < sensors; i++) {
            if (!array.get(i).isNumber()) {
                throw new IllegalArgumentException("'index.weights' must hold numbers");
            }
            w[i] = array.get(i).asDouble();
        }
        if (!node.path("intercept").isNumber()) {
            throw new IllegalArgumentException("'index.intercept' must be a number");
        }
        return new HealthIndex(w, node.path("intercept").asDouble());
    }

    @Override
    public String toString() {
        return "HealthIndex" + Arrays.toString(weights) + " + " + intercept;
    }
}
