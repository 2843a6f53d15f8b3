package io.github.factorytwin.health;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.factorytwin.context.OperatingContext;
import io.github.factorytwin.context.RegimeFinder;
import io.github.factorytwin.context.Regimes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Operating-condition normalisation learned from a whole training fleet and shipped inside a {@link RulModel}: the
 * fleet's operating regimes (centres in the operating context fields) and, per regime, every sensor's mean and
 * standard deviation. A reading is assigned to the nearest regime ({@link RegimeFinder#nearest}, the distance
 * relative to each field's magnitude) and each sensor becomes {@code (value - regime mean) / regime sd}. Unlike the per-machine regimes of Operating Regimes, these means rest on thousands of
 * readings per regime, so a machine that visits a regime rarely is measured as precisely as one that lives in it.
 */
public final class FleetNormalisation {

    private final List<String> contextFields;
    private final double[][] centres;
    private final double[][] mean;
    private final double[][] sd;
    /** The centres as regimes, to find the nearest. */
    private final Regimes regimes;

    public FleetNormalisation(List<String> contextFields, double[][] centres, double[][] mean, double[][] sd) {
        this.contextFields = List.copyOf(contextFields);
        this.centres = centres;
        this.mean = mean;
        this.sd = sd;
        validate();
        this.regimes = new Regimes(contextFields.size());
        for (double[] centre : centres) {
            regimes.add(centre, 0);
        }
    }

    public List<String> contextFields() {
        return contextFields;
    }

    public int regimes() {
        return centres.length;
    }

    private void validate() {
        int fields = contextFields.size();
        if (fields == 0 || fields > OperatingContext.FIELD_LIMIT) {
            throw new IllegalArgumentException(
                    "a normalisation needs 1 to " + OperatingContext.FIELD_LIMIT + " context fields");
        }
        int regimes = centres.length;
        if (regimes == 0 || regimes > OperatingContext.REGIME_LIMIT) {
            throw new IllegalArgumentException(
                    "a normalisation needs 1 to " + OperatingContext.REGIME_LIMIT + " regimes");
        }
        if (mean.length != regimes || sd.length != regimes) {
            throw new IllegalArgumentException("'centres', 'mean' and 'sd' must have one row per regime");
        }
        int sensors = mean[0].length;
        for (int r = 0; r < regimes; r++) {
            if (centres[r].length != fields || mean[r].length != sensors || sd[r].length != sensors) {
                throw new IllegalArgumentException(
                        "regime " + r + ": a centre needs one value per context field, mean and sd one per sensor");
            }
            for (int f = 0; f < fields; f++) {
                if (!Double.isFinite(centres[r][f])) {
                    throw new IllegalArgumentException("regime " + r + ": centre values must be finite");
                }
            }
            for (int i = 0; i < sensors; i++) {
                if (!Double.isFinite(mean[r][i]) || !(sd[r][i] > 0) || !Double.isFinite(sd[r][i])) {
                    throw new IllegalArgumentException(
                            "regime " + r + ", sensor " + i + ": mean must be finite and sd finite and above 0");
                }
            }
        }
    }

    /** Checks that this normalisation fits {@code sensors} sensors. */
    void requireSensors(int sensors) {
        if (mean[0].length != sensors) {
            throw new IllegalArgumentException(
                    "the normalisation has " + mean[0].length + " sensors, the model " + sensors);
        }
    }

    /**
     * The sensors of a reading with operating context {@code context} in its regime's standard deviations from its
     * regime's mean; all NaN when the context is incomplete (no regime can be told).
     */
    public double[] apply(double[] sensors, double[] context) {
        double[] out = new double[sensors.length];
        int r = nearest(context);
        if (r < 0) {
            Arrays.fill(out, Double.NaN);
            return out;
        }
        for (int i = 0; i < sensors.length; i++) {
            out[i] = (sensors[i] - mean[r][i]) / sd[r][i];
        }
        return out;
    }

    private int nearest(double[] context) {
        return RegimeFinder.nearest(regimes, context);
    }

    /**
     * Learns the normalisation from a fleet's readings: regimes by leader clustering of the contexts (a context
     * farther than {@code context.regimeDistance()} from every centre opens a regime while fewer than {@code
     * context.maxRegimes()} exist; centres are running means), then per regime every sensor's mean and standard
     * deviation over the readings nearest to it. A sensor constant in a regime gets a small floor spread.
     *
     * @param sensors each reading's sensor values
     * @param contexts each reading's context values, in {@code context.fields()} order
     */
    public static FleetNormalisation learn(List<double[]> sensors, List<double[]> contexts, OperatingContext context) {
        int fields = context.fields().size();
        // A whole training set: centres are plain means over all their readings (no stream to follow).
        RegimeFinder finder = new RegimeFinder(context.regimeDistance(), context.maxRegimes(), Integer.MAX_VALUE);
        Regimes found = new Regimes(fields);
        for (int k = 0; k < contexts.size(); k++) {
            if (finder.assign(found, contexts.get(k)) < 0) {
                throw new IllegalArgumentException(
                        "reading " + k + ": the operating context needs " + fields + " finite values");
            }
        }
        int regimes = found.count();
        int count = sensors.get(0).length;
        double[][] centreArray = new double[regimes][];
        for (int r = 0; r < regimes; r++) {
            centreArray[r] = Arrays.copyOfRange(found.centres(), r * fields, (r + 1) * fields);
        }
        FleetNormalisation assign = new FleetNormalisation(
                context.fields(), centreArray, new double[regimes][count], filled(regimes, count));
        long[] n = new long[regimes];
        double[][] mean = new double[regimes][count];
        double[][] m2 = new double[regimes][count];
        for (int k = 0; k < sensors.size(); k++) {
            int r = assign.nearest(contexts.get(k));
            n[r]++;
            for (int i = 0; i < count; i++) {
                double x = sensors.get(k)[i];
                double delta = x - mean[r][i];
                mean[r][i] += delta / n[r];
                m2[r][i] += delta * (x - mean[r][i]);
            }
        }
        double[][] sd = new double[regimes][count];
        for (int r = 0; r < regimes; r++) {
            for (int i = 0; i < count; i++) {
                double s = n[r] > 1 ? Math.sqrt(m2[r][i] / (n[r] - 1)) : 0;
                sd[r][i] = Math.max(s, 1e-9 + 1e-4 * Math.abs(mean[r][i]));
            }
        }
        return new FleetNormalisation(context.fields(), centreArray, mean, sd);
    }

    private static double[][] filled(int rows, int cols) {
        double[][] out = new double[rows][cols];
        for (double[] row : out) {
            Arrays.fill(row, 1);
        }
        return out;
    }

    void write(ObjectNode node) {
        var fields = node.putArray("context");
        contextFields.forEach(fields::add);
        matrix(node, "centres", centres);
        matrix(node, "mean", mean);
        matrix(node, "sd", sd);
    }

    private static void matrix(ObjectNode node, String name, double[][] rows) {
        var array = node.putArray(name);
        for (double[] row : rows) {
            var a = array.addArray();
            for (double v : row) {
                a.add(v);
            }
        }
    }

    static FleetNormalisation parse(JsonNode node) {
        if (!node.isObject()) {
            throw new IllegalArgumentException("'normalisation' must be an object");
        }
        JsonNode fieldArray = node.path("context");
        if (!fieldArray.isArray() || fieldArray.size() > OperatingContext.FIELD_LIMIT) {
            throw new IllegalArgumentException("'normalisation.context' must be an array of context field names");
        }
        List<String> fields = new ArrayList<>();
        for (JsonNode f : fieldArray) {
            if (!f.isTextual() || f.asText().isBlank()) {
                throw new IllegalArgumentException("'normalisation.context' must hold field names");
            }
            fields.add(f.asText());
        }
        return new FleetNormalisation(
                fields, matrix(node.path("centres")), matrix(node.path("mean")), matrix(node.path("sd")));
    }

    private static double[][] matrix(JsonNode array) {
        if (!array.isArray() || array.size() > OperatingContext.REGIME_LIMIT) {
            throw new IllegalArgumentException(
                    "normalisation matrices must be arrays of at most " + OperatingContext.REGIME_LIMIT + " rows");
        }
        double[][] out = new double[array.size()][];
        for (int r = 0; r < out.length; r++) {
            JsonNode row = array.get(r);
            if (!row.isArray() || row.size() > 10_000) {
                throw new IllegalArgumentException("a normalisation row must be an array of numbers");
            }
            out[r] = new double[row.size()];
            for (int i = 0; i < out[r].length; i++) {
                if (!row.get(i).isNumber()) {
                    throw new IllegalArgumentException("a normalisation row must hold numbers only");
                }
                out[r][i] = row.get(i).asDouble();
            }
        }
        return out;
    }
}
