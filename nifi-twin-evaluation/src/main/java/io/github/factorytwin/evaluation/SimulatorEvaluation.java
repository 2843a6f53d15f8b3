package io.github.factorytwin.evaluation;

import io.github.factorytwin.anomaly.AnomalyDetector;
import io.github.factorytwin.anomaly.FeatureSpec;
import io.github.factorytwin.anomaly.MissingValueStrategy;
import io.github.factorytwin.context.OperatingContext;
import io.github.factorytwin.evaluation.simulator.AlertGroundTruth;
import io.github.factorytwin.evaluation.simulator.EnginePipeline;
import io.github.factorytwin.health.BaselineFollowing;
import io.github.factorytwin.health.HealthConfig;
import io.github.factorytwin.processors.ComputeHealthScore;
import io.github.factorytwin.processors.ScoreAnomaly;
import io.github.factorytwin.simulator.FactorySimulator;
import io.github.factorytwin.simulator.FleetDefinition;
import io.github.factorytwin.simulator.Scenarios;
import io.github.factorytwin.simulator.SimulatedReading;
import io.github.factorytwin.simulator.SimulationSettings;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.nifi.util.FormatUtils;

/**
 * Runs a seeded simulated fleet with failures through the twin's engines (ScoreAnomaly's, then
 * ComputeHealthScore's, as the flow chains them) and scores the RAISED alerts against the simulator's
 * ground truth ({@link AlertGroundTruth} states the rules).
 */
final class SimulatorEvaluation {

    /** The detectors under test: one reading in, whether a new alert was RAISED and the machine is in alarm. */
    interface Pipeline {
        EnginePipeline.Verdict observe(SimulatedReading reading);

        String description();
    }

    /** The evaluated fleet: the flow's settings (10 machines, 2 s, MTBF 8 h, fault 0.001). */
    record Fleet(
            int machines,
            long intervalMillis,
            long mtbfMillis,
            double faultProbability,
            long seed,
            double days,
            Scenarios scenarios) {
        static Fleet of(double days) {
            return new Fleet(10, 2_000, 8 * 3_600_000L, 0.001, 42, days, Scenarios.NONE);
        }

        Fleet with(Scenarios scenarios) {
            return new Fleet(machines, intervalMillis, mtbfMillis, faultProbability, seed, days, scenarios);
        }

        Fleet withSeed(long newSeed) {
            return new Fleet(machines, intervalMillis, mtbfMillis, faultProbability, newSeed, days, scenarios);
        }

        SimulationSettings settings() {
            return new SimulationSettings(
                    FleetDefinition.simple(machines, "M"), intervalMillis, mtbfMillis, faultProbability, scenarios);
        }
    }

    static final long START_MILLIS = 1_767_225_600_000L; // 2026-01-01T00:00:00Z

    private SimulatorEvaluation() {}

    static AlertGroundTruth.Result run(Fleet fleet, Pipeline pipeline, long warmUpMillis, PrintStream log) {
        FactorySimulator simulator = FactorySimulator.create(fleet.settings(), fleet.seed(), START_MILLIS);
        AlertGroundTruth truth = new AlertGroundTruth(START_MILLIS + warmUpMillis);
        long end = START_MILLIS + (long) (fleet.days() * 86_400_000L);
        SimulatedReading reading = new SimulatedReading();
        long count = 0;
        while (simulator.nextTimestamp() < end) {
            simulator.next(reading);
            EnginePipeline.Verdict verdict = pipeline.observe(reading);
            truth.observe(
                    reading.machineId(),
                    reading.timestamp(),
                    AlertGroundTruth.State.of(reading.condition().token()),
                    verdict.raised(),
                    verdict.inAlarm(),
                    verdict.anomalous());
            count++;
        }
        log.printf(Locale.ROOT, "scorecard: simulator: %,d readings through %s%n", count, pipeline.description());
        return truth.result();
    }

    static Pipeline of(EnginePipeline engines) {
        return new Pipeline() {
            @Override
            public EnginePipeline.Verdict observe(SimulatedReading reading) {
                return engines.observe(reading);
            }

            @Override
            public String description() {
                return engines.description();
            }
        };
    }

    /**
     * The flow's settings (flows/tools/generate-flows.py: GLOBAL model, warm-up 1000, threshold 0.6, Retrain Interval
     * 1000) and the processors' other property defaults (Retraining Sample Size, Learning Guard, health).
     */
    static EnginePipeline flowDefaults() {
        return new EnginePipeline(flowAnomalyConfig(), flowHealth());
    }

