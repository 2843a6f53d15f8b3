package io.github.factorytwin.evaluation.nab;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.factorytwin.evaluation.DetectionCounts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runner's plumbing on a tiny NAB-format corpus written here, with reference detectors. */
class NabRunnerTest {

    private static final DateTimeFormatter DATA = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    private static final DateTimeFormatter LABEL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS");
    private static final LocalDateTime T0 = LocalDateTime.of(2020, 1, 1, 0, 0);
    private static final int B = 1000;

    @TempDir
    Path root;

    private NabCorpus corpus;

    @BeforeEach
    void writeCorpus() throws IOException {
        Files.createDirectories(root.resolve("data/cat"));
        Files.createDirectories(root.resolve("labels"));
        Files.createDirectories(root.resolve("config"));
        writeFile("cat/a.csv", 0, 200, 150);
        writeFile("cat/b.csv", B, 300, 220); // b's rows come after a's: no timestamp is shared
        Files.writeString(
                root.resolve("labels/combined_windows.json"),
                "{\"cat/a.csv\": [[\"" + at(140, LABEL) + "\", \"" + at(159, LABEL) + "\"]],\n" + " \"cat/b.csv\": [[\""
                        + at(B + 210, LABEL) + "\", \"" + at(B + 239, LABEL) + "\"]]}");
        Files.writeString(
                root.resolve("config/profiles.json"),
                "{\"standard\": {\"CostMatrix\": {\"tpWeight\": 1.0, \"fnWeight\": 1.0, \"fpWeight\": 0.11}},"
                        + "\"reward_low_FP_rate\": {\"CostMatrix\": {\"tpWeight\": 1.0, \"fnWeight\": 1.0, \"fpWeight\": 0.22}},"
                        + "\"reward_low_FN_rate\": {\"CostMatrix\": {\"tpWeight\": 1.0, \"fnWeight\": 2.0, \"fpWeight\": 0.11}}}");
        corpus = NabCorpus.open(root);
    }

    private void writeFile(String path, int firstRow, int rows, int spikeAt) throws IOException {
        StringBuilder csv = new StringBuilder("timestamp,value\n");
        for (int i = 0; i < rows; i++) {
            double value = 10 + Math.sin(i / 5.0) + (i == spikeAt ? 50 : 0);
            csv.append(at(firstRow + i, DATA)).append(',').append(value).append('\n');
        }
        Files.writeString(root.resolve("data").resolve(path), csv);
    }

    private static String at(int row, DateTimeFormatter format) {
        return T0.plusMinutes(5L * row).format(format);
    }

    private static long millis(int row) {
        return T0.plusMinutes(5L * row).toInstant(ZoneOffset.UTC).toEpochMilli();
    }

    /** Fires exactly at the first row of each labelled window: NAB's perfect detector. */
    private static NabDetector oracle(Set<Long> windowStarts) {
        return new NabDetector() {
            @Override
            public String name() {
                return "oracle";
            }

            @Override
            public Series start(int rows, int probationaryRows) {
                return (epochMillis, value) -> windowStarts.contains(epochMillis) ? 1.0 : 0.0;
            }
        };
    }

    /** Trivial reference detector: distance from the running mean in running standard deviations. */
    private static final NabDetector Z_SCORE = new NabDetector() {
        @Override
        public String name() {
            return "z-score";
        }

        @Override
        public Series start(int rows, int probationaryRows) {
            return new Series() {
                long n;
                double mean;
                double m2;

                @Override
                public double score(long epochMillis, double value) {
                    double sd = n > 1 ? Math.sqrt(m2 / (n - 1)) : 0;
                    double z = sd > 0 ? Math.abs(value - mean) / sd : 0;
                    n++;
                    double delta = value - mean;
                    mean += delta / n;
                    m2 += delta * (value - mean);
                    return Math.min(1.0, z / 10) + (Double.isNaN(value) ? Double.NaN : 0);
                }
            };
        }
    };

