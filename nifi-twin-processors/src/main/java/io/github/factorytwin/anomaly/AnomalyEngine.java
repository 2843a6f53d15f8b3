package io.github.factorytwin.anomaly;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * ScoreAnomaly's engine, without NiFi: one entry point, {@link Batch#process(Reading)}, takes a reading and returns
 * its complete {@link Verdict} (score, verdict, driving feature and value, explanation). It composes, in this
 * order: a maintenance reset of the machine, feature extraction ({@link FeatureState}), the model's score ({@link
 * AnomalyDetector}, learned per scope key or given), the machine's score post-processing ({@link
 * PostProcessingState}), the decision against the threshold and the explanation. The processor maps record fields
 * to a {@link Reading} and a {@link Verdict} to fields; the evaluation (NAB, the simulator) drives the same entry
 * point. Thread-safe; one instance is shared by all concurrent tasks.
 *
 * <p><b>One state per machine.</b> Everything the engine remembers about a machine is one {@link MachineHistory} in
 * one registry bounded by the detector's {@code maxMachines} (the least recently seen machine is dropped beyond it,
 * see {@link #takeEvictions()}). A {@link Batch} (one per FlowFile) works on private copies of the machines it
 * touches and publishes them, together with the rows its models learn from, in one {@link Batch#commit()}; a batch
 * that is abandoned leaves no trace. Two concurrent batches with readings of the same machine each start from its
 * committed history and the later commit wins; keep a machine's readings in one queue (as the Kafka key does).
 */
public final class AnomalyEngine {

    /** The explanation of a reading that got no score because its model is still warming up. */
    public static final String WARMING_UP = "model warming up: no score yet";

    /**
     * Settings of an engine, resolved once (when the processor is scheduled).
     *
     * @param detector the features, model lifecycle, scope and threshold
     * @param postProcessing how raw scores become reported scores, per machine ({@link ScorePostProcessing#OFF}: raw)
     * @param resetAfterMaintenance whether a maintenance reading starts its machine's history afresh
     */
    public record Settings(
            AnomalyDetector.Config detector, ScorePostProcessing postProcessing, boolean resetAfterMaintenance) {
        public Settings {
            Objects.requireNonNull(detector, "detector");
            Objects.requireNonNull(postProcessing, "postProcessing");
        }
    }

    /**
     * One reading to score.
     *
     * @param machineId the machine: the key of its history (and of its model with scope PER_MACHINE); not null
     * @param machineType the machine's type, the key of its model with scope PER_MACHINE_TYPE (else unused)
     * @param regime an operating-context part of the model's key (null for none): readings of one scope key in
     *     different regimes then have models of their own
     * @param maintenance whether the reading marks a maintenance (see {@link Settings#resetAfterMaintenance()})
     * @param values the raw feature values in {@link FeatureSpec#fields()} order; NaN for a missing value. Read, not
     *     kept: a caller may reuse the array for its next reading
     */
    public record Reading(String machineId, String machineType, String regime, boolean maintenance, double[] values) {}

    /**
     * What the engine says about one reading.
     *
     * @param score the reported score in 0..1 (after post-processing), or null while no score is known (warm-up)
     * @param anomalous whether the score is at or above the threshold
     * @param feature the feature that drove the score (null while warming up)
     * @param featureValue that feature's value (null while warming up)
     * @param explanation one line for an operator; null on normal readings without an imputed value
     */
    public record Verdict(Double score, boolean anomalous, String feature, Double featureValue, String explanation) {}

    private final Settings settings;
    private final AnomalyDetector detector;
    private final FeatureSpec spec;
    private final double threshold;
    private final RecentlyUsed<MachineHistory> machines;
    private final AtomicLong evictions = new AtomicLong();

    private AnomalyEngine(Settings settings, AnomalyDetector detector) {
        this.settings = settings;
        this.detector = detector;
        this.spec = settings.detector().spec();
        this.threshold = settings.detector().threshold();
        this.machines = new RecentlyUsed<>(settings.detector().maxMachines());
        machines.onEvict(id -> evictions.incrementAndGet());
    }

    /** An engine that learns its models from the stream. */
    public static AnomalyEngine learning(Settings settings) {
        return new AnomalyEngine(settings, AnomalyDetector.learning(settings.detector()));
    }

    /**
     * An engine that scores with the model {@code model} supplies at the start of each batch (for example the
     * latest model file); while it supplies none, readings are rejected ({@link AnomalyDetector.NoModelException}).
     */
    public static AnomalyEngine withModel(Settings settings, Supplier<IsolationForestModel> model) {
        return new AnomalyEngine(settings, AnomalyDetector.withModel(settings.detector(), model));
    }

    public Settings settings() {
        return settings;
    }

    /** The models: their lifecycle, saving and restoring (see {@link AnomalyDetector}). */
    public AnomalyDetector models() {
        return detector;
    }

    /** Starts the work on one group of readings (one FlowFile); a batch is used by one thread. */
    public Batch begin() {
        return new Batch(detector.begin());
    }

    /** Machines dropped from memory for exceeding the maximum since the last call. */
    public long takeEvictions() {
        return evictions.getAndSet(0);
    }

    /** Number of machines with a history in memory. */
    public int machineCount() {
        return machines.size();
    }

    /** A snapshot of the committed machine histories (each is immutable once published). */
    public Map<String, MachineHistory> machines() {
        return machines.snapshot();
    }

    /** Each machine's committed feature state, e.g. to save it. */
    public Map<String, FeatureState> featureStates() {
        return part(MachineHistory::features);
    }

    /** Each machine's committed post-processing state (empty when post-processing is off), e.g. to save it. */
    public Map<String, PostProcessingState> postProcessingStates() {
        return part(MachineHistory::postProcessing);
    }

    private <T> Map<String, T> part(java.util.function.Function<MachineHistory, T> of) {
        Map<String, T> parts = new HashMap<>();
        machines.snapshot().forEach((id, machine) -> {
            T value = of.apply(machine);
            if (value != null) {
                parts.put(id, value);
            }
        });
        return parts;
    }

    /**
     * Restores machines' histories from what was saved (e.g. before a restart); either map may be empty, and a
     * machine missing from one of them starts that part afresh.
     */
    public void restore(Map<String, FeatureState> features, Map<String, PostProcessingState> postProcessing) {
        ScorePostProcessing post = settings.postProcessing();
        java.util.Set<String> ids = new java.util.HashSet<>(features.keySet());
        if (!post.isOff()) {
            ids.addAll(postProcessing.keySet());
        }
        Map<String, MachineHistory> restored = new HashMap<>();
        for (String id : ids) {
            MachineHistory fresh = MachineHistory.fresh(spec, post);
            FeatureState feature = features.get(id);
            PostProcessingState state = post.isOff() ? null : postProcessing.get(id);
            restored.put(
                    id,
                    new MachineHistory(
                            feature == null ? fresh.features() : feature,
                            state == null ? fresh.postProcessing() : state));
        }
        machines.putAll(restored);
    }

    /** One group of readings; see the class comment. Not thread-safe. */
    public final class Batch {
        private final AnomalyDetector.Batch models;
        private final Map<String, MachineHistory> touched = new HashMap<>();
        private long anomalies;

        private Batch(AnomalyDetector.Batch models) {
            this.models = models;
        }

        /**
         * Scores one reading, updates its machine's history and decides.
         *
         * @throws MissingFeatureException when a feature value is missing and cannot be imputed
         * @throws AnomalyDetector.NoModelException when the engine scores with a given model and none is loaded
         */
        public Verdict process(Reading reading) throws MissingFeatureException, AnomalyDetector.NoModelException {
            models.requireModel();
            String id = reading.machineId();
            MachineHistory machine;
            if (settings.resetAfterMaintenance() && reading.maintenance()) {
                machine = MachineHistory.fresh(spec, settings.postProcessing());
                touched.put(id, machine);
            } else {
                machine = touched.get(id);
                if (machine == null) {
                    MachineHistory committed = machines.get(id);
                    machine = committed == null
                            ? MachineHistory.fresh(spec, settings.postProcessing())
                            : committed.copy();
                    touched.put(id, machine);
                }
            }
            double[] raw = reading.values();
            Features features =
                    machine.features().extract(spec, raw, settings.detector().missing());
            String scopeKey = scopeKey(reading);
            AnomalyDetector.Result result = models.score(scopeKey, features);
            Double score = result.score();
            boolean anomalous = result.anomalous();
            PostProcessedScore post = null;
            if (machine.postProcessing() != null) {
                // the post-processing sees every reading, the model's warm-up included (the range learns them)
                post = machine.postProcessing().apply(score == null ? Double.NaN : score, raw);
                score = Double.isNaN(post.score()) ? null : post.score();
                anomalous = score != null && post.score() >= threshold;
            }
            // the learning guard judges the verdict reported, on the threshold's own scale
            models.admit(scopeKey, result, machine.features(), anomalous);
            if (anomalous) {
                anomalies++;
            }
            return verdict(result, score, anomalous, post, raw);
        }

        private String scopeKey(Reading reading) {
            String key = settings.detector().scope().key(reading.machineId(), reading.machineType());
            return reading.regime() == null ? key : key + '@' + reading.regime();
        }

        /**
         * The model's own explanation when the model and the final verdict agree; otherwise the feature without
         * the model's sentence, and a range or likelihood sentence says why instead.
         */
        private Verdict verdict(
                AnomalyDetector.Result result, Double score, boolean anomalous, PostProcessedScore post, double[] raw) {
            Explanation explanation = result.explain(anomalous && result.anomalous());
            if (explanation == null) {
                if (post != null && post.outOfRange() >= 0) {
                    return outOfRange(score, anomalous, post, raw);
                }
                return new Verdict(score, anomalous, null, null, WARMING_UP);
            }
            if (post != null && post.outOfRange() >= 0) {
                return outOfRange(score, anomalous, post, raw);
            }
            String text = explanation.text();
            if (post != null && anomalous && !result.anomalous()) {
                text = String.format(
                        Locale.ROOT,
                        "unlikely change of anomaly scores; %s=%.2f (normal %.2f..%.2f)",
                        explanation.feature(),
                        explanation.value(),
                        explanation.normalLow(),
                        explanation.normalHigh());
            }
            return new Verdict(score, anomalous, explanation.feature(), explanation.value(), text);
        }

        private Verdict outOfRange(Double score, boolean anomalous, PostProcessedScore post, double[] raw) {
            String feature = spec.fields().get(post.outOfRange());
            double value = raw[post.outOfRange()];
            String text = String.format(
                    Locale.ROOT,
                    "%s=%.2f outside the machine's range so far %.2f..%.2f",
                    feature,
                    value,
                    post.low(),
                    post.high());
            return new Verdict(score, anomalous, feature, value, text);
        }

        /** Publishes the touched machines' histories and learns from the batch's readings (may fit models). */
        public void commit() {
            machines.putAll(touched);
            touched.clear();
            models.commit();
        }

        /** Why fits during {@link #commit()} were refused (e.g. too few distinct readings), one line per fit. */
        public List<String> refusedFits() {
            return models.refusedFits();
        }

        /** Readings the model scored in this batch (not those warming up). */
        public long scoredCount() {
            return models.scoredCount();
        }

        /** Readings found anomalous in this batch (after post-processing). */
        public long anomalyCount() {
            return anomalies;
        }
    }
}
