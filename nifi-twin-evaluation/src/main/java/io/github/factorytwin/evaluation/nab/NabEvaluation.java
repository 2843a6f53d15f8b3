package io.github.factorytwin.evaluation.nab;

import io.github.factorytwin.evaluation.DetectionCounts;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Scores a detector's per-row anomaly scores on the whole NAB corpus for the three profiles and
 * normalises them as NAB does: {@code 100 * (raw - raw_null) / (raw_perfect - raw_null)}, where the
 * perfect detector earns {@code A_TP} for every labelled window and the null detector (which never
 * detects) pays {@code -A_FN} for every window it can be scored on.
 */
public final class NabEvaluation {

    /** The result of one profile. */
    public record ProfileResult(
            NabProfile profile,
            double threshold,
            double rawScore,
            double nullScore,
            double perfectScore,
            double normalizedScore,
            List<NabScorer.FileScore> files) {

        /** Row counts over the scored (non-probationary) rows of every file at this profile's threshold. */
        public DetectionCounts counts() {
            DetectionCounts sum = DetectionCounts.NONE;
            for (NabScorer.FileScore f : files) {
                sum = sum.plus(new DetectionCounts(f.tp(), f.fp(), f.fn(), f.tn()));
            }
            return sum;
        }

        /** Labelled windows with a scored row, and how many of them have no detection at all. */
        public int[] missedWindows() {
            int windows = 0;
            int detected = 0;
            for (NabScorer.FileScore f : files) {
                windows += f.windows();
                detected += f.detectedWindows();
            }
            return new int[] {windows - detected, windows};
        }
    }

    /** The results of one detector, by profile name in NAB's order. */
    public record Result(String detector, Map<String, ProfileResult> profiles) {
        public double normalized(String profile) {
            return profiles.get(profile).normalizedScore();
        }
    }

    private NabEvaluation() {}

    /**
     * @param scoresByFile the detector's anomaly score for every row of every corpus file, keyed by
     *     relative path (e.g. {@code realKnownCause/nyc_taxi.csv})
     * @param thresholds a fixed threshold per profile name (e.g. NAB's published ones), or
     *     {@code null} to let NAB's optimiser choose one threshold per profile for the whole corpus
     */
    public static Result evaluate(
            NabCorpus corpus, String detector, Map<String, double[]> scoresByFile, Map<String, Double> thresholds)
            throws IOException {
        List<NabScorer.SweptFile> swept = new ArrayList<>();
        for (String file : corpus.files()) {
            double[] scores = scoresByFile.get(file);
            if (scores == null) {
                throw new IllegalArgumentException(detector + " has no scores for " + file);
            }
            NabCorpus.DataFile data = corpus.load(file);
            swept.add(NabScorer.sweep(file, data.timestamps(), scores, data.windows()));
        }
        return evaluate(corpus.profiles(), corpus.windowCount(), detector, swept, thresholds);
    }

    /** The trivial detector that flags every row, scored at threshold 1 (NAB's optimiser would detect nothing). */
    public static Result flagEverything(NabCorpus corpus) throws IOException {
        Map<String, double[]> ones = new LinkedHashMap<>();
        for (String file : corpus.files()) {
            double[] scores = new double[corpus.load(file).size()];
            Arrays.fill(scores, 1.0);
            ones.put(file, scores);
        }
        Map<String, Double> thresholds = new LinkedHashMap<>();
        for (String profile : NabProfile.NAMES) {
            thresholds.put(profile, 1.0);
        }
        return evaluate(corpus, "flag everything", ones, thresholds);
    }

    /** Scores already-swept files; {@code labelledWindows} is the corpus's total window count. */
    public static Result evaluate(
            List<NabProfile> profiles,
            int labelledWindows,
            String detector,
            List<NabScorer.SweptFile> swept,
            Map<String, Double> thresholds) {
        Map<String, ProfileResult> results = new LinkedHashMap<>();
        for (NabProfile profile : profiles) {
            double threshold = thresholds != null && thresholds.containsKey(profile.name())
                    ? thresholds.get(profile.name())
                    : NabScorer.optimize(swept, profile).threshold();
            List<NabScorer.FileScore> files = new ArrayList<>();
            double raw = 0;
            double nullScore = 0;
            for (NabScorer.SweptFile file : swept) {
                NabScorer.FileScore score = NabScorer.score(file, profile, threshold);
                files.add(score);
                raw += score.score();
                nullScore -= profile.fnWeight() * file.scoredWindows();
            }
            double perfect = labelledWindows * profile.tpWeight();
            double normalized = 100 * (raw - nullScore) / (perfect - nullScore);
            results.put(
                    profile.name(),
                    new ProfileResult(profile, threshold, raw, nullScore, perfect, normalized, List.copyOf(files)));
        }
        return new Result(detector, results);
    }
}