    /** The flow's settings without the anomaly model's adaptation (Retrain Interval 0: the warm-up model is kept). */
    static EnginePipeline withoutAdaptation() {
        return new EnginePipeline(
                flowAnomalyConfig().toBuilder().retrainInterval(0).build(), flowHealth());
    }

    /** The flow's settings with health baselines following as {@code following} says. */
    static EnginePipeline withFollowing(BaselineFollowing following) {
        return new EnginePipeline(flowAnomalyConfig(), flowHealth().withFollowing(following));
    }

    /** The flow's settings without the fleet part of the baselines' following (Fleet Drift Following Time 0). */
    static EnginePipeline withoutFleetFollowing() {
        BaselineFollowing following = flowHealth().following();
        return withFollowing(new BaselineFollowing(following.ownSeconds(), following.limitSigmas(), 0));
    }

    /**
     * The flow's settings with a warm-up that ends by itself once its readings have stabilised (ScoreAnomaly's
     * Minimum Warm-up Size, half the Warm-up Size as in the NAB configuration).
     */
    static EnginePipeline withStableWarmUp() {
        AnomalyDetector.Config config = flowAnomalyConfig();
        return new EnginePipeline(
                config.toBuilder().warmUpMinimum(config.warmUpSize() / 2).build(), flowHealth());
    }

    /** The flow's settings, retraining without the guard (Learning Guard 1: every reading is learned). */
    static EnginePipeline withoutGuard() {
        return new EnginePipeline(
                flowAnomalyConfig().toBuilder()
                        .learningGuard(AnomalyDetector.Config.NO_GUARD)
                        .build(),
                flowHealth());
    }

    static AnomalyDetector.Config flowAnomalyConfig() {
        double guard = Double.parseDouble(ScoreAnomaly.LEARNING_GUARD.getDefaultValue());
        return AnomalyDetector.Config.builder(new FeatureSpec(EnginePipeline.SENSORS, Set.of()))
                .missing(MissingValueStrategy.IMPUTE_LAST)
                .scope(AnomalyDetector.Scope.GLOBAL)
                .warmUpSize(1000)
                .retrainInterval(1000)
                .trees(100)
                .subsampleSize(256)
                .threshold(0.6)
                .seed(42L)
                .sampleSize(Integer.parseInt(ScoreAnomaly.RETRAINING_SAMPLE_SIZE.getDefaultValue()))
                .maxMachines(Integer.MAX_VALUE)
                .learningGuard(guard >= 1 ? AnomalyDetector.Config.NO_GUARD : guard)
                .build();
    }

    static HealthConfig flowHealth() {
        return healthDefaults(Integer.parseInt(ComputeHealthScore.BASELINE_SIZE.getDefaultValue()));
    }

    /**
     * The flow's settings with ScoreAnomaly's Operating Context Fields = rpm (regime defaults): a model per speed
     * regime.
     */
    static EnginePipeline rpmContext() {
        return new EnginePipeline(
                flowAnomalyConfig(),
                OperatingContext.regimes(
                        List.of("rpm"), OperatingContext.DEFAULT_REGIME_DISTANCE, OperatingContext.DEFAULT_MAX_REGIMES),
                flowHealth());
    }

    /** ComputeHealthScore's property defaults, with the given baseline size. */
    static HealthConfig healthDefaults(int baselineSize) {
        return HealthConfig.of(
                        EnginePipeline.SENSORS,
                        Double.parseDouble(ComputeHealthScore.WARNING_THRESHOLD.getDefaultValue()),
                        Double.parseDouble(ComputeHealthScore.CRITICAL_THRESHOLD.getDefaultValue()),
                        Double.parseDouble(ComputeHealthScore.HYSTERESIS.getDefaultValue()),
                        millis(ComputeHealthScore.MINIMUM_DWELL_TIME.getDefaultValue()),
                        baselineSize,
                        millis(ComputeHealthScore.LATE_RECORD_TOLERANCE.getDefaultValue()),
                        Integer.parseInt(ComputeHealthScore.TREND_WINDOW.getDefaultValue()))
                .withAlertConfirmation(millis(ComputeHealthScore.ALERT_CONFIRMATION_TIME.getDefaultValue()))
                .withFollowing(new BaselineFollowing(
                        seconds(ComputeHealthScore.BASELINE_FOLLOWING_TIME.getDefaultValue()),
                        Double.parseDouble(ComputeHealthScore.BASELINE_FOLLOWING_LIMIT.getDefaultValue()),
                        seconds(ComputeHealthScore.FLEET_DRIFT_FOLLOWING_TIME.getDefaultValue())));
    }

