package io.github.factorytwin.evaluation.nab;

import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * NAB's scoring rules (NAB v1.1, {@code nab/sweeper.py}, {@code nab/optimizer.py}), reimplemented.
 *
 * <ul>
 *   <li>The first {@code min(floor(0.15 n), 750)} rows of a file are probationary and never scored.
 *   <li>A row is a detection when its anomaly score is {@code >= threshold}.
 *   <li>A row inside a window {@code [l, r]} (width {@code w = r - l + 1}) is worth
 *       {@code ss(-(r - i + 1) / w) * A_TP / ss(-1)}; a window counts only its best (earliest)
 *       detection, and a window with no detection costs {@code -A_FN}.
 *   <li>A row outside every window is worth {@code -A_FP} before the first window ends, and
 *       {@code ss(|R - i| / (W - 1)) * A_FP} after a window with right edge {@code R} and width {@code W}.
 *   <li>The threshold is optimised once for the whole corpus: every distinct anomaly score is a
 *       candidate, and the one with the largest total score wins (the highest threshold on ties).
 * </ul>
 *
 * Windows are entered and left on exact timestamp matches, as NAB does.
 */
public final class NabScorer {

    public static final double PROBATIONARY_PERCENT = 0.15;
    /** NAB starts its threshold sweep above every possible score. */
    static final double START_THRESHOLD = 1.1;

    static final int OUTSIDE = -1;
    static final int PROBATIONARY = -2;

    private NabScorer() {}

    /** NAB's scaled sigmoid: {@code -1} for {@code x > 3}, else {@code 2 / (1 + e^(5x)) - 1}. */
    public static double scaledSigmoid(double relativePosition) {
        if (relativePosition > 3.0) {
            return -1.0;
        }
        return 2 * sigmoid(-5 * relativePosition) - 1.0;
    }