    @Test
    void perfectDetectorScores100AndSilentDetectorScores0() throws IOException {
        NabEvaluation.Result perfect = NabRunner.evaluate(corpus, oracle(Set.of(millis(140), millis(B + 210))));
        NabEvaluation.Result silent = NabRunner.evaluate(corpus, new NabDetector() {
            @Override
            public String name() {
                return "silent";
            }

            @Override
            public Series start(int rows, int probationaryRows) {
                return (epochMillis, value) -> 0.0;
            }
        });
        for (String profile : NabProfile.NAMES) {
            assertEquals(100.0, perfect.normalized(profile), 1e-9, profile);
            assertEquals(0.0, silent.normalized(profile), 1e-9, profile);
        }
    }

    @Test
    void referenceDetectorFindsTheSpikesInsideTheWindows() throws IOException {
        NabEvaluation.Result result = NabRunner.evaluate(corpus, Z_SCORE);
        NabEvaluation.ProfileResult standard = result.profiles().get("standard");
        // both spikes lie inside their windows: both windows are detected, nothing else
        assertEquals(2, standard.files().stream().filter(f -> f.tp() > 0).count(), standard.toString());
        assertTrue(standard.normalizedScore() > 50, standard.toString());
        assertTrue(standard.normalizedScore() < 100, standard.toString());
    }

    @Test
    void runnerClampsScoresAndFeedsEveryRow() throws IOException {
        NabCorpus.DataFile a = corpus.load("cat/a.csv");
        int[] fed = new int[1];
        double[] scores = NabRunner.run(a, new NabDetector() {
            @Override
            public String name() {
                return "wild";
            }

            @Override
            public Series start(int rows, int probationaryRows) {
                assertEquals(200, rows);
                assertEquals(30, probationaryRows);
                return (epochMillis, value) -> {
                    fed[0]++;
                    return fed[0] % 3 == 0 ? Double.NaN : fed[0] % 3 == 1 ? 7.0 : -2.0;
                };
            }
        });
        assertEquals(200, fed[0]);
        assertEquals(1.0, scores[0]);
        assertEquals(0.0, scores[1]);
        assertEquals(0.0, scores[2]);
    }

    @Test
    void flaggingEveryRowRecallsEveryWindowRowAndFlagsEveryNormalOne() throws IOException {
        NabEvaluation.Result result = NabEvaluation.flagEverything(corpus);
        DetectionCounts counts = result.profiles().get("standard").counts();
        // a: rows 30..199 scored (probation 30), window 140..159; b: rows 45..299 scored, window 210..239
        assertEquals(new DetectionCounts(20 + 30, 150 + 225, 0, 0), counts);
        assertEquals(1.0, counts.recall(), 1e-12);
        assertEquals(1.0, counts.falseAlarmRate(), 1e-12);
        assertEquals(0.0, counts.missedAlarmRate(), 1e-12);
        assertEquals(50.0 / 425, counts.precision(), 1e-12);
        assertArrayEquals(new int[] {0, 2}, result.profiles().get("standard").missedWindows());
        // every window is found at its first row, but every other row costs a false positive
        assertTrue(result.normalized("standard") < 0, "" + result.normalized("standard"));
    }

    @Test
    void aDetectorThatNeverFiresMissesEveryWindowAndRaisesNoFalseAlarm() throws IOException {
        Map<String, double[]> zeros = new LinkedHashMap<>();
        for (String file : corpus.files()) {
            zeros.put(file, new double[corpus.load(file).size()]);
        }
        NabEvaluation.ProfileResult standard = NabEvaluation.evaluate(
                        corpus,
                        "never",
                        zeros,
                        Map.of("standard", 0.5, "reward_low_FP_rate", 0.5, "reward_low_FN_rate", 0.5))
                .profiles()
                .get("standard");
        assertArrayEquals(new int[] {2, 2}, standard.missedWindows());
        assertEquals(new DetectionCounts(0, 0, 50, 375), standard.counts());
        assertEquals(0.0, standard.counts().falseAlarmRate(), 1e-12);
        assertEquals(1.0, standard.counts().missedAlarmRate(), 1e-12);
        assertEquals(0.0, standard.normalizedScore(), 1e-9); // NAB's null detector
    }
}
