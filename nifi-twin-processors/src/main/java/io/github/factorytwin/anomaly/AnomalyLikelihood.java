package io.github.factorytwin.anomaly;

import io.github.factorytwin.state.Fields;
import io.github.factorytwin.state.StateInput;
import java.io.IOException;

/**
 * Anomaly likelihood post-processing for one machine (one series), after Numenta's HTM anomaly likelihood: instead
 * of asking "is this raw score high?", it asks "has this machine's raw score distribution just changed?".
 *
 * <p>Each raw score (for example the Isolation Forest score of a reading) enters a short moving average (default
 * {@value #DEFAULT_AVERAGING_WINDOW} readings). After a learning period, a normal distribution (mean, standard
 * deviation with a floor) is estimated from the recent history of those averages (at most {@value
 * #DEFAULT_HISTORIC_WINDOW} of them) and re-estimated every {@value #DEFAULT_REESTIMATION_PERIOD} readings. The
 * likelihood of a reading is {@code 1 - P(X >= average)}, the upper-tail probability of the current average under
 * that distribution (an average below the mean is reflected around it, as Numenta does). A very unlikely reading
 * right after another very unlikely one is capped to a lower "yellow" level, so a long anomalous run is reported
 * once at its onset rather than at every reading.
 *
 * <p>{@link #update(double)} returns the log-scaled likelihood, in {@code [0, 1]}:
 * {@code log(1.0000000001 - L) / log(1e-10)}; 0.5 corresponds to {@code L = 0.99999}. Until the learning period and
 * the first estimation are over it returns {@link #NEUTRAL} (a log likelihood of 0.5 is what Numenta returns while
 * learning; here the neutral value is 0). Raw scores that are NaN (the detector is warming up) are skipped and
 * return NaN.
 *
 * <p>Not thread-safe: keep one instance per machine and feed it in reading order.
 */
public final class AnomalyLikelihood {

    public static final int DEFAULT_AVERAGING_WINDOW = 10;
    public static final int DEFAULT_HISTORIC_WINDOW = 8640;
    public static final int DEFAULT_REESTIMATION_PERIOD = 100;
    public static final double DEFAULT_MIN_VARIANCE = 0.0003;

    /** The score returned before the distribution is known. */
    public static final double NEUTRAL = 0.0;

    private static final double RED_TAIL = 1.0 - 0.99999;
    private static final double YELLOW_TAIL = 1.0 - 0.9999;
    private static final double LOG_SCALE = Math.log(1.0 - 0.9999999999);

    /**
     * Settings.
     *
     * @param learningPeriod raw scores whose averages are not used for the distribution (the detector's own
     *     start-up)
     * @param estimationSamples averages collected after the learning period before the first estimate
     * @param historicWindow most recent averages the distribution is estimated from
     * @param reestimationPeriod readings between two estimates
     * @param averagingWindow raw scores in the short moving average
     * @param minVariance floor of the estimated variance (numerical safety on flat score histories)
     */
    public record Config(
            int learningPeriod,
            int estimationSamples,
            int historicWindow,
            int reestimationPeriod,
            int averagingWindow,
            double minVariance) {

        public Config {
            if (learningPeriod < 0) {
                throw new IllegalArgumentException("Learning period must not be negative");
            }
            if (estimationSamples < 2) {
                throw new IllegalArgumentException("At least 2 estimation samples are needed");
            }
            if (historicWindow < estimationSamples) {
                throw new IllegalArgumentException("Historic window must hold the estimation samples");
            }
            if (reestimationPeriod < 1 || averagingWindow < 1) {
                throw new IllegalArgumentException("Re-estimation period and averaging window must be positive");
            }
            if (!(minVariance > 0)) {
                throw new IllegalArgumentException("Minimum variance must be positive");
            }
        }

        /**
         * The split used when a series has a known start-up period of {@code readings} scores (as NAB's probation):
         * half of it learning, the other half for the first estimate (at least 2 readings each way).
         */
        public static Config forStartUp(int readings) {
            int learning = Math.max(0, readings / 2);
            int estimation = Math.max(2, readings - learning);
            return new Config(
                    learning,
                    estimation,
                    Math.max(DEFAULT_HISTORIC_WINDOW, estimation),
                    DEFAULT_REESTIMATION_PERIOD,
                    DEFAULT_AVERAGING_WINDOW,
                    DEFAULT_MIN_VARIANCE);
        }
    }

    private static final int INITIAL_HISTORY = 16;

    private final Config config;
    private final DoubleRing averaging;
    private double averagingSum;
    /** Grows (doubling) up to the historic window as averages arrive: a new machine costs little memory. */
    private final DoubleRing history;

    private long seen;
    private long sinceEstimate;
    private boolean estimated;
    private double mean;
    private double stdDev;
    private double previousTail = 1.0;

    public AnomalyLikelihood(Config config) {
        this(
                config,
                new DoubleRing(config.averagingWindow()),
                new DoubleRing(config.historicWindow(), INITIAL_HISTORY));
    }

    private AnomalyLikelihood(Config config, DoubleRing averaging, DoubleRing history) {
        this.config = config;
        this.averaging = averaging;
        this.history = history;
    }

    /** A deep copy: changes to either do not show in the other. */
    public AnomalyLikelihood copy() {
        AnomalyLikelihood copy = new AnomalyLikelihood(config, averaging.copy(), history.copy());
        copy.averagingSum = averagingSum;
        copy.seen = seen;
        copy.sinceEstimate = sinceEstimate;
        copy.estimated = estimated;
        copy.mean = mean;
        copy.stdDev = stdDev;
        copy.previousTail = previousTail;
        return copy;
    }