    private static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
    }

    /** Rows not scored at the start of a file of {@code rows} rows: {@code min(floor(0.15 n), 750)}. */
    public static int probationaryLength(int rows) {
        return (int) Math.min(Math.floor(PROBATIONARY_PERCENT * rows), PROBATIONARY_PERCENT * 5000);
    }

    /**
     * One file made ready for scoring: each row's anomaly score, its unweighted NAB score as a
     * detection, and which window it falls in ({@link #OUTSIDE}, {@link #PROBATIONARY} or the
     * window's index in the file).
     */
    public static final class SweptFile {
        private final String name;
        private final double[] anomalyScores;
        private final double[] unweighted;
        private final boolean[] inWindow;
        private final int[] window;
        private final int windowCount;

        SweptFile(
                String name,
                double[] anomalyScores,
                double[] unweighted,
                boolean[] inWindow,
                int[] window,
                int windowCount) {
            this.name = name;
            this.anomalyScores = anomalyScores;
            this.unweighted = unweighted;
            this.inWindow = inWindow;
            this.window = window;
            this.windowCount = windowCount;
        }

        public String name() {
            return name;
        }

        public int rows() {
            return anomalyScores.length;
        }

        /** Labelled windows of the file, scored or not. */
        public int labelledWindows() {
            return windowCount;
        }

        /** Labelled windows that have at least one scored (non-probationary) row. */
        public int scoredWindows() {
            boolean[] seen = new boolean[windowCount];
            int count = 0;
            for (int w : window) {
                if (w >= 0 && !seen[w]) {
                    seen[w] = true;
                    count++;
                }
            }
            return count;
        }

        /** The row's NAB score if it were a detection, weighted by the profile. */
        double weighted(int row, NabProfile profile) {
            return inWindow[row] ? unweighted[row] * profile.tpWeight() / MAX_TP : unweighted[row] * profile.fpWeight();
        }
    }

    private static final double MAX_TP = scaledSigmoid(-1.0);

    /**
     * Prepares one file: {@code timestamps} are the data file's rows, {@code anomalyScores} the
     * detector's score for each row, {@code windows} the file's labelled windows in time order.
     */
    public static SweptFile sweep(
            String name, List<LocalDateTime> timestamps, double[] anomalyScores, List<NabCorpus.Window> windows) {
        int n = timestamps.size();
        if (anomalyScores.length != n) {
            throw new IllegalArgumentException(
                    name + ": " + anomalyScores.length + " anomaly scores for " + n + " rows");
        }
        double[] unweighted = new double[n];
        int[] window = new int[n];
        boolean[] inWindow = new boolean[n];
        int probationary = probationaryLength(n);

        int nextWindow = 0;
        NabCorpus.Window current = null;
        int currentIndex = -1;
        int currentRight = -1;
        double currentWidth = 0;
        int previousRight = -1;
        double previousWidth = 0;
        for (int i = 0; i < n; i++) {
            LocalDateTime time = timestamps.get(i);
            if (nextWindow < windows.size()
                    && time.equals(windows.get(nextWindow).start())) {
                current = windows.get(nextWindow);
                currentIndex = nextWindow++;
                currentRight = timestamps.indexOf(current.end());
                if (currentRight < 0) {
                    throw new IllegalArgumentException(name + ": window end " + current.end() + " is not a row");
                }
                currentWidth = currentRight - timestamps.indexOf(current.start()) + 1;
            }
            if (current != null) {
                double position = -(currentRight - i + 1) / currentWidth;
                unweighted[i] = scaledSigmoid(position);
                inWindow[i] = true;
            } else if (previousRight < 0) {
                unweighted[i] = -1.0;
            } else {
                unweighted[i] = scaledSigmoid(Math.abs(previousRight - i) / (previousWidth - 1));
            }
            if (i >= probationary) {
                window[i] = current != null ? currentIndex : OUTSIDE;
            } else {
                window[i] = PROBATIONARY;
            }
            if (current != null && time.equals(current.end())) {
                previousRight = i;
                previousWidth = currentWidth;
                current = null;
            }
        }
        return new SweptFile(name, anomalyScores.clone(), unweighted, inWindow, window, windows.size());
    }

    /**
     * The score of one file at one threshold, with NAB's row counts: TP/TN/FP/FN count the scored
     * (non-probationary) rows, {@code total} counts all rows of the file, as NAB's published
     * results files do; {@code windows} counts the windows with a scored row, {@code detectedWindows} those of
     * them with at least one detection.
     */
    public record FileScore(
            String file,
            double threshold,
            double score,
            int tp,
            int tn,
            int fp,
            int fn,
            int total,
            int windows,
            int detectedWindows) {}

    /** Scores one file at {@code threshold}: detections are rows with {@code anomaly score >= threshold}. */
    public static FileScore score(SweptFile file, NabProfile profile, double threshold) {
        double[] best = new double[file.windowCount];
        boolean[] present = new boolean[file.windowCount];
        boolean[] detected = new boolean[file.windowCount];
        Arrays.fill(best, -profile.fnWeight());
        double fpScore = 0;
        int tp = 0;
        int tn = 0;
        int fp = 0;
        int fn = 0;
        for (int i = 0; i < file.rows(); i++) {
            int w = file.window[i];
            if (w == PROBATIONARY) {
                continue;
            }
            boolean detection = file.anomalyScores[i] >= threshold;
            if (w >= 0) {
                present[w] = true;
                if (detection) {
                    detected[w] = true;
                    tp++;
                    best[w] = Math.max(best[w], file.weighted(i, profile));
                } else {
                    fn++;
                }
            } else if (detection) {
                fp++;
                fpScore += file.weighted(i, profile);
            } else {
                tn++;
            }
        }
        double score = fpScore;
        int windows = 0;
        int detectedWindows = 0;
        for (int w = 0; w < best.length; w++) {
            if (present[w]) {
                score += best[w];
                windows++;
                detectedWindows += detected[w] ? 1 : 0;
            }
        }
        return new FileScore(file.name(), threshold, score, tp, tn, fp, fn, file.rows(), windows, detectedWindows);
    }

    /** The threshold NAB's optimiser picks for a corpus, and the total raw score it gives. */
    public record Optimum(double threshold, double score) {}

    /**
     * NAB's corpus-wide threshold optimisation: sweeps every distinct anomaly score of all files'
     * scored rows from the highest down and returns the threshold with the largest total score
     * (the first, i.e. highest, threshold among equal scores).
     */
    public static Optimum optimize(List<SweptFile> files, NabProfile profile) {
        int total = 0;
        for (SweptFile f : files) {
            for (int w : f.window) {
                if (w != PROBATIONARY) {
                    total++;
                }
            }
        }
        double[] scores = new double[total];
        double[] weighted = new double[total];
        int[] window = new int[total];
        int windowBase = 0;
        int k = 0;
        for (SweptFile f : files) {
            for (int i = 0; i < f.rows(); i++) {
                int w = f.window[i];
                if (w == PROBATIONARY) {
                    continue;
                }
                scores[k] = f.anomalyScores[i];
                weighted[k] = f.weighted(i, profile);
                window[k] = w >= 0 ? windowBase + w : OUTSIDE;
                k++;
            }
            windowBase += f.windowCount;
        }
        Integer[] order = new Integer[total];
        for (int i = 0; i < total; i++) {
            order[i] = i;
        }
        // stable, highest score first, as NAB's sorted(..., reverse=True)
        Arrays.sort(order, (a, b) -> Double.compare(scores[b], scores[a]));

        // windows enter the sum in the order they first appear, after the false-positive part
        double[] best = new double[windowBase];
        boolean[] seen = new boolean[windowBase];
        List<Integer> partOrder = new ArrayList<>();
        for (int idx : order) {
            int w = window[idx];
            if (w >= 0 && !seen[w]) {
                seen[w] = true;
                partOrder.add(w);
                best[w] = -profile.fnWeight();
            }
        }
        int[] parts = partOrder.stream().mapToInt(Integer::intValue).toArray();

        double fpPart = 0;
        double threshold = START_THRESHOLD;
        double bestThreshold = threshold;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (int idx : order) {
            if (scores[idx] != threshold) {
                double s = sum(fpPart, parts, best);
                if (s > bestScore) {
                    bestScore = s;
                    bestThreshold = threshold;
                }
                threshold = scores[idx];
            }
            int w = window[idx];
            if (w == OUTSIDE) {
                fpPart += weighted[idx];
            } else {
                best[w] = Math.max(best[w], weighted[idx]);
            }
        }
        double s = sum(fpPart, parts, best);
        if (s > bestScore) {
            bestScore = s;
            bestThreshold = threshold;
        }
        return new Optimum(bestThreshold, bestScore);
    }

    private static double sum(double fpPart, int[] parts, double[] best) {
        double s = fpPart;
        for (int w : parts) {
            s += best[w];
        }
        return s;
    }
}
