package io.github.factorytwin.evaluation.simulator;

import io.github.factorytwin.anomaly.AnomalyDetector;
import io.github.factorytwin.anomaly.AnomalyEngine;
import io.github.factorytwin.anomaly.FeatureSpec;
import io.github.factorytwin.anomaly.MissingFeatureException;
import io.github.factorytwin.anomaly.MissingValueStrategy;
import io.github.factorytwin.anomaly.ScopeRegimes;
import io.github.factorytwin.anomaly.ScorePostProcessing;
import io.github.factorytwin.context.OperatingContext;
import io.github.factorytwin.context.RegimeFinder;
import io.github.factorytwin.health.Alert;
import io.github.factorytwin.health.BaselineFollowing;
import io.github.factorytwin.health.HealthAssessment;
import io.github.factorytwin.health.HealthConfig;
import io.github.factorytwin.health.HealthEngine;
import io.github.factorytwin.health.HealthStatus;
import io.github.factorytwin.health.LateReadingException;
import io.github.factorytwin.health.ScoredReading;
import io.github.factorytwin.simulator.MachineCondition;
import io.github.factorytwin.simulator.SimulatedReading;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Set;

/**
 * ScoreAnomaly's and ComputeHealthScore's engines in a row, as the flow chains the processors: each
 * reading is scored by the anomaly engine (learning per machine from the stream), and the score and
 * the sensors go to the health engine, whose RAISED alert events are what the evaluation counts.
 */
public final class EnginePipeline {

    public static final List<String> SENSORS = List.of("temperature", "vibration", "rpm");

    private final AnomalyDetector.Config anomalyConfig;
    private final AnomalyEngine anomaly;
    private final HealthEngine health;
    /** Where each Operating Regimes context field is among the sensors; empty otherwise. */
    private final int[] contextIndex;
    /** ScoreAnomaly's operating regimes (its Operating Context Fields), null without; and where they are. */
    private final ScopeRegimes anomalyRegimes;

    private final int[] anomalyContextIndex;

    /**
     * ComputeHealthScore's entry point, one batch for the whole replay: every machine's state stays checked out in
     * it (never committed, so never encoded), as within one of the processor's FlowFiles.
     */
    private final HealthEngine.Batch healthBatch;

    private final String description;

    /** Forests the anomaly engine has grown (warm-ups and refits), for the log. */
    private long forestsGrown;

    /** The health engine's assessment of the reading {@link #observe} saw last; null before the first. */
    private HealthAssessment lastAssessment;

    public EnginePipeline(AnomalyDetector.Config anomalyConfig, HealthConfig healthConfig) {
        this(anomalyConfig, null, healthConfig);
    }

    /**
     * With ScoreAnomaly's Operating Context Fields ({@code anomalyContext}, fields among {@link #SENSORS}; null for
     * none): a model per scope key and regime, as the processor does.
     */
    public EnginePipeline(
            AnomalyDetector.Config anomalyConfig, OperatingContext anomalyContext, HealthConfig healthConfig) {
        this.anomalyConfig = anomalyConfig;
        this.anomalyContextIndex = anomalyContext == null ? new int[0] : indexes(anomalyContext.fields());
        this.anomalyRegimes = anomalyContext == null
                ? null
                : new ScopeRegimes(
                        anomalyConfig.scope(),
                        new RegimeFinder(anomalyContext),
                        anomalyContextIndex.length,
                        anomalyConfig.maxMachines(),
                        null,
                        (what, key, e) -> {});
        // Raw scores, and no reset at maintenance: the pipeline's anomaly engine as the evaluation has always run it.
        this.anomaly =
                AnomalyEngine.learning(new AnomalyEngine.Settings(anomalyConfig, ScorePostProcessing.OFF, false));
        anomaly.models().onFit((key, model) -> forestsGrown++);
        this.health = new HealthEngine(healthConfig, null);
        this.healthBatch = health.begin();
        // As ComputeHealthScore reads them: the Operating Regimes context fields, here among the simulator's sensors.
        var context = healthConfig.context();
        this.contextIndex = context.regimesModelled() ? indexes(context.fields()) : new int[0];
        this.description = "ScoreAnomaly engine (" + anomalyConfig.scope() + ", warm-up "
                + anomalyConfig.warmUpSize()
                + (anomalyConfig.warmUpMinimum() < anomalyConfig.warmUpSize()
                        ? " (ending from " + anomalyConfig.warmUpMinimum() + " when stable)"
                        : "")
                + retraining(anomalyConfig) + ", derived "
                + anomalyConfig.spec().derived() + ", threshold "
                + anomalyConfig.threshold()
                + (anomalyContext == null ? "" : ", operating context " + anomalyContext.fields())
                + ") -> ComputeHealthScore engine (warning "
                + healthConfig.warningThreshold() + ", critical " + healthConfig.criticalThreshold()
                + ", hysteresis " + healthConfig.hysteresis() + ", dwell " + healthConfig.minDwellMillis() / 1000
                + " s, baseline " + healthConfig.baselineSize() + ", " + following(healthConfig.following()) + ")";
    }

