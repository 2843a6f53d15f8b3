package io.github.factorytwin.evaluation.simulator;

import io.github.factorytwin.anomaly.AnomalyDetector;
import io.github.factorytwin.anomaly.AnomalyEngine;
import io.github.factorytwin.anomaly.FeatureSpec;
import io.github.factorytwin.anomaly.MissingFeatureException;
import io.github.factorytwin.anomaly.MissingValueStrategy;
import io.github.factorytwin.anomaly.ScorePostProcessing;
import io.github.factorytwin.health.Alert;
import io.github.factorytwin.health.HealthConfig;
import io.github.factorytwin.health.HealthEngine;
import io.github.factorytwin.health.HealthStatus;
import io.github.factorytwin.health.MachineState;
import io.github.factorytwin.simulator.MachineCondition;
import io.github.factorytwin.simulator.Reading;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * ScoreAnomaly's and ComputeHealthScore's engines in a row, as the flow chains the processors: each
 * reading is scored by the anomaly engine (learning per machine from the stream), and the score and
 * the sensors go to the health engine, whose RAISED alert events are what the evaluation counts.
 */
public final class EnginePipeline {

    public static final List<String> SENSORS = List.of("temperature", "vibration", "rpm");

    private final AnomalyEngine anomaly;
    private final HealthEngine health;
    /** Where each Operating Regimes context field is among the sensors; empty otherwise. */
    private final int[] contextIndex;

    private final Map<String, MachineState> states = new HashMap<>();
    private final String description;

    public EnginePipeline(AnomalyDetector.Config anomalyConfig, HealthConfig healthConfig) {
        // Raw scores, and no reset at maintenance: the pipeline's anomaly engine as the evaluation has always run it.
        this.anomaly =
                AnomalyEngine.learning(new AnomalyEngine.Settings(anomalyConfig, ScorePostProcessing.OFF, false));
        this.health = new HealthEngine(healthConfig, null);
        // As ComputeHealthScore reads them: the Operating Regimes context fields, here among the simulator's sensors.
        var context = healthConfig.context();
        this.contextIndex = context.regimesModelled()
                ? context.fields().stream().mapToInt(SENSORS::indexOf).toArray()
                : new int[0];
        for (int index : contextIndex) {
            if (index < 0) {
                throw new IllegalArgumentException("context fields must be among " + SENSORS + ": " + context.fields());
            }
        }
        this.description = "ScoreAnomaly engine (" + anomalyConfig.scope() + ", warm-up "
                + anomalyConfig.warmUpSize() + ", derived "
                + anomalyConfig.spec().derived() + ", threshold "
                + anomalyConfig.threshold() + ") -> ComputeHealthScore engine (warning "
                + healthConfig.warningThreshold() + ", critical " + healthConfig.criticalThreshold()
                + ", hysteresis " + healthConfig.hysteresis() + ", dwell " + healthConfig.minDwellMillis() / 1000
                + " s, baseline " + healthConfig.baselineSize() + ")";
    }

    /** The processors' defaults, with the anomaly model learned per machine and a fixed seed. */
    public static EnginePipeline defaults() {
        return new EnginePipeline(
                new AnomalyDetector.Config(
                        new FeatureSpec(SENSORS, Set.of()),
                        MissingValueStrategy.IMPUTE_LAST,
                        AnomalyDetector.Scope.PER_MACHINE,
                        1000,
                        0,
                        100,
                        256,
                        0.65,
                        42L),
                HealthConfig.of(SENSORS, 70, 40, 5, 60_000, 100, 30_000, HealthConfig.DEFAULT_TREND_WINDOW));
    }

    public String description() {
        return description;
    }

    /** What the detectors said about one reading: a new alert RAISED, and whether the machine is in alarm after it. */
    public record Verdict(boolean raised, boolean inAlarm) {}

    /** Feeds one reading through both engines. */
    public Verdict observe(Reading reading) {
        String machine = reading.machineId();
        double[] sensors = {reading.temperature(), reading.vibration(), reading.rpm()};
        boolean maintenance = reading.condition() == MachineCondition.MAINTENANCE;
        double score = Double.NaN;
        AnomalyEngine.Batch batch = anomaly.begin();
        try {
            // ScoreAnomaly's entry point: the engine picks the model (fleet, machine or type) from the reading.
            AnomalyEngine.Verdict verdict = batch.process(
                    new AnomalyEngine.Reading(machine, reading.machineType(), null, maintenance, sensors));
            if (verdict.score() != null) {
                score = verdict.score();
            }
        } catch (MissingFeatureException | AnomalyDetector.NoModelException e) {
            // a reading the anomaly engine rejects still reaches health without a score
        }
        batch.commit();
        MachineState state = states.computeIfAbsent(machine, id -> health.newState());
        HealthEngine.Outcome outcome = health.update(
                machine,
                state,
                new io.github.factorytwin.health.Reading(
                        reading.timestamp(), sensors, score, maintenance, contextOf(sensors)));
        boolean raised = false;
        for (Alert alert : outcome.alerts()) {
            raised |= alert.event() == Alert.Event.RAISED;
        }
        // a late reading has no status; the simulator writes none (its readings are in time order)
        HealthStatus status = outcome.status();
        return new Verdict(raised, status != null && status != HealthStatus.HEALTHY);
    }

    private double[] contextOf(double[] sensors) {
        double[] context = new double[contextIndex.length];
        for (int i = 0; i < context.length; i++) {
            context[i] = sensors[contextIndex[i]];
        }
        return context;
    }
}
