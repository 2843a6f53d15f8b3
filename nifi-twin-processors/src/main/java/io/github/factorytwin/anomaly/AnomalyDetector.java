package io.github.factorytwin.anomaly;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * The models behind ScoreAnomaly's {@link AnomalyEngine}: their lifecycle (a given model, or models learned from the
 * stream per scope key) and the scoring of feature vectors. Thread-safe; one instance is shared by all concurrent
 * tasks.
 *
 * <p><b>Lifecycle.</b> Either a fixed model supplier (a model file, see {@link ModelFileWatcher}), or learning from
 * the stream: for each scope key (one for GLOBAL, the machine id for PER_MACHINE, the machine type for
 * PER_MACHINE_TYPE) the first {@code warmUpSize} readings are collected (or, from {@code warmUpMinimum} on, as
 * many as it takes the readings to become stable, see {@link WarmUpStability}), then a forest is fitted and every
 * later reading is scored. With a retrain interval {@code M > 0} the learner keeps a sliding sample of the last
 * {@code sampleSize} (by default {@code warmUpSize}) readings that were not imputed and, after every {@code M} such
 * readings, grows the forest again on it when that would change something ({@link RefitRule}: half the sample is
 * new since the fit, or the forest scores the readings learned lately differently from those learned just after
 * the fit), so the model follows slow, benign change (a seasonal temperature, a new operating level reached
 * gradually) without regrowing an unchanged forest.
 *
 * <p><b>Guard.</b> Each machine keeps the share of its recent readings found anomalous (an exponentially weighted
 * average of the verdicts over about {@link FeatureState#RECENT_READINGS} readings). The verdict is the one
 * reported, after any post-processing of the score ({@link Batch#admit}: the engine hands it over), so the guard
 * compares on the threshold's own scale. A scored reading joins the
 * sliding sample only while that share is below {@code learningGuard}: single outlying readings of a normal machine
 * are learned (so the sample keeps its tails and does not narrow into a model that finds everything anomalous),
 * while a machine whose readings have become persistently anomalous, as a developing fault makes them, stops
 * feeding the sample, so the fault is not learned away. What a fault shows before its machine crosses the guard is
 * learned (the trade-off, measured in the scorecard). A machine held back for a while whose readings have
 * settled at a new level (a new duty) is learned again, so it does not stay anomalous for good, while a fault that
 * keeps developing stays held back: {@link AdaptationPolicy} states the rule. Without the guard ({@code
 * learningGuard} above 1) every usable reading is learned: the model then follows any lasting change, and a slow
 * fault too.
 *
 * <p><b>Batches.</b> Work is done in a {@link Batch} (one per FlowFile, inside the engine's batch): the rows to
 * learn from are kept by the batch and learned only by {@link Batch#commit()}. A batch that is abandoned
 * (unreadable content) leaves no trace. Models are immutable and swapped atomically ({@code volatile}), so scoring
 * never waits for a fit; learners are locked per scope key while rows are added or a model is fitted.
 */
public final class AnomalyDetector {

    private static final int INITIAL_SAMPLE = 16;

    /** Which readings share a model when learning from the stream. */
    public enum Scope {
        GLOBAL,
        PER_MACHINE,
        PER_MACHINE_TYPE;

        /** The key of GLOBAL's one model (any fixed key would do: every reading shares it). */
        public static final String GLOBAL_KEY = "*";

        /** The key of the model that scores a reading of {@code machineId}, of type {@code machineType}. */
        public String key(String machineId, String machineType) {
            return switch (this) {
                case GLOBAL -> GLOBAL_KEY;
                case PER_MACHINE -> machineId;
                case PER_MACHINE_TYPE -> machineType;
            };
        }
    }

    /**
     * Settings of a detector.
     *
     * @param spec the features
     * @param missing what to do with missing or non-finite feature values
     * @param scope which readings share a learned model (ignored with a fixed model)
     * @param warmUpSize readings collected per scope key before the first fit (also the sliding sample's size)
     * @param retrainInterval refit after this many usable scored readings; 0 = never
     * @param trees number of trees
     * @param subsampleSize rows per tree
     * @param threshold score at or above which a reading is anomalous
     * @param seed seed of the fits; null for a random seed per fit
     * @param sampleSize readings in the sliding sample that retraining fits on (at least {@code warmUpSize})
     * @param maxMachines machines (and scope keys) kept in memory; the least recently seen is dropped beyond it
     * @param learningGuard a scored reading joins the retraining sample only while the share of its machine's
     *     recent readings found anomalous is below this (above 1: no guard, every usable reading is learned)
     * @param warmUpMinimum the fewest readings a warm-up may end at, once its sample has stabilised ({@link
     *     WarmUpStability}); {@code warmUpSize} (the default) for a warm-up of exactly {@code warmUpSize} readings
     */
    public record Config(
            FeatureSpec spec,
            MissingValueStrategy missing,
            Scope scope,
            int warmUpSize,
            int retrainInterval,
            int trees,
            int subsampleSize,
            double threshold,
            Long seed,
            int sampleSize,
            int maxMachines,
            double learningGuard,
            int warmUpMinimum) {

        /** No guard: every usable reading joins the retraining sample. */
        public static final double NO_GUARD = Double.POSITIVE_INFINITY;

        public Config {
            Objects.requireNonNull(spec, "spec");
            Objects.requireNonNull(missing, "missing");
            Objects.requireNonNull(scope, "scope");
            if (warmUpSize < 2) {
                throw new IllegalArgumentException("Warm-up size must be at least 2");
            }
            if (maxMachines < 1) {
                throw new IllegalArgumentException("At least one machine must be kept");
            }
            if (sampleSize < warmUpSize) {
                throw new IllegalArgumentException("The retraining sample must hold at least the warm-up readings");
            }
            if (retrainInterval < 0) {
                throw new IllegalArgumentException("Retrain interval must not be negative");
            }
            if (!(threshold > 0 && threshold <= 1)) {
                throw new IllegalArgumentException("Threshold must be in (0, 1]");
            }
            if (!(learningGuard > 0)) {
                throw new IllegalArgumentException("Learning guard must be greater than 0");
            }
            if (warmUpMinimum < 2 || warmUpMinimum > warmUpSize) {
                throw new IllegalArgumentException("The warm-up minimum must be between 2 and the warm-up size");
            }
        }

        /** A builder with every setting at its default (see {@link Builder}). */
        public static Builder builder(FeatureSpec spec) {
            return new Builder(spec);
        }

        /** A builder starting from this configuration, to change some of its settings. */
        public Builder toBuilder() {
            Builder builder = new Builder(spec);
            if (warmUpMinimum < warmUpSize) {
                // only a minimum that was set: the default follows a new warm-up size
                builder.warmUpMinimum(warmUpMinimum);
            }
            return builder.missing(missing)
                    .scope(scope)
                    .warmUpSize(warmUpSize)
                    .retrainInterval(retrainInterval)
                    .trees(trees)
                    .subsampleSize(subsampleSize)
                    .threshold(threshold)
                    .seed(seed)
                    .sampleSize(sampleSize)
                    .maxMachines(maxMachines)
                    .learningGuard(learningGuard);
        }

        /**
         * Builds a {@link Config}; the one place listing the engine's defaults: impute missing values with the last
         * one, one GLOBAL model, a warm-up of 1,000 readings, no retraining, 100 trees of 256 rows, threshold 0.65, a
         * random seed per fit, a retraining sample as large as the warm-up, every machine kept, no learning guard.
         * (ScoreAnomaly's properties set every one of them.) The record's constructor checks the values.
         */
        public static final class Builder {

            private final FeatureSpec spec;
            private MissingValueStrategy missing = MissingValueStrategy.IMPUTE_LAST;
            private Scope scope = Scope.GLOBAL;
            private int warmUpSize = 1000;
            private int retrainInterval = 0;
            private int trees = 100;
            private int subsampleSize = 256;
            private double threshold = 0.65;
            private Long seed = null;
            /** Null: as large as the warm-up. */
            private Integer sampleSize = null;

            private int maxMachines = Integer.MAX_VALUE;
            private double learningGuard = Config.NO_GUARD;
            /** Null: the warm-up size (a fixed warm-up). */
            private Integer warmUpMinimum = null;

            private Builder(FeatureSpec spec) {
                this.spec = spec;
            }

            public Builder missing(MissingValueStrategy missing) {
                this.missing = missing;
                return this;
            }

            public Builder scope(Scope scope) {
                this.scope = scope;
                return this;
            }

            public Builder warmUpSize(int warmUpSize) {
                this.warmUpSize = warmUpSize;
                return this;
            }

            /** Refit after this many usable scored readings; 0 = never. */
            public Builder retrainInterval(int retrainInterval) {
                this.retrainInterval = retrainInterval;
                return this;
            }

            public Builder trees(int trees) {
                this.trees = trees;
                return this;
            }

            public Builder subsampleSize(int subsampleSize) {
                this.subsampleSize = subsampleSize;
                return this;
            }

            public Builder threshold(double threshold) {
                this.threshold = threshold;
                return this;
            }

            /** Seed of the fits; null for a random seed per fit. */
            public Builder seed(Long seed) {
                this.seed = seed;
                return this;
            }

            /** Readings in the sliding sample that retraining fits on (at least the warm-up size). */
            public Builder sampleSize(int sampleSize) {
                this.sampleSize = sampleSize;
                return this;
            }

            public Builder maxMachines(int maxMachines) {
                this.maxMachines = maxMachines;
                return this;
            }

            /** See the class comment; {@link Config#NO_GUARD} (or any value above 1) learns every usable reading. */
            public Builder learningGuard(double learningGuard) {
                this.learningGuard = learningGuard;
                return this;
            }

            /**
             * The fewest readings a warm-up may end at once its sample has stabilised ({@link WarmUpStability}); by
             * default the warm-up size, so every warm-up takes exactly that many readings.
             */
            public Builder warmUpMinimum(int readings) {
                this.warmUpMinimum = readings;
                return this;
            }

            public Config build() {
                return new Config(
                        spec,
                        missing,
                        scope,
                        warmUpSize,
                        retrainInterval,
                        trees,
                        subsampleSize,
                        threshold,
                        seed,
                        sampleSize == null ? warmUpSize : sampleSize,
                        maxMachines,
                        learningGuard,
                        warmUpMinimum == null ? warmUpSize : warmUpMinimum);
            }
        }
    }

    /**
     * The result for one reading.
     *
     * @param score the anomaly score in (0, 1], or null while the reading's model is warming up
     * @param anomalous {@code score >= threshold}; false while warming up
     * @param features the reading's features
     * @param model the model that scored it; null while warming up
     */
    public record Result(Double score, boolean anomalous, Features features, IsolationForestModel model) {

        /**
         * The feature that contributed most (null while warming up), for a reading whose final verdict is {@code
         * anomalous}: that decides how the feature is chosen, and the text is built only for anomalous readings and
         * readings with an imputed value. Pass the verdict after any post-processing of the score.
         */
        public Explanation explain(boolean anomalous) {
            return model == null
                    ? null
                    : model.explain(
                            features.values(), anomalous, features.imputed(), anomalous || features.isImputed());
        }

        /** {@link #explain(boolean)} for this result's own verdict. */
        public Explanation explanation() {
            return explain(anomalous);
        }
    }

    private final Config config;
    private final Supplier<IsolationForestModel> fixedModel;
    private final RecentlyUsed<Learner> learners;
    private final AdaptationPolicy policy;

    private AnomalyDetector(Config config, Supplier<IsolationForestModel> fixedModel) {
        this.config = config;
        this.policy = new AdaptationPolicy(config.retrainInterval() > 0, config.learningGuard());
        this.fixedModel = fixedModel;
        this.learners = new RecentlyUsed<>(config.maxMachines());
    }

    /** The settings. */
    public Config config() {
        return config;
    }

    /** A detector that learns its models from the stream. */
    public static AnomalyDetector learning(Config config) {
        return new AnomalyDetector(config, null);
    }

    /**
     * A detector that scores with the model {@code model} supplies at the start of each batch (for example the
     * latest model file). The supplier may return null when no model is available: readings are then rejected.
     */
    public static AnomalyDetector withModel(Config config, Supplier<IsolationForestModel> model) {
        return new AnomalyDetector(config, Objects.requireNonNull(model));
    }

    /** Whether this detector learns its models from the stream (rather than scoring with a given model). */
    public boolean learns() {
        return fixedModel == null;
    }

    /** Starts the work on one group of readings (one FlowFile); a batch is used by one thread. */
    public Batch begin() {
        return new Batch(fixedModel == null ? null : fixedModel.get());
    }

    /** The current model of a scope key, or null while it warms up (learning detectors only). */
    public IsolationForestModel learnedModel(String scopeKey) {
        Learner learner = learners.get(scopeKey);
        return learner == null ? null : learner.model;
    }

    /**
     * Called (under the scope key's lock, in the committing thread) after each fit of a learned model, e.g. to
     * save it; a listener must not throw.
     */
    public interface FitListener {
        void fitted(String scopeKey, IsolationForestModel model);
    }

    private volatile FitListener fitListener;

    /** Sets the listener told about each newly fitted learned model (null for none). */
    public void onFit(FitListener listener) {
        this.fitListener = listener;
    }

    /** What was saved for a scope key (e.g. before a restart); either part may be null. */
    public record Saved(IsolationForestModel model, List<double[]> sample) {}

    /** Supplies what was saved for a scope key, or null; must not throw (report problems itself). */
    public interface SavedState {
        Saved load(String scopeKey);
    }

    private volatile SavedState savedState;

    /**
     * Where to look for what was learned earlier: each scope key asks once, when first seen, so a key with a saved
     * model is scored at once. With a retrain interval the saved sliding sample is restored with it, and the
     * restored forest counts as grown on that sample (see {@link RefitRule}).
     */
    public void restoreFrom(SavedState state) {
        if (fixedModel != null) {
            throw new IllegalStateException("Only a learning detector restores learned models");
        }
        this.savedState = state;
    }

    /**
     * The learning samples not yet used up, oldest row first, by scope key: the unfinished warm-ups, and with a
     * retrain interval the sliding samples (e.g. to save them before a restart).
     */
    public Map<String, List<double[]>> learningSamples() {
        Map<String, List<double[]>> samples = new HashMap<>();
        learners.snapshot().forEach((key, learner) -> {
            List<double[]> rows = learner.rows();
            if (!rows.isEmpty()) {
                samples.put(key, rows);
            }
        });
        return samples;
    }

    /** One group of readings; see the class comment. Not thread-safe. */
    public final class Batch {
        private final IsolationForestModel batchModel;
        private final Map<Learner, Pending> toLearn = new IdentityHashMap<>();
        private final Map<String, Learner> batchLearners = new HashMap<>();
        /** Warm-up models fitted in this batch, installed at commit. */
        private final Map<Learner, IsolationForestModel> fittedHere = new IdentityHashMap<>();
        /** After a refused fit in this batch: the number of pending rows at which to try again. */
        private final Map<Learner, Integer> retryAfter = new IdentityHashMap<>();

        private final List<String> refused = new ArrayList<>(0);
        private long scored;
        private long anomalies;

        private Batch(IsolationForestModel batchModel) {
            this.batchModel = batchModel;
        }

        /** Throws when this batch has nothing to score with: a detector with a fixed model and none loaded. */
        public void requireModel() throws NoModelException {
            if (fixedModel != null && batchModel == null) {
                throw new NoModelException("No model is loaded");
            }
        }

        /**
         * Scores one reading's features with its scope key's model, or learns from them while that key warms up. A
         * scored reading joins the retraining sample only through {@link #admit}, once its final verdict is known.
         *
         * @param scopeKey the key of the learned model (see {@link Scope}); ignored with a fixed model
         * @param features the reading's features (see {@link FeatureState#extract})
         * @throws NoModelException when the detector has a fixed model and none is loaded
         */
        public Result score(String scopeKey, Features features) throws NoModelException {
            requireModel();
            IsolationForestModel model;
            Learner learner = null;
            if (fixedModel != null) {
                model = batchModel;
            } else {
                learner = learner(scopeKey);
                model = learner.model;
                if (model == null) {
                    model = fittedHere.get(learner);
                }
            }
            if (model == null) {
                if (learnable(features)) {
                    Pending pending = toLearn.computeIfAbsent(learner, l -> new Pending());
                    pending.add(features.values(), Double.NaN, null);
                    fitIfWarm(learner, pending.rows);
                }
                return new Result(null, false, features, null);
            }
            double score = model.score(features.values());
            boolean anomalous = score >= config.threshold();
            scored++;
            if (anomalous) {
                anomalies++;
            }
            return new Result(score, anomalous, features, model);
        }

        /**
         * Hands a scored reading to the learning guard with its final verdict ({@code anomalous}: what is reported,
         * after any post-processing of the score, so the guard judges on the scale the Anomaly Threshold is on): the
         * verdict is noted in its machine's state ({@code machine}; null: no machine to guard, the reading is
         * learned as without a guard), and the reading joins its scope key's retraining sample when {@link
         * AdaptationPolicy} admits it. Call once per reading {@link #score} scored, in reading order.
         */
        public void admit(String scopeKey, Result result, FeatureState machine, boolean anomalous) {
            if (result.score() == null) {
                return; // warming up: score() took the reading into the warm-up
            }
            double[] values = result.features().values();
            boolean admitted =
                    policy.admits(machine, values, result.score(), anomalous) && learnable(result.features());
            if (admitted && fixedModel == null) {
                toLearn.computeIfAbsent(learner(scopeKey), l -> new Pending())
                        .add(values, result.score(), result.model());
            }
        }

        /**
         * Fits the key's model within the batch once its committed sample and the batch's rows complete the
         * warm-up, so the batch's later readings are scored; the model is installed only when the batch commits.
         * A refused fit is tried again after another tenth of a warm-up.
         */
        private void fitIfWarm(Learner learner, List<double[]> pending) {
            Integer retryAt = retryAfter.get(learner);
            if (retryAt != null && pending.size() < retryAt) {
                return;
            }
            Learner.Fit fit = learner.warmUpFit(pending);
            if (fit == null) {
                return;
            }
            try {
                fittedHere.put(
                        learner,
                        IsolationForestModel.fit(
                                config.spec().names(), fit.rows(), config.trees(), config.subsampleSize(), fit.seed()));
                retryAfter.remove(learner);
            } catch (RuntimeException e) {
                retryAfter.put(learner, pending.size() + retryGap());
                refused.add(learner.refusal(fit.rows().length, e, false));
            }
        }

        /** The learner of a scope key, restored from the saved state when first seen. */
        private Learner learner(String scopeKey) {
            Learner learner = batchLearners.get(scopeKey);
            if (learner == null) {
                learner = learners.computeIfAbsent(scopeKey, Learner::new);
                learner.restoreOnce();
                batchLearners.put(scopeKey, learner);
            }
            return learner;
        }

        /** Readings that got a score in this batch. */
        public long scoredCount() {
            return scored;
        }

        /** Readings found anomalous in this batch. */
        public long anomalyCount() {
            return anomalies;
        }

        /**
         * Learns from the batch's readings (may fit models). A fit that is refused (see {@link #refusedFits()})
         * installs nothing: a warming-up key goes on collecting, a key with a model keeps it.
         */
        public void commit() {
            toLearn.forEach((learner, pending) ->
                    learner.learn(pending, refused, fittedHere.get(learner), retryAfter.containsKey(learner)));
            toLearn.clear();
            fittedHere.clear();
            retryAfter.clear();
        }

        /** Why fits during {@link #commit()} were refused (e.g. too few distinct readings), one line per fit. */
        public List<String> refusedFits() {
            return refused;
        }
    }

    /**
     * Whether a reading is learned from: imputed readings are not (they repeat a value), nor non-finite features
     * (finite but extreme raw values can make a DELTA infinite), which no forest can be fitted on.
     */
    private static boolean learnable(Features features) {
        return !features.isImputed() && IsolationForestModel.isFinite(features.values());
    }

    /**
     * A batch's rows to learn for one scope key, with the score each got (NaN while warming up) and the model that
     * gave the scores, which {@link RefitRule} compares only while that model is still the key's. Scores of two
     * models in one batch (another task's commit refitted in between) are not used at all.
     */
    private static final class Pending {
        final List<double[]> rows = new ArrayList<>();
        private double[] scores = new double[16];
        private IsolationForestModel scoredBy;
        private boolean mixed;

        void add(double[] row, double score, IsolationForestModel model) {
            if (rows.size() == scores.length) {
                scores = Arrays.copyOf(scores, 2 * scores.length);
            }
            scores[rows.size()] = score;
            rows.add(row);
            if (model != null) {
                mixed |= scoredBy != null && scoredBy != model;
                scoredBy = model;
            }
        }

        /** The score of row {@code i} by {@code model}, NaN when another model scored it (or none did). */
        double score(int i, IsolationForestModel model) {
            return model != null && model == scoredBy && !mixed ? scores[i] : Double.NaN;
        }
    }

    /** No model is available to score with. */
    public static class NoModelException extends Exception {
        public NoModelException(String message) {
            super(message);
        }
    }

    /** The learned model of one scope key and the sample it is (re)fitted on. */
    private final class Learner {
        private final String key;
        private volatile IsolationForestModel model;
        private double[][] sample;
        private int filled;
        private int next;
        private long sinceFit;
        private final RefitRule refits = new RefitRule();
        private long untilAttempt;
        private int fits;
        private boolean restored;

        Learner(String key) {
            this.key = key;
            // grows as rows arrive (doubling), so a key costs what it has seen, not the configured size
            this.sample = new double[Math.min(INITIAL_SAMPLE, config.sampleSize())][];
        }

        /** Adds a row to the sample: appended while it grows, then replacing the oldest. */
        private void add(double[] row) {
            int capacity = config.sampleSize();
            if (filled == sample.length && sample.length < capacity) {
                sample = Arrays.copyOf(sample, (int) Math.min(capacity, 2L * sample.length));
            }
            sample[next] = row; // while growing, next == filled < sample.length
            next = next + 1 == capacity ? 0 : next + 1;
            filled = Math.min(filled + 1, capacity);
        }

        /** Takes what was saved for this key, once (before any row is learned). */
        synchronized void restoreOnce() {
            SavedState state = savedState;
            if (restored || state == null) {
                restored = true;
                return;
            }
            restored = true;
            Saved saved = state.load(key);
            if (saved == null) {
                return;
            }
            if (saved.model() != null
                    && saved.model().featureNames().equals(config.spec().names())) {
                model = saved.model();
                fits = 1;
                if (config.retrainInterval() == 0) {
                    sample = null;
                }
            }
            if (saved.sample() != null && sample != null) {
                for (double[] row : saved.sample()) {
                    if (row.length == config.spec().dimension() && IsolationForestModel.isFinite(row)) {
                        add(row);
                    }
                }
            }
        }

        /** The sample's rows, oldest first (empty when there is no sample). */
        synchronized List<double[]> rows() {
            if (sample == null || filled == 0) {
                return List.of();
            }
            List<double[]> rows = new ArrayList<>(filled);
            int start = filled < config.sampleSize() ? 0 : next; // once full, next is the oldest
            for (int i = 0; i < filled; i++) {
                rows.add(sample[(start + i) % filled]);
            }
            return rows;
        }

        /**
         * Whether a warm-up of {@code n} rows (supplied oldest first, only when they are looked at) is complete: at
         * the warm-up size, or at a check from the minimum on once the rows have stabilised.
         */
        private boolean warmUpComplete(int n, Supplier<List<double[]>> rows) {
            return n >= config.warmUpSize()
                    || (WarmUpStability.checkedAt(n, config.warmUpMinimum()) && WarmUpStability.stable(rows.get()));
        }

        /** The committed sample's rows, then {@code pending}. */
        private List<double[]> withPending(List<double[]> pending) {
            List<double[]> rows = new ArrayList<>(filled + pending.size());
            rows.addAll(rows());
            rows.addAll(pending);
            return rows;
        }

        /** A warm-up fit's rows (the committed sample, then the batch's) and seed. */
        record Fit(double[][] rows, long seed) {}

        /** The fit that completes the warm-up with {@code pending} rows, or null when it is not complete. */
        synchronized Fit warmUpFit(List<double[]> pending) {
            if (model != null
                    || sample == null
                    || !warmUpComplete(filled + pending.size(), () -> withPending(pending))) {
                return null;
            }
            List<double[]> rows = withPending(pending);
            List<double[]> last = rows.subList(Math.max(0, rows.size() - config.sampleSize()), rows.size());
            return new Fit(last.toArray(double[][]::new), seed());
        }

        private long seed() {
            return config.seed() == null
                    ? ThreadLocalRandom.current().nextLong()
                    : mix(config.seed(), key.hashCode(), fits);
        }

        String refusal(int rows, Exception e, boolean hasModel) {
            return "No model fitted for '" + key + "' on " + rows + " readings: " + e.getMessage()
                    + (hasModel ? "; the previous model stays" : "; still warming up");
        }

        /**
         * Adds a committed batch's rows. {@code fittedInBatch}: the warm-up model the batch fitted (installed
         * when the warm-up is still open); {@code refusedInBatch}: the batch's own fit was refused (so it is not
         * tried again at once).
         */
        synchronized void learn(
                Pending pending, List<String> refused, IsolationForestModel fittedInBatch, boolean refusedInBatch) {
            List<double[]> rows = pending.rows;
            for (int i = 0; i < rows.size(); i++) {
                if (sample == null) {
                    return;
                }
                add(rows.get(i));
                if (model == null) {
                    if (!warmUpComplete(filled, this::rows)) {
                        continue;
                    }
                    if (fittedInBatch != null) {
                        install(fittedInBatch);
                    } else if (refusedInBatch) {
                        untilAttempt = retryGap();
                        refusedInBatch = false;
                    } else if (--untilAttempt <= 0) {
                        fit(refused);
                    }
                } else {
                    refits.added(pending.score(i, model));
                    if (++sinceFit >= config.retrainInterval() && filled >= config.warmUpMinimum()) {
                        sinceFit = 0;
                        if (refits.due(filled)) {
                            fit(refused);
                        }
                    }
                }
            }
        }

        /**
         * Fits on the sample. A refused fit (too few distinct readings, or anything the fit throws) installs
         * nothing: the warm-up goes on and tries again after a tenth of a warm-up more, a retrain keeps the model.
         */
        private void fit(List<String> refused) {
            double[][] data = new double[filled][];
            System.arraycopy(sample, 0, data, 0, filled);
            long seed = seed();
            sinceFit = 0;
            IsolationForestModel fitted;
            try {
                fitted = IsolationForestModel.fit(
                        config.spec().names(), data, config.trees(), config.subsampleSize(), seed);
            } catch (RuntimeException e) {
                untilAttempt = retryGap();
                refused.add(refusal(filled, e, model != null));
                return;
            }
            install(fitted);
        }

        private void install(IsolationForestModel fitted) {
            sinceFit = 0;
            refits.fitted();
            model = fitted;
            fits++;
            if (config.retrainInterval() == 0) {
                sample = null;
            }
            FitListener listener = fitListener;
            if (listener != null) {
                listener.fitted(key, model);
            }
        }
    }

    /** Rows to wait after a refused warm-up fit before trying again. */
    private int retryGap() {
        return Math.max(1, config.warmUpSize() / 10);
    }

    private static long mix(long seed, int key, int fits) {
        long z = seed ^ (0x9E3779B97F4A7C15L * (key + 1L)) ^ (0xBF58476D1CE4E5B9L * (fits + 1L));
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
