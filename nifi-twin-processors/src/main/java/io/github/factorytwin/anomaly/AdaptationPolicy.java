package io.github.factorytwin.anomaly;

/**
 * Which scored readings join a learned model's retraining sample (see {@link AnomalyDetector}'s class comment).
 *
 * <ul>
 *   <li>Without retraining, none.
 *   <li>While the machine's recent anomalous share (about the last {@link FeatureState#RECENT_READINGS} verdicts)
 *       is below the learning guard, every one: the model follows slow, benign change, and single outliers keep
 *       the sample's tails.
 *   <li>Once the guard has closed, the machine's readings are held back: a developing fault is not learned as
 *       normal. But a machine that has stayed anomalous for at least {@link #SHIFT_READINGS} readings and whose
 *       readings have <em>settled</em> (for every feature and for the score, the mean of the most recent readings
 *       lies within {@link #SETTLED_DEVIATIONS} standard deviation of the mean since the guard closed) has moved
 *       to a new, steady level, such as a new duty or a re-mounted sensor: its readings are learned again while
 *       they stay settled, so it does not stay in alarm for good. A fault that keeps developing (a trend in a
 *       feature, or a rising score) keeps its recent mean ahead of that mean and stays held back; a fault that
 *       stops developing and holds its level is learned after it has held it for about as long as it took to
 *       develop since the guard closed (the price of accepting shifts).
 * </ul>
 *
 * The same rule for every machine and data set: one reading count (in readings, like the guard) and one distance in
 * standard deviations of the machine's own readings, no value tied to a sensor's units.
 */
final class AdaptationPolicy {

    /** Readings a machine is held back for at least before a settled shift is learned (four guard windows). */
    static final int SHIFT_READINGS = 4 * FeatureState.RECENT_READINGS;

    /** How far the recent mean may lie from the mean since the guard closed, in standard deviations, to be settled. */
    static final double SETTLED_DEVIATIONS = 1.0;

    private final boolean retraining;
    private final double guard;

    AdaptationPolicy(boolean retraining, double guard) {
        this.retraining = retraining;
        this.guard = guard;
    }

    /**
     * Notes a scored reading's verdict in its machine's state ({@code machine}: null when there is no machine to
     * guard) and tells whether the reading joins the retraining sample (learnable readings only: the caller checks).
     */
    boolean admits(FeatureState machine, double[] features, double score, boolean anomalous) {
        if (machine == null) {
            return retraining;
        }
        double share = machine.noteVerdict(anomalous);
        if (!retraining) {
            return false;
        }
        if (share < guard) {
            machine.openGuard();
            return true;
        }
        HeldBackReadings held = machine.heldBack(features.length + 1);
        held.add(features, score, FeatureState.RECENT_READINGS);
        return held.count() >= SHIFT_READINGS && held.settled(SETTLED_DEVIATIONS);
    }
}