    private static double seconds(String period) {
        return millis(period) / 1000.0;
    }

    private static long millis(String period) {
        return Math.round(FormatUtils.getPreciseTimeDuration(period, TimeUnit.MILLISECONDS));
    }

    /** Same, but each machine learns 3 simulated hours (5,400 readings) for both its model and its baseline. */
    static EnginePipeline longBaseline() {
        return new EnginePipeline(
                AnomalyDetector.Config.builder(new FeatureSpec(EnginePipeline.SENSORS, Set.of()))
                        .missing(MissingValueStrategy.IMPUTE_LAST)
                        .scope(AnomalyDetector.Scope.PER_MACHINE)
                        .warmUpSize(5400)
                        .retrainInterval(0)
                        .trees(100)
                        .subsampleSize(256)
                        .threshold(0.6)
                        .seed(42L)
                        .build(),
                healthDefaults(5400));
    }

    /** The trivial detector: raises an alert on every reading and is always in alarm. */
    static Pipeline flagEverything() {
        EnginePipeline.Verdict always = new EnginePipeline.Verdict(true, true);
        return new Pipeline() {
            @Override
            public EnginePipeline.Verdict observe(SimulatedReading reading) {
                return always;
            }

            @Override
            public String description() {
                return "flag every reading";
            }
        };
    }

    /** The scenarios the scorecard runs: the plain fleet and one per {@link Scenarios} kind, all seeded alike. */
    record Scenario(String key, String label, Scenarios scenarios) {}

    static final List<Scenario> SCENARIOS = List.of(
            new Scenario("", "", Scenarios.NONE),
            // a daily ambient cycle of +-15% of the temperature range (+-6 degrees on 60..100)
            new Scenario("ambient_drift", "ambient drift", new Scenarios(0.15, 86_400_000L, 0, 0)),
            // every 8 h the next duty: usual, light (2..35% rpm) or heavy (65..98% rpm)
            new Scenario("duty_changes", "duty changes", new Scenarios(0, 1, 8 * 3_600_000L, 0)),
            // half of the faults clear by themselves part-way through their degradation
            new Scenario("faults_that_end", "faults that end", new Scenarios(0, 1, 0, 0.5)));

    static void run(ScorecardReport report, PrintStream log, double days) {
        String rule = "TP = RAISED during the degradation before a failure (or of a fault that ended); false = RAISED"
                + " while normal";
        record Variant(String key, String label, Pipeline pipeline, long warmUpMillis) {}
        for (Scenario scenario : SCENARIOS) {
            Fleet fleet = Fleet.of(days).with(scenario.scenarios());
            boolean plain = scenario.key().isEmpty();
            String base = plain ? "simulator" : "simulator." + scenario.key();
            String on = plain ? "" : scenario.label() + ", ";
            List<Variant> variants = new ArrayList<>(List.of(
                    new Variant(base, on + "flow settings", of(flowDefaults()), 2 * 3_600_000L),
                    new Variant(base + ".no_adaptation", on + "no retraining", of(withoutAdaptation()), 2 * 3_600_000L),
                    new Variant(
                            base + ".no_guard", on + "retraining without guard", of(withoutGuard()), 2 * 3_600_000L),
                    new Variant(
                            base + ".stable_warm_up",
                            on + "warm-up ending when stable (Minimum Warm-up Size 500)",
                            of(withStableWarmUp()),
                            2 * 3_600_000L),
                    new Variant(
                            base + ".no_fleet_following",
                            on + "health following without the fleet part",
                            of(withoutFleetFollowing()),
                            2 * 3_600_000L),
                    new Variant(
                            base + ".no_following",
                            on + "health following off",
                            of(withFollowing(BaselineFollowing.OFF)),
                            2 * 3_600_000L)));
            if (plain) {
                variants.add(new Variant(
                        "simulator.anomaly_context",
                        "ScoreAnomaly with rpm as context",
                        of(rpmContext()),
                        2 * 3_600_000L));
                variants.add(new Variant(
                        "simulator.long_baseline", "3 h per-machine learning", of(longBaseline()), 4 * 3_600_000L));
                variants.add(new Variant(
                        "simulator.flag_everything", "flag every reading", flagEverything(), 2 * 3_600_000L));
            }
            for (Variant v : variants) {
                report(
                        report,
                        fleet,
                        v.key(),
                        v.label(),
                        run(fleet, v.pipeline(), v.warmUpMillis(), log),
                        rule,
                        v.pipeline());
            }
        }
    }

