package io.github.factorytwin.evaluation;

import java.io.PrintStream;

/** Alerts against the simulator's real failures; wired when the engines are merged. */
final class SimulatorEvaluation {

    private SimulatorEvaluation() {}

    static void run(ScorecardReport report, PrintStream log) {
        report.unavailable("simulator", "all", "not wired yet");
    }
}