    private static int[] indexes(List<String> fields) {
        int[] indexes = fields.stream().mapToInt(SENSORS::indexOf).toArray();
        for (int index : indexes) {
            if (index < 0) {
                throw new IllegalArgumentException("context fields must be among " + SENSORS + ": " + fields);
            }
        }
        return indexes;
    }

    private static String following(BaselineFollowing f) {
        if (f.ownSeconds() == 0 && f.fleetSeconds() == 0) {
            return "no baseline following";
        }
        return "following the fleet's shared drift " + (f.followsFleet() ? "in " + f.fleetSeconds() + " s" : "off")
                + ", its own "
                + (f.ownSeconds() > 0 ? "in " + f.ownSeconds() + " s within " + f.limitSigmas() + " sd" : "off");
    }

    private static String retraining(AnomalyDetector.Config config) {
        if (config.retrainInterval() == 0) {
            return ", no retraining";
        }
        return ", retrain every " + config.retrainInterval() + " on the last " + config.sampleSize()
                + (config.learningGuard() > 1
                        ? " (no guard)"
                        : " while its machine's recent anomalous share < " + config.learningGuard());
    }

    /** The processors' defaults, with the anomaly model learned per machine and a fixed seed. */
    public static EnginePipeline defaults() {
        return new EnginePipeline(
                AnomalyDetector.Config.builder(new FeatureSpec(SENSORS, Set.of()))
                        .missing(MissingValueStrategy.IMPUTE_LAST)
                        .scope(AnomalyDetector.Scope.PER_MACHINE)
                        .warmUpSize(1000)
                        .retrainInterval(0)
                        .trees(100)
                        .subsampleSize(256)
                        .threshold(0.65)
                        .seed(42L)
                        .build(),
                HealthConfig.of(SENSORS, 70, 40, 5, 60_000, 100, 30_000, HealthConfig.DEFAULT_TREND_WINDOW));
    }

    /** The anomaly engine's settings. */
    public AnomalyDetector.Config anomalyConfig() {
        return anomalyConfig;
    }

    /** The settings, and the forests grown so far (warm-ups and refits, see {@code RefitRule}). */
    public String description() {
        return description + (forestsGrown > 0 ? "; " + forestsGrown + " forest(s) grown" : "");
    }

    /**
     * What the detectors said about one reading: a new alert RAISED, whether the machine is in alarm after it, and
     * the anomaly engine's own verdict ({@code is_anomaly}).
     */
    public record Verdict(boolean raised, boolean inAlarm, boolean anomalous) {

        /** A verdict whose anomaly verdict is the alarm. */
        public Verdict(boolean raised, boolean inAlarm) {
            this(raised, inAlarm, inAlarm);
        }
    }

    /** Feeds one reading through both engines. */
    public Verdict observe(SimulatedReading reading) {
        String machine = reading.machineId();
        double[] sensors = {reading.temperature(), reading.vibration(), reading.rpm()};
        boolean maintenance = reading.condition() == MachineCondition.MAINTENANCE;
        double score = Double.NaN;
        boolean anomalous = false;
        AnomalyEngine.Batch batch = anomaly.begin();
        try {
            // ScoreAnomaly's entry point: the engine picks the model (fleet, machine or type) from the reading.
            String regime = anomalyRegimes == null
                    ? null
                    : anomalyRegimes.regimeOf(machine, reading.machineType(), pick(sensors, anomalyContextIndex));
            AnomalyEngine.Verdict verdict = anomalyRegimes != null && regime == null
                    ? null // ScoreAnomaly sends a reading without its context to failure
                    : batch.process(
                            new AnomalyEngine.Reading(machine, reading.machineType(), regime, maintenance, sensors));
            if (verdict != null && verdict.score() != null) {
                score = verdict.score();
                anomalous = verdict.anomalous();
            }
        } catch (MissingFeatureException | AnomalyDetector.NoModelException e) {
            // a reading the anomaly engine rejects still reaches health without a score
        }
        batch.commit();
        HealthAssessment assessment;
        try {
            assessment = healthBatch.process(
                    new ScoredReading(
                            machine, reading.timestamp(), sensors, score, maintenance, pick(sensors, contextIndex)),
                    Long.MAX_VALUE);
        } catch (LateReadingException e) {
            // the processor sends it to failure; the simulator writes none (its readings are in time order)
            lastAssessment = null;
            return new Verdict(false, false, anomalous);
        }
        lastAssessment = assessment;
        try {
            healthBatch.commit(); // each reading its own FlowFile: the fleet sees its machine's deviations now
        } catch (IOException e) {
            throw new UncheckedIOException(e); // the states are in memory: not expected
        }
        boolean raised = false;
        for (Alert alert : assessment.alerts()) {
            raised |= alert.event() == Alert.Event.RAISED;
        }
        return new Verdict(raised, assessment.status() != HealthStatus.HEALTHY, anomalous);
    }

    /** The health engine's assessment of the reading {@link #observe} saw last (null if it was refused). */
    public HealthAssessment lastAssessment() {
        return lastAssessment;
    }

    private static double[] pick(double[] sensors, int[] indexes) {
        double[] context = new double[indexes.length];
        for (int i = 0; i < context.length; i++) {
            context[i] = sensors[indexes[i]];
        }
        return context;
    }
}
