package io.github.factorytwin.evaluation.nab;

import java.io.IOException;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;

/** Runs a {@link NabDetector} over every file of the NAB corpus and scores it as NAB does. */
public final class NabRunner {

    private NabRunner() {}

    /** The detector's per-row scores for every corpus file, clamped to {@code [0, 1]} (NaN is 0). */
    public static Map<String, double[]> run(NabCorpus corpus, NabDetector detector) throws IOException {
        Map<String, double[]> scores = new LinkedHashMap<>();
        for (String file : corpus.files()) {
            NabCorpus.DataFile data = corpus.load(file);
            scores.put(file, run(data, detector));
        }
        return scores;
    }

    public static double[] run(NabCorpus.DataFile data, NabDetector detector) {
        int n = data.size();
        NabDetector.Series series = detector.start(n, NabScorer.probationaryLength(n));
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            long millis = data.timestamps().get(i).toInstant(ZoneOffset.UTC).toEpochMilli();
            double s = series.score(millis, data.values()[i]);
            out[i] = Double.isNaN(s) ? 0.0 : Math.max(0.0, Math.min(1.0, s));
        }
        return out;
    }

    /** Runs the detector and lets NAB's optimiser choose one threshold per profile for the corpus. */
    public static NabEvaluation.Result evaluate(NabCorpus corpus, NabDetector detector) throws IOException {
        return NabEvaluation.evaluate(corpus, detector.name(), run(corpus, detector), null);
    }
}
