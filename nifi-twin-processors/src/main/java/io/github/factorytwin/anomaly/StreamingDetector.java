package io.github.factorytwin.anomaly;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * ScoreAnomaly's {@link AnomalyEngine} for one series: feed the readings of one machine (one row of values per
 * reading, in order) and get a score per reading. It drives the engine's one entry point as ScoreAnomaly does for
 * one machine with Model Source LEARN_FROM_STREAM and Model Scope PER_MACHINE (machine id {@value #SERIES}), so benchmarks such as the Numenta Anomaly
 * Benchmark measure the processor's own engine.
 *
 * <pre>{@code
 * StreamingDetector detector = StreamingDetector.builder("value")
 *         .derived(DerivedFeature.DELTA, DerivedFeature.WINDOW)
 *         .model(m -> m.warmUpSize(750).retrainInterval(250).seed(42L))
 *         .build();
 * for (double v : series) {
 *     double score = detector.update(v); // NaN while warming up, else in (0, 1]
 * }
 * }</pre>
 *
 * <p><b>Peak damping</b> (optional, {@link Builder#peakWindow(int)}): a benchmark that counts only the first alert
 * of an anomaly and penalises every further one (as NAB does) is best served by one alert at the onset. With a
 * peak window {@code n > 0}, {@link #update(double...)} returns the score unchanged when it is higher than every
 * score of the previous {@code n} readings, and half of it otherwise, so a run of high scores alerts once at its
 * peak-to-date while the order of fresh peaks is kept. {@link #detect(double...)} returns the engine's verdict, undamped.
 *
 * <p><b>Score post-processing</b> (optional, {@link Builder#postProcessing(ScorePostProcessing)}): the engine's
 * per-machine post-processing of the raw score: the anomaly likelihood of the score ({@link AnomalyLikelihood})
 * and/or a range check ({@link RangeGuard}); peak damping, when on, comes after it.
 *
 * <p>Numenta Anomaly Benchmark configuration (one configuration for the whole corpus, see the evaluation module's {@code TwinNabDetector} and
 * {@code nifi-twin-evaluation/NAB-EXPERIMENTS.md}): {@code builder("value").derived(DELTA)
 * .model(m -> m.warmUpSize(w).retrainInterval(100).subsampleSize(128).seed(1L))
 * .postProcessing(ScorePostProcessing.likelihoodAndRange(w))} with
 * {@code w = max(50, round(probation / 2))} and {@code probation = min(floor(0.15 * rows), 750)}: NAB standard
 * 65.11, low-FP 59.41, low-FN 68.69 with the scorecard's scorer (seeds 1..3: standard 63.78..65.11).
 *
 * <p>Not thread-safe (a series is ordered); use one detector per series.
 */
public final class StreamingDetector {

    /** The id of the one machine, and so the key of its model (whose random seed mixes in the key). */
    public static final String SERIES = "series";

    private final AnomalyEngine engine;
    private final double[] recent;
    private int recentCount;
    private int recentNext;

    private StreamingDetector(AnomalyEngine engine, int peakWindow) {
        this.engine = engine;
        this.recent = new double[peakWindow];
    }

    /** A builder for a detector of the named raw features, fed in this order to {@link #update(double...)}. */
    public static Builder builder(String... fields) {
        return new Builder(List.of(fields));
    }

    /**
     * Scores the next reading and learns from it.
     *
     * @param values the raw feature values in the builder's order; NaN for a missing value (imputed from the last
     *     value; the very first reading must be complete)
     * @return the anomaly score in (0, 1], or NaN while the detector warms up or when a value cannot be imputed
     */
    public double update(double... values) {
        AnomalyEngine.Verdict verdict = detect(values);
        if (verdict == null || verdict.score() == null) {
            return Double.NaN;
        }
        double score = verdict.score();
        if (recent.length == 0) {
            return score;
        }
        double highest = 0;
        for (int i = 0; i < recentCount; i++) {
            highest = Math.max(highest, recent[i]);
        }
        recent[recentNext] = score;
        recentNext = (recentNext + 1) % recent.length;
        recentCount = Math.min(recentCount + 1, recent.length);
        return score > highest ? score : score / 2;
    }

    /**
     * The engine's verdict on the next reading (post-processed, not peak-damped), which it learns from; null when
     * the reading had to be rejected.
     */
    public AnomalyEngine.Verdict detect(double... values) {
        AnomalyEngine.Batch batch = engine.begin();
        try {
            AnomalyEngine.Verdict verdict = batch.process(new AnomalyEngine.Reading(SERIES, null, null, false, values));
            batch.commit();
            return verdict;
        } catch (MissingFeatureException | AnomalyDetector.NoModelException e) {
            batch.commit();
            return null;
        }
    }

    /** The model currently in use, or null while warming up. */
    public IsolationForestModel model() {
        return engine.models().learnedModel(SERIES);
    }

    /**
     * Settings. The model's settings are an {@link AnomalyDetector.Config.Builder} (see {@link #model}), so the
     * engine's defaults are listed in one place; this builder adds only what is its own: the features (derived
     * features, window), the post-processing and the peak damping.
     */
    public static final class Builder {
        private final List<String> fields;
        private Set<DerivedFeature> derived = EnumSet.noneOf(DerivedFeature.class);
        private int windowSize = FeatureSpec.DEFAULT_WINDOW_SIZE;
        private Consumer<AnomalyDetector.Config.Builder> model = settings -> {};
        private int peakWindow;
        private ScorePostProcessing postProcessing = ScorePostProcessing.OFF;

        private Builder(List<String> fields) {
            this.fields = fields;
        }

        public Builder derived(DerivedFeature... features) {
            this.derived =
                    features.length == 0 ? EnumSet.noneOf(DerivedFeature.class) : EnumSet.of(features[0], features);
            return this;
        }

        /** Readings in the rolling window of {@link DerivedFeature#WINDOW} (default 10). */
        public Builder windowSize(int readings) {
            this.windowSize = readings;
            return this;
        }

        /**
         * The model's settings (warm-up, retraining, forest, threshold, seed, learning guard), applied to a {@link
         * AnomalyDetector.Config.Builder} at the engine's defaults; repeated calls apply in turn. The scope is always
         * PER_MACHINE: the series is one machine with a model of its own, keyed by its id as in ScoreAnomaly.
         */
        public Builder model(Consumer<AnomalyDetector.Config.Builder> settings) {
            this.model = this.model.andThen(settings);
            return this;
        }

        /** Damp scores that are not a new peak of the last {@code readings} scores (default 0: off). */
        public Builder peakWindow(int readings) {
            if (readings < 0) {
                throw new IllegalArgumentException("Peak window must not be negative");
            }
            this.peakWindow = readings;
            return this;
        }

        /**
         * How raw scores become reported scores (default {@link ScorePostProcessing#OFF}); the peak damping, when
         * on, applies after it.
         */
        public Builder postProcessing(ScorePostProcessing settings) {
            this.postProcessing = settings == null ? ScorePostProcessing.OFF : settings;
            return this;
        }

        public StreamingDetector build() {
            AnomalyDetector.Config.Builder config =
                    AnomalyDetector.Config.builder(new FeatureSpec(fields, derived, windowSize));
            model.accept(config);
            config.scope(AnomalyDetector.Scope.PER_MACHINE);
            return new StreamingDetector(
                    AnomalyEngine.learning(new AnomalyEngine.Settings(config.build(), postProcessing, false)),
                    peakWindow);
        }
    }
}
