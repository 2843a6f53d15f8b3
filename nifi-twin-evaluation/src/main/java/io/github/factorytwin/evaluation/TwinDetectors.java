package io.github.factorytwin.evaluation;

import io.github.factorytwin.evaluation.nab.NabDetector;
import java.util.Optional;

/** The project's engines as the scorecard runs them; empty while an engine is not merged. */
final class TwinDetectors {

    private TwinDetectors() {}

    /** The anomaly engine's streaming scoring as a NAB detector. */
    static Optional<NabDetector> nab() {
        return Optional.empty();
    }

    static Optional<NabDetector> nabExperiment() {
        return Optional.empty();
    }

    static String nabUnavailableReason() {
        return "the anomaly engine (io.github.factorytwin.anomaly) is not merged yet";
    }

    /** Why the simulator ground-truth evaluation cannot run, if it cannot. */
    static Optional<String> simulatorUnavailableReason() {
        return Optional.of("the simulator, anomaly and health engines are not all merged yet");
    }
}
