package io.github.factorytwin.context;

import java.util.List;

/**
 * How a machine is being run (load, speed, set-points, operational settings) and how the twin conditions what it
 * learns on it: the health engine's baselines and ScoreAnomaly's models. The context fields are never symptoms
 * themselves.
 *
 * @param fields the record fields that describe the operating context
 * @param model how baselines follow the context
 * @param regimeDistance {@link Model#OPERATING_REGIMES}: a reading whose context differs from every known regime's
 *     centre by more than this, in at least one field, relative to that field's scale (see {@link
 *     RegimeFinder#distance}), opens a new regime
 * @param maxRegimes {@link Model#OPERATING_REGIMES}: most regimes per machine; once reached, a reading joins the
 *     nearest one
 */
public record OperatingContext(List<String> fields, Model model, double regimeDistance, int maxRegimes) {

    /** How the baselines follow the operating context. */
    public enum Model {
        /**
         * One context field, when it is also one of the sensors, is the load: every other sensor's baseline is a
         * line on the (lag-filtered) load; otherwise every sensor has a plain mean and standard deviation.
         */
        LOAD_FOLLOWING,
        /**
         * Regimes are found from the stream by leader clustering of the context fields; every sensor has a mean
         * per regime (its spread pooled over the regimes), so a change of regime is not a symptom, drift within
         * one is.
         */
        OPERATING_REGIMES
    }

    public static final double DEFAULT_REGIME_DISTANCE = 0.1;
    public static final int DEFAULT_MAX_REGIMES = 8;
    /** Most regimes the state format can hold. */
    public static final int REGIME_LIMIT = 64;
    /** Most context fields. */
    public static final int FIELD_LIMIT = 16;

    public OperatingContext {
        fields = List.copyOf(fields);
        if (model == null) {
            throw new IllegalArgumentException("an operating context model is needed");
        }
        if (fields.size() > FIELD_LIMIT || fields.stream().distinct().count() != fields.size()) {
            throw new IllegalArgumentException("at most " + FIELD_LIMIT + " distinct operating context fields");
        }
        if (model == Model.LOAD_FOLLOWING && fields.size() > 1) {
            throw new IllegalArgumentException("Load Following follows one load field, not " + fields.size() + " ("
                    + String.join(",", fields) + "); name one, or use Operating Regimes for several");
        }
        if (model == Model.OPERATING_REGIMES) {
            if (fields.isEmpty()) {
                throw new IllegalArgumentException("Operating Regimes needs at least one operating context field");
            }
            if (!(regimeDistance > 0 && regimeDistance <= 10)) {
                throw new IllegalArgumentException("the regime distance must be above 0 and at most 10");
            }
            if (maxRegimes < 1 || maxRegimes > REGIME_LIMIT) {
                throw new IllegalArgumentException("the maximum number of regimes must be 1 to " + REGIME_LIMIT);
            }
        }
    }

    /** Load Following on {@code fields} (none or one). */
    public static OperatingContext loadFollowing(List<String> fields) {
        return new OperatingContext(fields, Model.LOAD_FOLLOWING, DEFAULT_REGIME_DISTANCE, DEFAULT_MAX_REGIMES);
    }

    /** Operating Regimes on {@code fields}. */
    public static OperatingContext regimes(List<String> fields, double regimeDistance, int maxRegimes) {
        return new OperatingContext(fields, Model.OPERATING_REGIMES, regimeDistance, maxRegimes);
    }

    public boolean regimesModelled() {
        return model == Model.OPERATING_REGIMES;
    }
}
