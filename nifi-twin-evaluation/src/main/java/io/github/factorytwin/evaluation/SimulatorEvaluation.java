package io.github.factorytwin.evaluation;

import io.github.factorytwin.evaluation.simulator.AlertGroundTruth;
import io.github.factorytwin.simulator.FactorySimulator;
import io.github.factorytwin.simulator.FleetDefinition;
import io.github.factorytwin.simulator.Reading;
import io.github.factorytwin.simulator.SensorRange;
import io.github.factorytwin.simulator.SimulationSettings;
import java.io.PrintStream;
import java.util.Locale;

/**
 * Runs a seeded simulated fleet with failures through the twin's detectors and scores the alerts
 * against the simulator's ground truth ({@link AlertGroundTruth} states the rules).
 */
final class SimulatorEvaluation {

    /** The detectors under test: one reading in, whether a new alert incident was RAISED. */
    interface Pipeline {
        boolean raisesAlert(Reading reading);

        String description();
    }

    /** The evaluated fleet: the processor's defaults (10 machines, 2 s, MTBF 8 h, fault 0.001). */
    record Fleet(int machines, long intervalMillis, long mtbfMillis, double faultProbability, long seed, double days) {
        static final Fleet DEFAULT = new Fleet(10, 2_000, 8 * 3_600_000L, 0.001, 42, 3.0);

        SimulationSettings settings() {
            return new SimulationSettings(
                    FleetDefinition.simple(
                            machines,
                            "M",
                            new SensorRange(60, 100),
                            new SensorRange(0.1, 1.5),
                            new SensorRange(1000, 5000)),
                    intervalMillis,
                    mtbfMillis,
                    faultProbability);
        }
    }

    static final long START_MILLIS = 1_767_225_600_000L; // 2026-01-01T00:00:00Z

    private SimulatorEvaluation() {}

    static AlertGroundTruth.Result run(Fleet fleet, Pipeline pipeline, long warmUpMillis, PrintStream log) {
        FactorySimulator simulator = FactorySimulator.create(fleet.settings(), fleet.seed(), START_MILLIS);
        AlertGroundTruth truth = new AlertGroundTruth(START_MILLIS + warmUpMillis);
        long end = START_MILLIS + (long) (fleet.days() * 86_400_000L);
        Reading reading = new Reading();
        long count = 0;
        while (simulator.nextTimestamp() < end) {
            simulator.next(reading);
            boolean raised = pipeline.raisesAlert(reading);
            truth.observe(
                    reading.machineId(),
                    reading.timestamp(),
                    reading.condition().token(),
                    raised);
            count++;
        }
        log.printf(Locale.ROOT, "scorecard: simulator: %,d readings through %s%n", count, pipeline.description());
        return truth.result();
    }

    static void run(ScorecardReport report, PrintStream log, double days) {
        report.unavailable("simulator", "all", "not wired yet");
    }
}
