package io.github.factorytwin.evaluation.nab;

/**
 * A streaming anomaly detector as NAB runs one: each NAB file is a fresh series (for the twin, a
 * one-sensor machine), fed row by row in time order, and every row gets a score in {@code [0, 1]}.
 * One configuration for the whole corpus: a detector must not look at the file's name or labels.
 */
public interface NabDetector {

    /** The name reported in the scorecard. */
    String name();

    /** A one-line description of the configuration, reported beside the scores. */
    default String description() {
        return name();
    }

    /**
     * Starts a new series. {@code rows} and {@code probationaryRows} are what NAB itself tells a
     * detector (the file length and its probationary period, which a detector may use as warm-up).
     */
    Series start(int rows, int probationaryRows);

    /** The scoring state of one series. */
    interface Series {
        /** Scores the next row; {@code epochMillis} is the row's timestamp read as UTC. */
        double score(long epochMillis, double value);
    }
}