    /**
     * Feeds the next raw score of this machine.
     *
     * @return the log-scaled likelihood in {@code [0, 1]}; {@link #NEUTRAL} while learning; NaN for a NaN raw score
     */
    public double update(double rawScore) {
        if (Double.isNaN(rawScore)) {
            return Double.NaN;
        }
        double likelihood = likelihood(rawScore);
        return Double.isNaN(likelihood) ? NEUTRAL : logScale(likelihood);
    }

    /**
     * Like {@link #update(double)} but returns the likelihood itself ({@code 1 - tail probability}, after the
     * repeat filter), NaN while learning.
     */
    public double likelihood(double rawScore) {
        if (Double.isNaN(rawScore)) {
            return Double.NaN;
        }
        seen++;
        if (averaging.isFull()) {
            averagingSum -= averaging.oldest();
        }
        averaging.add(rawScore);
        averagingSum += rawScore;
        double average = averagingSum / averaging.count();

        if (seen <= config.learningPeriod()) {
            return Double.NaN;
        }
        history.add(average);
        sinceEstimate++;
        if (!estimated) {
            if (history.count() < config.estimationSamples()) {
                return Double.NaN;
            }
            estimate();
        } else if (sinceEstimate >= config.reestimationPeriod()) {
            estimate();
        }
        double tail = tailProbability(average);
        double filtered = tail;
        if (tail <= RED_TAIL && previousTail <= RED_TAIL) {
            filtered = YELLOW_TAIL;
        }
        previousTail = tail;
        return 1.0 - filtered;
    }

    /**
     * The saved state (not the config: it is read into a fresh instance of the same config), keeping the rings'
     * layout so a restored instance continues exactly.
     */
    static final Fields<AnomalyLikelihood> FIELDS = Fields.<AnomalyLikelihood>builder()
            .part("averaging window", a -> a.averaging, DoubleRing.FIELDS)
            .float64("averaging sum", a -> a.averagingSum, (a, v) -> a.averagingSum = v)
            .part("history", a -> a.history, DoubleRing.FIELDS)
            .int64("scores seen", a -> a.seen, (a, v) -> a.seen = v)
            .int64("scores since the estimate", a -> a.sinceEstimate, (a, v) -> a.sinceEstimate = v)
            .int8("estimated", a -> a.estimated ? 1 : 0, (a, v) -> a.estimated = v != 0)
            .float64("mean", a -> a.mean, (a, v) -> a.mean = v)
            .float64("standard deviation", a -> a.stdDev, (a, v) -> a.stdDev = v)
            .float64("previous tail", a -> a.previousTail, (a, v) -> a.previousTail = v)
            .check("likelihood state", AnomalyLikelihood::consistent)
            .build();

    private boolean consistent() {
        return seen >= 0 && sinceEstimate >= 0 && (!estimated || stdDev > 0);
    }

    /** Reads into this fresh instance a version 1/2 state of the same config, checking every count. */
    void read(StateInput in) throws IOException {
        averaging.readFilled(in, "likelihood window");
        averagingSum = in.readDouble();
        history.readFilled(in, "likelihood history");
        seen = in.readLong();
        sinceEstimate = in.readLong();
        estimated = in.readBoolean();
        mean = in.readDouble();
        stdDev = in.readDouble();
        previousTail = in.readDouble();
        if (!consistent()) {
            throw new ModelFormatException("Saved likelihood state is damaged");
        }
    }

    /** Numenta's log scale of a likelihood: {@code log(1.0000000001 - L) / log(1e-10)}, in {@code [0, 1]}. */
    public static double logScale(double likelihood) {
        double v = Math.log(1.0000000001 - likelihood) / LOG_SCALE;
        return Math.max(0.0, Math.min(1.0, v));
    }

    private void estimate() {
        int n = history.count();
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += history.get(i);
        }
        double m = sum / n;
        double squares = 0;
        for (int i = 0; i < n; i++) {
            double d = history.get(i) - m;
            squares += d * d;
        }
        double variance = Math.max(squares / n, config.minVariance());
        mean = m;
        stdDev = Math.sqrt(variance);
        estimated = true;
        sinceEstimate = 0;
    }

    /** Upper-tail probability of {@code x} under the current normal distribution (reflected below the mean). */
    double tailProbability(double x) {
        double v = x < mean ? 2 * mean - x : x;
        double z = (v - mean) / stdDev;
        return 0.5 * erfc(z / Math.sqrt(2));
    }

    /** Complementary error function, fractional error below 1.2e-7 (Chebyshev fit, Numerical Recipes' erfcc). */
    static double erfc(double x) {
        double z = Math.abs(x);
        double t = 1.0 / (1.0 + 0.5 * z);
        double ans = t
                * Math.exp(
                        -z * z
                                - 1.26551223
                                + t
                                        * (1.00002368
                                                + t
                                                        * (0.37409196
                                                                + t
                                                                        * (0.09678418
                                                                                + t
                                                                                        * (-0.18628806
                                                                                                + t
                                                                                                        * (0.27886807
                                                                                                                + t
                                                                                                                        * (-1.13520398
                                                                                                                                + t
                                                                                                                                        * (1.48851587
                                                                                                                                                + t
                                                                                                                                                        * (-0.82215223
                                                                                                                                                                + t
                                                                                                                                                                        * 0.17087277)))))))));
        return x >= 0 ? ans : 2.0 - ans;
    }
}
