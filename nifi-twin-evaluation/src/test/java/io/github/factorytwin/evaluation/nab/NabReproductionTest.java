package io.github.factorytwin.evaluation.nab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.factorytwin.evaluation.Datasets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Our scorer reproduces NAB's published numbers from NAB's own files: the numenta detector's per-row
 * scores with NAB's published thresholds give its per-file scores and counts, its raw totals and its
 * final normalised scores; and our corpus-wide optimiser finds NAB's published threshold and score.
 */
class NabReproductionTest {

    private static NabCorpus corpus;
    private static Map<String, double[]> numenta;

    private static Path nab;

    @BeforeAll
    static void load() throws IOException {
        nab = Datasets.nab(Datasets.resolve());
        if (!NabCorpus.isPresent(nab)) {
            return;
        }
        corpus = NabCorpus.open(nab);
        numenta = new HashMap<>();
        for (String file : corpus.files()) {
            numenta.put(file, corpus.publishedScores("numenta", file));
        }
    }

    @BeforeEach
    void needsTheDataset() {
        assumeTrue(
                corpus != null,
                "NAB dataset not found at " + nab + ": skipping the reproduction of NAB's published scores" + " (set -D"
                        + Datasets.PROPERTY + "=<datasets dir>)");
    }

    @Test
    void corpusHas58FilesAnd116Windows() {
        assertEquals(58, corpus.files().size());
        assertEquals(116, corpus.windowCount());
    }

    @Test
    void reproducesNumentaPerFileScoresAndFinalScores() throws IOException {
        Map<String, Double> thresholds = new LinkedHashMap<>();
        for (String profile : NabProfile.NAMES) {
            thresholds.put(profile, corpus.publishedThreshold("numenta", profile));
        }
        NabEvaluation.Result result = NabEvaluation.evaluate(corpus, "numenta", numenta, thresholds);

        Map<String, Double> expectedFinal =
                Map.of("standard", 70.10, "reward_low_FP_rate", 63.12, "reward_low_FN_rate", 74.32);
        for (String profile : NabProfile.NAMES) {
            NabEvaluation.ProfileResult r = result.profiles().get(profile);
            Map<String, String[]> published = publishedRows(profile);
            assertEquals(58, r.files().size());
            for (NabScorer.FileScore f : r.files()) {
                String[] row = published.get(f.file());
                String where = profile + " " + f.file();
                assertEquals(Double.parseDouble(row[4]), f.score(), 1e-9, where + " score");
                assertEquals(Integer.parseInt(row[5]), f.tp(), where + " TP");
                assertEquals(Integer.parseInt(row[6]), f.tn(), where + " TN");
                assertEquals(Integer.parseInt(row[7]), f.fp(), where + " FP");
                assertEquals(Integer.parseInt(row[8]), f.fn(), where + " FN");
                assertEquals(Integer.parseInt(row[9]), f.total(), where + " total");
            }
            assertEquals(Double.parseDouble(published.get("Totals")[4]), r.rawScore(), 1e-8, profile + " raw total");
            assertEquals(116, r.perfectScore(), 1e-12);
            assertEquals(profile.equals("reward_low_FN_rate") ? -232 : -116, r.nullScore(), 1e-12);
            assertEquals(expectedFinal.get(profile), r.normalizedScore(), 0.01, profile + " normalised");
            assertEquals(
                    corpus.publishedFinalScore("numenta", profile), r.normalizedScore(), 1e-6, profile + " vs json");
        }
    }

    /**
     * NAB's thresholds.json predates NAB's exhaustive sweep optimiser (NAB commit d62afec "Sweep
     * scoring" replaced a local search): the sweep must find at least the published raw score in every
     * profile, and exactly it for the standard profile, where the published threshold is the optimum.
     */
    @Test
    void optimiserFindsAtLeastNabsPublishedScores() throws IOException {
        List<NabScorer.SweptFile> swept = new java.util.ArrayList<>();
        for (String file : corpus.files()) {
            NabCorpus.DataFile data = corpus.load(file);
            swept.add(NabScorer.sweep(file, data.timestamps(), numenta.get(file), data.windows()));
        }
        JsonNode published = new ObjectMapper()
                .readTree(corpus.root().resolve("config/thresholds.json").toFile());
        for (NabProfile profile : corpus.profiles()) {
            NabScorer.Optimum optimum = NabScorer.optimize(swept, profile);
            double publishedScore =
                    published.path("numenta").path(profile.name()).path("score").asDouble();
            if (profile.name().equals("standard")) {
                assertEquals(publishedScore, optimum.score(), 1e-8, "standard optimal raw score");
            } else {
                assertTrue(optimum.score() >= publishedScore - 1e-9, profile.name() + " " + optimum);
            }
            // the optimum is the total of the files scored at the threshold it returns
            double total = 0;
            for (NabScorer.SweptFile file : swept) {
                total += NabScorer.score(file, profile, optimum.threshold()).score();
            }
            assertEquals(optimum.score(), total, 1e-9, profile.name() + " optimum vs rescoring");
        }
    }

    private static Map<String, String[]> publishedRows(String profile) throws IOException {
        Map<String, String[]> rows = new HashMap<>();
        List<String> lines =
                Files.readAllLines(corpus.root().resolve("results/numenta/numenta_" + profile + "_scores.csv"));
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split(",", -1);
            rows.put(cells[0].equals("Totals") ? "Totals" : cells[2], cells);
        }
        return rows;
    }
}
