package io.github.factorytwin.anomaly;

/**
 * One machine's readings since its learning guard closed (see {@link AdaptationPolicy}): per feature, and for the
 * anomaly score, the mean and spread of all of them and the mean of the most recent ones. A developing fault keeps
 * moving, so its recent mean runs ahead of the mean since the guard closed; a lasting shift to a new level (a new
 * duty, a re-installed sensor) stops moving, and the two means meet. Part of the machine's {@link FeatureState};
 * copied with it.
 */
final class HeldBackReadings {

    private long count;
    private final double[] mean;
    private final double[] squares;
    private final double[] recent;

    /** @param dimension the number of values added per reading (the features and the score) */
    HeldBackReadings(int dimension) {
        mean = new double[dimension];
        squares = new double[dimension];
        recent = new double[dimension];
    }

    private HeldBackReadings(HeldBackReadings other) {
        count = other.count;
        mean = other.mean.clone();
        squares = other.squares.clone();
        recent = other.recent.clone();
    }

    HeldBackReadings copy() {
        return new HeldBackReadings(this);
    }

    /** Readings added since the guard closed. */
    long count() {
        return count;
    }

    /** Adds a reading's values (features, then score); the recent mean weighs the newest one over {@code recentReadings}. */
    void add(double[] features, double score, int recentReadings) {
        count++;
        for (int i = 0; i < mean.length; i++) {
            double x = i < features.length ? features[i] : score;
            double d = x - mean[i];
            mean[i] += d / count; // Welford: the mean and squared deviations of all readings since the guard closed
            squares[i] += d * (x - mean[i]);
            recent[i] = count == 1 ? x : recent[i] + (x - recent[i]) / recentReadings;
        }
    }

    /**
     * Whether every value's recent mean lies within {@code deviations} standard deviations (of the readings since
     * the guard closed) of their mean: the readings have stopped moving.
     */
    boolean settled(double deviations) {
        if (count < 2) {
            return false;
        }
        for (int i = 0; i < mean.length; i++) {
            double std = Math.sqrt(squares[i] / (count - 1));
            double floor = 1e-9 * Math.max(1.0, Math.abs(mean[i])); // a constant value has settled
            if (Math.abs(recent[i] - mean[i]) > deviations * Math.max(std, floor)) {
                return false;
            }
        }
        return true;
    }
}
