package io.github.factorytwin.evaluation;

import io.github.factorytwin.evaluation.nab.NabDetector;
import io.github.factorytwin.evaluation.nab.ProcessorNabDetector;
import io.github.factorytwin.evaluation.nab.TwinNabDetector;
import java.util.Optional;

/** The project's engines as the scorecard runs them. */
final class TwinDetectors {

    private TwinDetectors() {}

    /** The anomaly engine's streaming scoring as a NAB detector. */
    static Optional<NabDetector> nab() {
        return Optional.of(TwinNabDetector.engine());
    }

    /** The same forest without score post-processing (what ScoreAnomaly writes today), reported apart. */
    static Optional<NabDetector> nabExperiment() {
        return Optional.of(TwinNabDetector.engineWithoutPostProcessing());
    }

    /**
     * The real ScoreAnomaly processor (TestRunner, JSON reader/writer) with the NAB configuration in processor
     * properties: Warm-up Size 150, ending from 75 readings on once the readings have stabilised (Minimum Warm-up
     * Size; the processor is not told NAB's probation).
     */
    static Optional<NabDetector> nabProcessor() {
        return Optional.of(ProcessorNabDetector.likelihood(150, 75, 1L));
    }

    static String nabUnavailableReason() {
        return "";
    }

    /** Why the simulator ground-truth evaluation cannot run, if it cannot. */
    static Optional<String> simulatorUnavailableReason() {
        return Optional.empty();
    }
}