    private static void report(
            ScorecardReport report,
            Fleet fleet,
            String key,
            String label,
            AlertGroundTruth.Result r,
            String rule,
            Pipeline pipeline) {
        String prefix = key + ".";
        report.number(prefix + "precision", r.precision());
        report.number(prefix + "recall", r.recall());
        report.number(prefix + "f1", r.f1());
        report.number(prefix + "false_alerts_per_machine_day", r.falseAlertsPerMachineDay());
        report.number(prefix + "missed_failure_rate", r.missedFailureRate());
        report.number(prefix + "lead_time_median_s", r.medianLeadSeconds());
        report.number(prefix + "failures", r.failures());
        report.number(prefix + "alerts", r.alerts());
        report.number(prefix + "machine_days", r.machineDays());
        r.readings().report(report, prefix + "readings.");
        r.anomalyReadings().report(report, prefix + "is_anomaly.");
        report.text(prefix + "pipeline", pipeline.description());
        String part = "simulator (" + label + ")";
        report.row(
                part,
                "alerts: precision / recall / F1 / false alerts per machine-day / missed-failure rate",
                ScorecardReport.fmt(r.precision(), 3) + " / " + ScorecardReport.fmt(r.recall(), 3) + " / "
                        + ScorecardReport.fmt(r.f1(), 3) + " / "
                        + ScorecardReport.fmt(r.falseAlertsPerMachineDay(), 2) + " / "
                        + ScorecardReport.fmt(r.missedFailureRate(), 3),
                r.truePositiveAlerts() + " TP / " + r.alerts() + " RAISED (" + r.lateAlerts() + " late), "
                        + r.falseAlerts() + " false over " + ScorecardReport.fmt(r.machineDays(), 1)
                        + " machine-days; " + r.detectedFailures() + " of " + r.failures()
                        + " failures warned; " + rule);
        DetectionCounts readings = r.readings();
        report.row(
                part,
                "readings in alarm: " + DetectionCounts.RATES,
                readings.rates(),
                "in alarm = health status WARNING or CRITICAL; abnormal = degrading; " + readings.tp() + " TP, "
                        + readings.fp() + " FP, " + readings.fn() + " FN, " + readings.tn() + " TN");
        DetectionCounts anomalies = r.anomalyReadings();
        report.row(
                part,
                "readings with is_anomaly: " + DetectionCounts.RATES,
                anomalies.rates(),
                "ScoreAnomaly's verdict alone; " + anomalies.tp() + " TP, " + anomalies.fp() + " FP, " + anomalies.fn()
                        + " FN, " + anomalies.tn() + " TN");
        if (r.endedFaults() > 0) {
            report.number(prefix + "ended_faults", r.endedFaults());
            report.number(prefix + "ended_faults_warned", r.warnedEndedFaults());
            report.number(prefix + "back_to_normal_median_s", r.medianBackToNormalSeconds());
            report.number(prefix + "back_to_normal_max_s", r.maxBackToNormalSeconds());
            report.number(prefix + "not_back_to_normal", r.notBackToNormal());
            report.row(
                    part,
                    "faults that ended: warned / ended; time back to normal median / max (s); not back",
                    r.warnedEndedFaults() + " / " + r.endedFaults() + "; "
                            + ScorecardReport.fmt(r.medianBackToNormalSeconds(), 0) + " / "
                            + ScorecardReport.fmt(r.maxBackToNormalSeconds(), 0) + "; " + r.notBackToNormal(),
                    "back to normal = first reading not in alarm after the fault's first normal reading; not back ="
                            + " still in alarm when the next degradation began or the run ended");
        }
        report.row(
                part,
                "median warning lead time (s)",
                ScorecardReport.fmt(r.medianLeadSeconds(), 0),
                "failure time minus first RAISED in its degradation; " + fleet.machines() + " machines, " + fleet.days()
                        + " simulated days, seed " + fleet.seed());
    }
}
