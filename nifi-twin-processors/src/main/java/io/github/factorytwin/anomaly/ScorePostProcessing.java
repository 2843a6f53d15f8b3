package io.github.factorytwin.anomaly;

import io.github.factorytwin.state.StateInput;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * The settings of score post-processing, how the model's raw scores become reported scores, per machine: the
 * settings behind ScoreAnomaly's {@code Score Post-processing}, {@code Post-processing Learning Period} and {@code
 * Range Tolerance} properties. Each machine's state is a {@link PostProcessingState}, and its result a {@link
 * PostProcessedScore}.
 *
 * <ul>
 *   <li>{@link Mode#NONE}: the raw score.
 *   <li>{@link Mode#LIKELIHOOD}: the machine's {@link AnomalyLikelihood} of the raw score (has its score
 *       distribution just changed?), log-scaled to {@code [0, 1]}; it needs {@code startUp} scored readings (half
 *       to settle, half to estimate the first distribution) before it reports anything but {@link
 *       AnomalyLikelihood#NEUTRAL}.
 *   <li>{@code rangeTolerance} (NaN = off, with either mode): a {@link RangeGuard} that reports 1 for a reading
 *       beyond the range of everything the machine has shown so far by more than that fraction of the range.
 * </ul>
 *
 * <p>The Numenta Anomaly Benchmark configuration is {@link #likelihoodAndRange(int)} with the detector's warm-up
 * size: LIKELIHOOD, start-up = warm-up, range tolerance 0.05.
 *
 * @param mode NONE or LIKELIHOOD
 * @param startUp scored readings the likelihood learns from before it reports (LIKELIHOOD only; at least 4)
 * @param rangeTolerance fraction of the running range, or NaN for no range check
 */
public record ScorePostProcessing(Mode mode, int startUp, double rangeTolerance) {

    /** The post-processing of the score. */
    public enum Mode {
        /** The detector's raw score. */
        NONE,
        /** The anomaly likelihood of the raw score, log-scaled (see {@link AnomalyLikelihood}). */
        LIKELIHOOD
    }

    /** Numenta's tolerance of the range check. */
    public static final double DEFAULT_RANGE_TOLERANCE = 0.05;

    /** Raw scores, no range check: what ScoreAnomaly writes without post-processing. */
    public static final ScorePostProcessing OFF = new ScorePostProcessing(Mode.NONE, 0, Double.NaN);

    public ScorePostProcessing {
        if (mode == null) {
            throw new IllegalArgumentException("Mode is required");
        }
        if (mode == Mode.LIKELIHOOD && startUp < 4) {
            throw new IllegalArgumentException("Likelihood start-up must be at least 4 readings");
        }
        if (!Double.isNaN(rangeTolerance) && !(rangeTolerance >= 0 && rangeTolerance < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException("Range tolerance must be a non-negative number (or NaN for off)");
        }
    }

    /** LIKELIHOOD with the given start-up and the range check at Numenta's tolerance 0.05. */
    public static ScorePostProcessing likelihoodAndRange(int startUp) {
        return new ScorePostProcessing(Mode.LIKELIHOOD, startUp, DEFAULT_RANGE_TOLERANCE);
    }

    /** Whether this is {@link #OFF} in effect. */
    public boolean isOff() {
        return mode == Mode.NONE && Double.isNaN(rangeTolerance);
    }

    /** A fresh state for one machine. */
    public PostProcessingState newState() {
        return new PostProcessingState(this);
    }

    /** Writes these settings and the machines' states (which must have been made with these settings). */
    void write(DataOutputStream out, Map<String, PostProcessingState> machines) throws IOException {
        out.writeUTF(mode.name());
        out.writeInt(startUp);
        out.writeDouble(rangeTolerance);
        out.writeInt(machines.size());
        for (Map.Entry<String, PostProcessingState> entry : machines.entrySet()) {
            StateInput.writeText(out, entry.getKey());
            PostProcessingState.FIELDS.writeRecord(out, entry.getValue()); // published states are never changed
        }
        out.writeInt(machines.size());
    }

    /**
     * Reads the machines' states {@link #write} wrote, or a file of {@code version} 1 or 2 (each state inline).
     *
     * @throws SettingsChangedException when they were written with other settings
     * @throws ModelFormatException when the data is damaged
     */
    Map<String, PostProcessingState> read(StateInput in, int version) throws IOException {
        String savedMode = in.readUTF();
        int savedStartUp = in.readInt();
        double tolerance = in.readDouble();
        ScorePostProcessing saved;
        try {
            saved = new ScorePostProcessing(Mode.valueOf(savedMode), savedStartUp, tolerance);
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException("Saved post-processing settings are invalid: " + e.getMessage());
        }
        if (!saved.equals(this)) {
            throw new SettingsChangedException("saved with " + saved + ", now " + this);
        }
        // a machine takes at least its id's length and its record length (version 1/2: its reading count)
        long bytesEach = version >= StateDirectory.FIELDS_VERSION ? 8 : 12;
        int count = in.count(in.readInt(), StateDirectory.MAX_MACHINES, bytesEach, "machine count");
        Map<String, PostProcessingState> read = new HashMap<>();
        for (int i = 0; i < count; i++) {
            String id = in.readText();
            if (version >= StateDirectory.FIELDS_VERSION) {
                PostProcessingState state = newState();
                PostProcessingState.FIELDS.readRecord(in, state, "post-processing state");
                read.put(id, state);
            } else {
                read.put(id, PostProcessingState.read(this, in));
            }
        }
        if (in.readInt() != count) {
            throw new ModelFormatException("Saved post-processing state is damaged");
        }
        return read;
    }

    /** Saved state that belongs to other settings. */
    public static final class SettingsChangedException extends IOException {
        public SettingsChangedException(String message) {
            super(message);
        }
    }
}
