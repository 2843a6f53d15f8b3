package io.github.factorytwin.anomaly;

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
    public ScorePostProcessor newMachine() {
        ScorePostProcessor score = mode == Mode.LIKELIHOOD
                ? new AnomalyLikelihood(AnomalyLikelihood.Config.forStartUp(startUp))
                : ScorePostProcessor.NONE;
        if (Double.isNaN(rangeTolerance)) {
            return score;
        }
        RangeGuard range = new RangeGuard(rangeTolerance);
        return (rawScore, values) -> range.process(score.process(rawScore, values), values);
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

    /** One post-processing state per machine id; safe for concurrent use (a machine's calls are serialised). */
    public static final class PerMachine {
        private final ScorePostProcessing settings;
        private final Map<String, Machine> machines = new ConcurrentHashMap<>();

        private PerMachine(ScorePostProcessing settings) {
            this.settings = settings;
        }

        public ScorePostProcessing settings() {
            return settings;
        }

        /** Post-processes the raw score of the machine's next reading (readings of a machine must come in order). */
        public double process(String machineId, double rawScore, double... values) {
            return outcome(machineId, rawScore, values).score();
        }

        /**
         * Post-processes the raw score of the machine's next reading and says whether the range check fired (and
         * on which feature).
         */
        public Outcome outcome(String machineId, double rawScore, double... values) {
            Machine state = machines.computeIfAbsent(machineId, id -> new Machine(settings));
            synchronized (state) {
                double score = state.score.process(rawScore, values);
                if (state.range == null) {
                    return new Outcome(score, -1, Double.NaN, Double.NaN);
                }
                int outside = state.range.outsideFeature(values);
                double low = outside < 0 ? Double.NaN : state.range.min(outside);
                double high = outside < 0 ? Double.NaN : state.range.max(outside);
                state.range.learn(values);
                if (Double.isNaN(score)) {
                    return new Outcome(score, -1, Double.NaN, Double.NaN);
                }
                return outside >= 0 ? new Outcome(1.0, outside, low, high) : new Outcome(score, -1, low, high);
            }
        }

        /** Forgets a machine (for example after maintenance): its next reading starts a fresh state. */
        public void reset(String machineId) {
            machines.remove(machineId);
        }

        /** Forgets every machine. */
        public void clear() {
            machines.clear();
        }

        /** One machine's state: the score post-processor and the range check (null when off). */
        private static final class Machine {
            final ScorePostProcessor score;
            final RangeGuard range;

            Machine(ScorePostProcessing settings) {
                score = settings.mode == Mode.LIKELIHOOD
                        ? new AnomalyLikelihood(AnomalyLikelihood.Config.forStartUp(settings.startUp))
                        : ScorePostProcessor.NONE;
                range = Double.isNaN(settings.rangeTolerance) ? null : new RangeGuard(settings.rangeTolerance);
            }
        }

        /** Machines with a state. */
        public int size() {
            return machines.size();
        }
    }
}
