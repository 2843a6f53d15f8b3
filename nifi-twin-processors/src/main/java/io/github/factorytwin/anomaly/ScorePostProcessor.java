package io.github.factorytwin.anomaly;

/**
 * Turns a detector's raw anomaly score of one machine's reading into the score that is reported, using state kept
 * for that machine (its history of scores or values). One instance per machine, fed in reading order; not
 * thread-safe (see {@link ScorePostProcessing.PerMachine} for a thread-safe keyed holder).
 */
public interface ScorePostProcessor {

    /**
     * @param rawScore the detector's score of the reading, NaN while the detector warms up
     * @param values the reading's raw feature values (NaN where missing), in the detector's order
     * @return the reported score in {@code [0, 1]}, or NaN when the raw score is NaN
     */
    double process(double rawScore, double... values);

    /** The identity: reports the raw score. */
    ScorePostProcessor NONE = (rawScore, values) -> rawScore;
}
