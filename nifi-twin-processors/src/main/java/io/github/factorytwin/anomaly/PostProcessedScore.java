package io.github.factorytwin.anomaly;

/**
 * A raw score after a machine's score post-processing ({@link PostProcessingState#apply}).
 *
 * @param score the reported score in {@code [0, 1]}, NaN when the raw score is NaN
 * @param outOfRange index of the feature that left the machine's range (and made the score 1), or -1
 * @param low the machine's running minimum of that feature before this reading (NaN when none fired)
 * @param high the machine's running maximum of that feature before this reading (NaN when none fired)
 */
public record PostProcessedScore(double score, int outOfRange, double low, double high) {}
