package io.github.factorytwin.anomaly;

/**
 * Why a reading scored as it did: the feature that contributed most, its value and its normal range.
 *
 * @param feature name of the feature (a raw field or a derived feature such as {@code vibration.delta})
 * @param value the feature's value in this reading
 * @param normalLow the low end of the feature's normal range (1st percentile of the training sample)
 * @param normalHigh the high end of the feature's normal range (99th percentile of the training sample)
 * @param position where the value lies against the normal range
 * @param text one line for an operator, e.g. {@code vibration=3.20 above normal 0.20..1.10}
 */
public record Explanation(
        String feature, double value, double normalLow, double normalHigh, Position position, String text) {

    /** Where a value lies against its normal range. */
    public enum Position {
        ABOVE,
        BELOW,
        /** Inside the range; for an anomalous reading the combination of features is what is unusual. */
        WITHIN
    }
}
