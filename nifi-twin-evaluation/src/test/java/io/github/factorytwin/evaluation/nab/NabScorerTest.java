package io.github.factorytwin.evaluation.nab;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** NAB's rules on small hand-made files, independent of the dataset. */
class NabScorerTest {

    private static final NabProfile STANDARD = new NabProfile("standard", 1.0, 1.0, 0.11);
    private static final LocalDateTime T0 = LocalDateTime.of(2020, 1, 1, 0, 0);

    private static List<LocalDateTime> times(int n) {
        List<LocalDateTime> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            list.add(T0.plusMinutes(5L * i));
        }
        return list;
    }

    private static NabCorpus.Window window(int from, int to) {
        return new NabCorpus.Window(T0.plusMinutes(5L * from), T0.plusMinutes(5L * to));
    }

    @Test
    void scaledSigmoidMatchesNabsDocumentedValues() {
        assertEquals(0.98661, NabScorer.scaledSigmoid(-1.0), 1e-5);
        assertEquals(0.84828, NabScorer.scaledSigmoid(-0.5), 1e-5);
        assertEquals(0.0, NabScorer.scaledSigmoid(0.0), 1e-12);
        assertEquals(-0.98661, NabScorer.scaledSigmoid(1.0), 1e-5);
        assertEquals(-1.0, NabScorer.scaledSigmoid(3.01), 1e-12);
    }

    @Test
    void probationIsFifteenPercentCappedAt750() {
        assertEquals(15, NabScorer.probationaryLength(100));
        assertEquals(150, NabScorer.probationaryLength(1003));
        assertEquals(750, NabScorer.probationaryLength(5000));
        assertEquals(750, NabScorer.probationaryLength(22695));
    }

    @Test
    void earliestDetectionInWindowCountsAndFalsePositivesAreWeighted() {
        // 100 rows, probation 15; window rows 40..49 (width 10)
        double[] scores = new double[100];
        scores[42] = 1.0; // in window, 8 rows before its right edge
        scores[45] = 1.0; // later in the same window: does not add
        scores[20] = 1.0; // before any window: -A_FP
        scores[60] = 1.0; // after the window: ss(|49-60| / 9) * A_FP
        scores[5] = 1.0; // probationary: ignored
        NabScorer.SweptFile file = NabScorer.sweep("f", times(100), scores, List.of(window(40, 49)));
        NabScorer.FileScore s = NabScorer.score(file, STANDARD, 0.5);
        double tp = NabScorer.scaledSigmoid(-(49 - 42 + 1) / 10.0) / NabScorer.scaledSigmoid(-1.0);
        double fpAfter = NabScorer.scaledSigmoid(11 / 9.0) * 0.11;
        assertEquals(tp - 0.11 + fpAfter, s.score(), 1e-12);
        assertEquals(2, s.tp());
        assertEquals(2, s.fp());
        assertEquals(8, s.fn());
        assertEquals(85 - 12, s.tn());

        NabScorer.FileScore none = NabScorer.score(file, STANDARD, 1.5);
        assertEquals(-1.0, none.score(), 1e-12);
        NabScorer.FileScore lowFn = NabScorer.score(file, new NabProfile("fn", 1, 2, 0.11), 1.5);
        assertEquals(-2.0, lowFn.score(), 1e-12);
    }

    @Test
    void windowInsideProbationIsNotScored() {
        double[] scores = new double[100];
        NabScorer.SweptFile file = NabScorer.sweep("f", times(100), scores, List.of(window(2, 8)));
        assertEquals(0, file.scoredWindows());
        assertEquals(0.0, NabScorer.score(file, STANDARD, 0.5).score(), 1e-12);
    }

    @Test
    void optimiserMatchesBruteForceOverEveryCandidateThreshold() {
        Random random = new Random(42);
        List<NabScorer.SweptFile> files = new ArrayList<>();
        for (int f = 0; f < 4; f++) {
            double[] scores = new double[300];
            for (int i = 0; i < scores.length; i++) {
                scores[i] = Math.round(random.nextDouble() * 50) / 50.0; // many ties
            }
            files.add(NabScorer.sweep("f" + f, times(300), scores, List.of(window(100, 129), window(200, 219))));
        }
        for (NabProfile profile :
                List.of(STANDARD, new NabProfile("fp", 1, 1, 0.22), new NabProfile("fn", 1, 2, 0.11))) {
            NabScorer.Optimum optimum = NabScorer.optimize(files, profile);
            double best = Double.NEGATIVE_INFINITY;
            double bestThreshold = Double.NaN;
            for (int k = 51; k >= 0; k--) { // NAB's 1.1 (nothing detected), then 1.0 down to 0
                double threshold = k == 51 ? 1.1 : k / 50.0;
                double total = 0;
                for (NabScorer.SweptFile file : files) {
                    total += NabScorer.score(file, profile, threshold).score();
                }
                if (total > best + 1e-12) {
                    best = total;
                    bestThreshold = threshold;
                }
            }
            assertEquals(best, optimum.score(), 1e-9, profile.name());
            assertEquals(bestThreshold, optimum.threshold(), 1e-12, profile.name());
        }
    }
}
