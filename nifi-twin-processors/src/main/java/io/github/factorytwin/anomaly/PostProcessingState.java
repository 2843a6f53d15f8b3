package io.github.factorytwin.anomaly;

import io.github.factorytwin.state.Fields;
import io.github.factorytwin.state.StateInput;
import java.io.IOException;

/**
 * The score post-processing state of one machine (see {@link ScorePostProcessing}, part of its {@link
 * MachineHistory}): its {@link AnomalyLikelihood} (LIKELIHOOD) and its {@link RangeGuard} (with a range tolerance),
 * fed in reading order. Not thread-safe.
 *
 * <p>The range check is on probation for the machine's first {@link ScorePostProcessing#startUp()} readings: they
 * only teach it the machine's range. Without that, a machine that starts (or starts afresh after maintenance)
 * while the model already scores would have a range of two readings at its third, and almost any value would
 * leave it.
 */
public final class PostProcessingState {

    private final ScorePostProcessing settings;
    private final AnomalyLikelihood likelihood;
    private final RangeGuard range;
    private long readings;

    PostProcessingState(ScorePostProcessing settings) {
        this.settings = settings;
        this.likelihood = settings.mode() == ScorePostProcessing.Mode.LIKELIHOOD
                ? new AnomalyLikelihood(AnomalyLikelihood.Config.forStartUp(settings.startUp()))
                : null;
        this.range = Double.isNaN(settings.rangeTolerance()) ? null : new RangeGuard(settings.rangeTolerance());
    }

    /** A deep copy: changes to either do not show in the other. */
    PostProcessingState copy() {
        PostProcessingState copy = new PostProcessingState(
                settings, likelihood == null ? null : likelihood.copy(), range == null ? null : range.copy());
        copy.readings = readings;
        return copy;
    }

    private PostProcessingState(ScorePostProcessing settings, AnomalyLikelihood likelihood, RangeGuard range) {
        this.settings = settings;
        this.likelihood = likelihood;
        this.range = range;
    }

    /** Post-processes the raw score of the machine's next reading; says whether (and why) the range check fired. */
    public PostProcessedScore apply(double rawScore, double... values) {
        readings++;
        double score = likelihood == null ? rawScore : likelihood.update(rawScore);
        if (range == null) {
            return new PostProcessedScore(score, -1, Double.NaN, Double.NaN);
        }
        int outside = readings > settings.startUp() ? range.outsideFeature(values) : -1;
        double low = outside < 0 ? Double.NaN : range.min(outside);
        double high = outside < 0 ? Double.NaN : range.max(outside);
        range.learn(values);
        if (Double.isNaN(score) || outside < 0) {
            return new PostProcessedScore(score, -1, Double.NaN, Double.NaN);
        }
        return new PostProcessedScore(1.0, outside, low, high);
    }

    /** The reported score of the machine's next reading: {@link #apply}'s score. */
    public double process(double rawScore, double... values) {
        return apply(rawScore, values).score();
    }

    /**
     * The saved state (format version 3 of {@link StateDirectory}'s post-processing file), not the settings: it is
     * read into a fresh state of the same settings, which decide whether a likelihood and a range are stored.
     */
    static final Fields<PostProcessingState> FIELDS = Fields.<PostProcessingState>builder()
            .int64("reading count", s -> s.readings, (s, n) -> {
                if (n < 0) {
                    throw new IllegalArgumentException(String.valueOf(n));
                }
                s.readings = n;
            })
            .part("likelihood", s -> s.likelihood, AnomalyLikelihood.FIELDS)
            .part("range", s -> s.range, RangeGuard.FIELDS)
            .build();

    /** Reads a machine's state of a version 1/2 file with the same settings, checking every count. */
    static PostProcessingState read(ScorePostProcessing settings, StateInput in) throws IOException {
        PostProcessingState state = new PostProcessingState(settings);
        state.readings = in.readLong();
        if (state.readings < 0) {
            throw new ModelFormatException("Invalid reading count " + state.readings);
        }
        if (state.likelihood != null) {
            state.likelihood.read(in);
        }
        if (state.range != null) {
            state.range.read(in);
        }
        return state;
    }
}
