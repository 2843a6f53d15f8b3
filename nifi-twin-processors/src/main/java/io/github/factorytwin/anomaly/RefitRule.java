package io.github.factorytwin.anomaly;

/**
 * When a learned forest is grown again on its retraining sample. Asked at the end of every retrain interval (every
 * {@code Retrain Interval} readings learned), it answers yes only when a new forest would describe something the
 * current one does not:
 *
 * <ul>
 *   <li><b>Half the sample is new:</b> at least half the sample's rows joined it since the fit, so the forest
 *       was grown on less than half of what it would be grown on now (after the warm-up the sample doubles between
 *       fits until it is full; a full sample is grown on again after every half of it is replaced, whatever the
 *       readings look like).
 *   <li><b>The readings learned have moved:</b> the mean score the forest gives the readings learned in the latest
 *       interval differs from the mean score it gave those of the first interval after the fit by more than
 *       {@link #SHIFT_STANDARD_ERRORS} standard errors of that difference. The forest is its own yardstick: a new
 *       level, spread or combination of the features (a duty, an ambient drift, a settled shift a held-back machine
 *       is learned at again) makes it score the new readings differently, whichever features moved and in whatever
 *       units; readings like those it was grown on score alike and change nothing.
 * </ul>
 *
 * A window is an interval's learned rows, at least {@link #MIN_WINDOW} scored ones (a shorter interval's windows
 * span several intervals), so the test always has a usable mean and spread. Per learner, in the learner's lock;
 * its state changes only when a committed batch is learned, so an uncommitted FlowFile leaves it untouched. Not
 * saved: after a restart the restored forest counts as fitted on the restored sample, and its reference window is
 * the first interval after the restart.
 */
final class RefitRule {

    /** Fewest scored readings in a window before the score test judges it (the usual large-sample rule). */
    static final int MIN_WINDOW = 30;

    /** How far, in standard errors, the latest window's mean score may lie from the reference's (a 3-sigma test). */
    static final double SHIFT_STANDARD_ERRORS = 3.0;

    private long added;
    private boolean referenceClosed;
    private final Moments reference = new Moments();
    private final Moments latest = new Moments();

    /** A forest was just grown (or restored): counting and windows start afresh. */
    void fitted() {
        added = 0;
        referenceClosed = false;
        reference.clear();
        latest.clear();
    }

    /**
     * A row joined the sample; {@code score} is what the current forest scored it (NaN when it did not score it,
     * e.g. a reading another forest scored).
     */
    void added(double score) {
        added++;
        if (!Double.isNaN(score)) {
            (referenceClosed ? latest : reference).add(score);
        }
    }

    /**
     * At the end of a retrain interval: whether to grow the forest again (see the class comment), {@code sampleRows}
     * being the rows the sample holds now.
     */
    boolean due(int sampleRows) {
        if (2 * added >= sampleRows) {
            return true;
        }
        if (!referenceClosed) {
            referenceClosed = reference.count >= MIN_WINDOW;
            return false;
        }
        if (latest.count < MIN_WINDOW) {
            return false; // the window is still filling
        }
        boolean moved = reference.differsFrom(latest, SHIFT_STANDARD_ERRORS);
        latest.clear();
        return moved;
    }

    /** Count, mean and sum of squared deviations of scores (Welford's updates, stable for long windows). */
    private static final class Moments {
        private long count;
        private double mean;
        private double squares;

        void add(double x) {
            count++;
            double delta = x - mean;
            mean += delta / count;
            squares += delta * (x - mean);
        }

        void clear() {
            count = 0;
            mean = 0;
            squares = 0;
        }

        /** Whether the two means differ by more than {@code errors} standard errors of their difference. */
        boolean differsFrom(Moments other, double errors) {
            double varianceOfDifference =
                    squares / (count - 1) / count + other.squares / (other.count - 1) / other.count;
            double difference = Math.abs(mean - other.mean);
            return difference > errors * Math.sqrt(varianceOfDifference);
        }
    }
}
