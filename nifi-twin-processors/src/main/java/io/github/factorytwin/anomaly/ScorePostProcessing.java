package io.github.factorytwin.anomaly;

import io.github.factorytwin.state.StateInput;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How a detector's raw scores are turned into reported scores, per machine: the settings behind ScoreAnomaly's
 * {@code Score Post-processing} and {@code Range Tolerance} properties.
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
    public MachinePostProcessing newMachine() {
        return new MachinePostProcessing(this);
    }

    /**
     * The result of post-processing one reading.
     *
     * @param score the reported score in {@code [0, 1]}, NaN when the raw score is NaN
     * @param outOfRange index of the feature that left the machine's range (and made the score 1), or -1
     * @param low the machine's running minimum of that feature before this reading (NaN when none fired)
     * @param high the machine's running maximum of that feature before this reading (NaN when none fired)
     */
    public record Outcome(double score, int outOfRange, double low, double high) {}

    /** A thread-safe holder of one state per machine, created on the machine's first reading. */
    public PerMachine perMachine() {
        return new PerMachine(this);
    }

    /**
     * One post-processing state per machine id, safe for concurrent use. Readings are post-processed in a {@link
     * Batch} (one FlowFile): it works on private copies of the machines' states and publishes them when it
     * commits, so a FlowFile that fails leaves no trace, as with the detector's feature state. Two batches with
     * readings of the same machine at the same time each start from its committed state; the later commit wins.
     */
    public static final class PerMachine {
        private final ScorePostProcessing settings;
        private final Map<String, MachinePostProcessing> machines = new ConcurrentHashMap<>();

        private PerMachine(ScorePostProcessing settings) {
            this.settings = settings;
        }

        /** Starts the work on one group of readings; a batch is used by one thread. */
        public Batch begin() {
            return new Batch();
        }

        /** Post-processes one reading as a batch of its own (copies the machine's state: use a Batch for many). */
        public double process(String machineId, double rawScore, double... values) {
            return outcome(machineId, rawScore, values).score();
        }

        /** As {@link #process}, and says whether the range check fired (and on which feature). */
        public Outcome outcome(String machineId, double rawScore, double... values) {
            Batch batch = begin();
            Outcome outcome = batch.outcome(machineId, rawScore, values);
            batch.commit();
            return outcome;
        }

        /**
         * Forgets a machine (for example after maintenance): its next reading starts a fresh state, whose
         * likelihood learns again and whose range check is on probation again.
         */
        public void reset(String machineId) {
            machines.remove(machineId);
        }

        /** The readings of one FlowFile; see the class comment. Not thread-safe. */
        public final class Batch {
            private final Map<String, MachinePostProcessing> touched = new HashMap<>();

            private Batch() {}

            /**
             * Post-processes the raw score of the machine's next reading (a machine's readings must come in order)
             * and says whether the range check fired (and on which feature).
             */
            public Outcome outcome(String machineId, double rawScore, double... values) {
                MachinePostProcessing state = touched.get(machineId);
                if (state == null) {
                    MachinePostProcessing committed = machines.get(machineId);
                    state = committed == null ? settings.newMachine() : committed.copy();
                    touched.put(machineId, state);
                }
                return state.outcome(rawScore, values);
            }

            /** Starts the machine afresh from its next reading in this batch (for example after maintenance). */
            public void reset(String machineId) {
                touched.put(machineId, settings.newMachine());
            }

            /** Publishes the batch's machine states. */
            public void commit() {
                machines.putAll(touched);
                touched.clear();
            }
        }

        /** Forgets every machine. */
        public void clear() {
            machines.clear();
        }

        /** Machines with a state. */
        public int size() {
            return machines.size();
        }

        /** Writes the settings and every machine's committed state. */
        public void write(DataOutputStream out) throws IOException {
            out.writeUTF(settings.mode.name());
            out.writeInt(settings.startUp);
            out.writeDouble(settings.rangeTolerance);
            out.writeInt(machines.size());
            for (Map.Entry<String, MachinePostProcessing> entry : machines.entrySet()) {
                StateInput.writeText(out, entry.getKey());
                entry.getValue().write(out); // published states are never changed, only replaced
            }
            out.writeInt(machines.size());
        }

        /**
         * Replaces the machines' states with those {@link #write} wrote.
         *
         * @throws SettingsChangedException when they were written with other settings (nothing is replaced)
         * @throws ModelFormatException when the data is damaged (nothing is replaced)
         */
        public void read(StateInput in) throws IOException {
            String mode = in.readUTF();
            int startUp = in.readInt();
            double tolerance = in.readDouble();
            ScorePostProcessing saved;
            try {
                saved = new ScorePostProcessing(Mode.valueOf(mode), startUp, tolerance);
            } catch (IllegalArgumentException e) {
                throw new ModelFormatException("Saved post-processing settings are invalid: " + e.getMessage());
            }
            if (!saved.equals(settings)) {
                throw new SettingsChangedException("saved with " + saved + ", now " + settings);
            }
            // a machine takes at least 12 bytes: its id's length and its reading count
            int count = in.count(in.readInt(), StateDirectory.MAX_MACHINES, 12, "machine count");
            Map<String, MachinePostProcessing> read = new HashMap<>();
            for (int i = 0; i < count; i++) {
                String id = in.readText();
                read.put(id, MachinePostProcessing.read(settings, in));
            }
            if (in.readInt() != count) {
                throw new ModelFormatException("Saved post-processing state is damaged");
            }
            machines.clear();
            machines.putAll(read);
        }
    }

    /** Saved state that belongs to other settings. */
    public static final class SettingsChangedException extends IOException {
        public SettingsChangedException(String message) {
            super(message);
        }
    }
}
