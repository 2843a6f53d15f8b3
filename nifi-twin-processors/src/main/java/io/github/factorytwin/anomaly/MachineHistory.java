package io.github.factorytwin.anomaly;

/**
 * What the {@link AnomalyEngine} remembers about one machine's readings: its feature state (last values, rolling
 * windows) and, when score post-processing is on, its post-processing state (likelihood, range). One object per
 * machine in one registry, so a machine is copied, published, evicted and reset as a whole. Not thread-safe: an
 * instance is either owned by one batch (a private copy) or published unchanged (copy-on-write).
 */
public final class MachineHistory {

    private final FeatureState features;
    private final PostProcessingState postProcessing;

    /** A machine's history; {@code postProcessing} null when post-processing is off. */
    MachineHistory(FeatureState features, PostProcessingState postProcessing) {
        this.features = features;
        this.postProcessing = postProcessing;
    }

    /** A machine without history: its next reading is its first. */
    static MachineHistory fresh(FeatureSpec spec, ScorePostProcessing postProcessing) {
        return new MachineHistory(new FeatureState(spec), postProcessing.isOff() ? null : postProcessing.newState());
    }

    /** A deep copy: changes to either do not show in the other. */
    MachineHistory copy() {
        return new MachineHistory(features.copy(), postProcessing == null ? null : postProcessing.copy());
    }

    public FeatureState features() {
        return features;
    }

    /** The post-processing state, or null when post-processing is off. */
    public PostProcessingState postProcessing() {
        return postProcessing;
    }
}
