package io.github.factorytwin.evaluation;

import io.github.factorytwin.evaluation.ScorecardOptions.Part;
import io.github.factorytwin.evaluation.bench.ComputeHealthScoreBench;
import io.github.factorytwin.evaluation.bench.GenerateSensorReadingsBench;
import io.github.factorytwin.evaluation.bench.ScoreAnomalyBench;
import io.github.factorytwin.evaluation.bench.Throughput;
import io.github.factorytwin.evaluation.cmapss.CmapssEvaluation;
import io.github.factorytwin.evaluation.nab.NabCorpus;
import io.github.factorytwin.evaluation.nab.NabDetector;
import io.github.factorytwin.evaluation.nab.NabEvaluation;
import io.github.factorytwin.evaluation.nab.NabProfile;
import io.github.factorytwin.evaluation.nab.NabRunner;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The scorecard: detection quality on NAB, detection on the simulator's ground truth, time to
 * maintenance on C-MAPSS (FD001, FD002, FD003) and throughput, printed as a table and written as a flat JSON
 * object ({@code nifi-twin-evaluation/target/scorecard.json} by default). A part whose data is
 * missing says so and leaves its keys out of the JSON.
 */
public final class Scorecard {

    private final ScorecardOptions options;
    private final ScorecardReport report = new ScorecardReport();
    private final PrintStream log;

    Scorecard(ScorecardOptions options, PrintStream log) {
        this.options = options;
        this.log = log;
    }

    public static void main(String[] args) {
        ScorecardOptions options;
        try {
            options = ScorecardOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("scorecard: " + e.getMessage());
            System.err.print(ScorecardOptions.USAGE);
            System.exit(2);
            return;
        }
        if (options.help()) {
            System.out.print(ScorecardOptions.USAGE);
            return;
        }
        Scorecard scorecard = new Scorecard(options, System.err);
        ScorecardReport report = scorecard.run();
        System.out.println();
        report.print(System.out);
        try {
            report.writeJson(options.out());
            System.out.println();
            System.out.println("Written: " + options.out());
        } catch (IOException e) {
            System.err.println("scorecard: cannot write " + options.out() + ": " + e.getMessage());
            System.exit(1);
        }
    }

    ScorecardReport run() {
        log.println("scorecard: datasets " + options.datasets()
                + (Files.isDirectory(options.datasets()) ? "" : " (MISSING: data-driven parts will be skipped)"));
        for (Part part : Part.values()) {
            if (!options.runs(part)) {
                continue;
            }
            long start = System.nanoTime();
            try {
                switch (part) {
                    case NAB -> nab();
                    case SIMULATOR -> simulator();
                    case CMAPSS -> cmapss();
                    case THROUGHPUT -> throughput();
                }
            } catch (Exception e) {
                report.unavailable(part.token(), "all", "failed: " + e);
                e.printStackTrace(log);
            }
            log.printf(Locale.ROOT, "scorecard: %s done in %.1f s%n", part.token(), (System.nanoTime() - start) / 1e9);
        }
        return report;
    }

    // ---------------------------------------------------------------- NAB

    private void nab() throws IOException {
        Path root = Datasets.nab(options.datasets());
        if (!NabCorpus.isPresent(root)) {
            report.unavailable("NAB", "all", "NAB data missing at " + root + " (use --datasets <dir>)");
            // the published scoreboard (NAB README, standard profile) is known without the data
            report.number("nab.published.randomCutForest.standard", 51.7);
            report.number("nab.published.numenta.standard", 70.1);
            report.number("nab.published.ARTime.standard", 74.9);
            return;
        }
        NabCorpus corpus = NabCorpus.open(root);
        log.println("scorecard: NAB reproduction of the numenta detector from its published per-row scores");
        Map<String, double[]> numenta = new LinkedHashMap<>();
        for (String file : corpus.files()) {
            numenta.put(file, corpus.publishedScores("numenta", file));
        }
        Map<String, Double> thresholds = new LinkedHashMap<>();
        for (String profile : NabProfile.NAMES) {
            thresholds.put(profile, corpus.publishedThreshold("numenta", profile));
        }
        NabEvaluation.Result reproduction = NabEvaluation.evaluate(corpus, "numenta", numenta, thresholds);
        for (String profile : NabProfile.NAMES) {
            double ours = reproduction.normalized(profile);
            double published = corpus.publishedFinalScore("numenta", profile);
            report.number("nab.reference.numenta." + profile, ours);
            report.row(
                    "NAB",
                    "reproduced numenta HTM, " + profile,
                    ScorecardReport.fmt(ours, 2),
                    "published " + ScorecardReport.fmt(published, 2));
        }
        rates("nab.reference.numenta.", "reproduced numenta HTM", reproduction);
        Map<String, String> published = new LinkedHashMap<>();
        for (String profile : NabProfile.NAMES) {
            StringBuilder text = new StringBuilder("published: ");
            for (String detector : List.of("randomCutForest", "numenta", "ARTime")) {
                double score = corpus.publishedFinalScore(detector, profile);
                report.number("nab.published." + detector + "." + profile, score);
                text.append(detector.equals("randomCutForest") ? "RCF" : detector.equals("numenta") ? "HTM" : detector)
                        .append(' ')
                        .append(ScorecardReport.fmt(score, 1))
                        .append(detector.equals("ARTime") ? "" : ", ");
            }
            published.put(profile, text.toString());
        }

        flagEverything(corpus);

        Optional<NabDetector> twin = TwinDetectors.nab();
        if (twin.isEmpty()) {
            report.unavailable("NAB", "twin detector", TwinDetectors.nabUnavailableReason());
            return;
        }
        runTwin(corpus, twin.get(), "nab.twin.", "twin (StreamingDetector, likelihood + range)", published);
        Optional<NabDetector> processor = TwinDetectors.nabProcessor();
        if (processor.isPresent()) {
            runTwin(
                    corpus,
                    processor.get(),
                    "nab.processor.",
                    "ScoreAnomaly processor, LIKELIHOOD + Range Tolerance 0.05, Warm-up Size 150 (from 75 when stable)",
                    published);
        }
        Optional<NabDetector> raw = TwinDetectors.nabExperiment();
        if (raw.isPresent()) {
            runTwin(
                    corpus,
                    raw.get(),
                    "nab.twin_without_post_processing.",
                    "same forest, raw scores (Score Post-processing NONE)",
                    published);
        }
    }

    private void runTwin(
            NabCorpus corpus, NabDetector detector, String prefix, String label, Map<String, String> published)
            throws IOException {
        log.println("scorecard: NAB run: " + detector.description());
        NabEvaluation.Result result = NabRunner.evaluate(corpus, detector);
        report.text(prefix + "detector", detector.description());
        for (String profile : NabProfile.NAMES) {
            NabEvaluation.ProfileResult r = result.profiles().get(profile);
            report.number(prefix + profile, r.normalizedScore());
            report.number(prefix + "threshold." + profile, r.threshold());
            report.row(
                    "NAB",
                    label + ", " + profile,
                    ScorecardReport.fmt(r.normalizedScore(), 2),
                    published.get(profile) + "; threshold " + ScorecardReport.fmt(r.threshold(), 4));
        }
        rates(prefix, label, result);
    }

    /**
     * Row-level precision, recall, F1, false-alarm and missed-alarm rate at the standard profile's threshold (a row
     * inside a labelled window is abnormal; probationary rows are not counted).
     */
    private void rates(String prefix, String label, NabEvaluation.Result result) {
        NabEvaluation.ProfileResult standard = result.profiles().get("standard");
        DetectionCounts counts = standard.counts();
        counts.report(report, prefix + "rows.");
        // Per row, a detector that fires once per window has almost no recall; per window it found them all.
        int[] missed = standard.missedWindows();
        report.number(
                prefix + "windows.missed_alarm_rate", missed[1] == 0 ? Double.NaN : (double) missed[0] / missed[1]);
        report.row(
                "NAB",
                label + ": " + DetectionCounts.RATES,
                counts.rates(),
                "rows at the standard threshold " + ScorecardReport.fmt(standard.threshold(), 4) + "; "
                        + counts.tp() + " TP, " + counts.fp() + " FP, " + counts.fn() + " FN, " + counts.tn()
                        + " TN; windows without any detection: " + missed[0] + " of " + missed[1]);
    }

    /** The trivial detector that flags every row: what any figure must be compared with. */
    private void flagEverything(NabCorpus corpus) throws IOException {
        NabEvaluation.Result result = NabEvaluation.flagEverything(corpus);
        StringBuilder scores = new StringBuilder();
        for (String profile : NabProfile.NAMES) {
            double score = result.normalized(profile);
            report.number("nab.flag_everything." + profile, score);
            scores.append(scores.isEmpty() ? "" : " / ").append(ScorecardReport.fmt(score, 2));
        }
        report.row("NAB", "flag every row: score standard / low FP / low FN", scores.toString(), "trivial detector");
        rates("nab.flag_everything.", "flag every row", result);
    }

    // ---------------------------------------------------------------- simulator

    private void simulator() throws Exception {
        Optional<String> missing = TwinDetectors.simulatorUnavailableReason();
        if (missing.isPresent()) {
            report.unavailable("simulator", "all", missing.get());
            return;
        }
        SimulatorEvaluation.run(report, log, options.simulatorDays());
    }

    // ---------------------------------------------------------------- C-MAPSS

    private void cmapss() throws Exception {
        Path dir = Datasets.cmapss(options.datasets());
        report.number("cmapss.published.CNN_Babu2016.rmse", 18.45);
        report.number("cmapss.published.LSTM_Zheng2017.rmse", 16.14);
        report.number("cmapss.published.best_recent.rmse_low", 11.0);
        report.number("cmapss.published.best_recent.rmse_high", 12.5);
        report.number("cmapss.published.FD002.CNN_Babu2016.rmse", 30.29);
        report.number("cmapss.published.FD002.LSTM_Zheng2017.rmse", 24.49);
        report.number("cmapss.published.FD003.CNN_Babu2016.rmse", 19.82);
        report.number("cmapss.published.FD003.LSTM_Zheng2017.rmse", 16.18);
        String method = null;
        for (String subset : CmapssEvaluation.SUBSETS) {
            if (!CmapssEvaluation.isPresent(dir, subset)) {
                report.unavailable(
                        "C-MAPSS", subset, "C-MAPSS " + subset + " missing at " + dir + " (use --datasets <dir>)");
                continue;
            }
            log.println("scorecard: C-MAPSS " + subset);
            CmapssEvaluation.Result r = CmapssEvaluation.run(dir, subset);
            String prefix = "cmapss." + subset + ".";
            report.number(prefix + "rmse", r.rmse());
            report.number(prefix + "phm08", r.phm08());
            report.number(prefix + "rmse_capped_truth", r.rmseCappedTruth());
            report.number(prefix + "engines", r.engines());
            report.number(prefix + "prior_estimates", r.priorEstimates());
            report.text(prefix + "method", r.method());
            report.row(
                    "C-MAPSS",
                    subset + " RMSE (" + r.engines() + " test engines)",
                    ScorecardReport.fmt(r.rmse(), 2),
                    CmapssEvaluation.published(subset));
            report.row(
                    "C-MAPSS",
                    subset + " PHM08 score",
                    ScorecardReport.fmt(r.phm08(), 1),
                    "shortest test engine " + r.shortestEngine() + " cycles; " + r.priorEstimates()
                            + " answered by the fleet prior; RMSE against the true RUL capped at "
                            + CmapssEvaluation.DEFAULT.cap() + " (a common"
                            + " convention): " + ScorecardReport.fmt(r.rmseCappedTruth(), 2));
            method = r.method();
        }
        if (method != null) {
            report.row(
                    "C-MAPSS",
                    "method (all subsets)",
                    "",
                    method.length() > 110 ? method.substring(0, 107) + "... (full text in the JSON)" : method);
        }
    }

    // ---------------------------------------------------------------- throughput

    private void throughput() throws Exception {
        int warmups = options.warmups();
        int iterations = options.iterations();
        log.println("scorecard: throughput of GenerateSensorReadings");
        Throughput.Result generated = GenerateSensorReadingsBench.measure(warmups, iterations);
        // The simulator reads nothing: its baseline is a pass-through of sensor JSON like the one it writes.
        log.println("scorecard: pass-through baseline (JsonTreeReader -> JsonRecordSetWriter)");
        Throughput.Result sensorJson = PassThroughBaseline.measure(warmups, iterations);
        report.number("throughput.PassThrough.records_per_s", sensorJson.medianRecordsPerSecond());
        throughputRow("GenerateSensorReadings", generated, sensorJson, "pass-through of sensor JSON");

        log.println("scorecard: throughput of ScoreAnomaly");
        Throughput.Result scored = ScoreAnomalyBench.measure(warmups, iterations);
        throughputRow(
                "ScoreAnomaly",
                scored,
                ScoreAnomalyBench.measurePassThrough(warmups, iterations),
                "bench's own pass-through");

        log.println("scorecard: throughput of ComputeHealthScore");
        ComputeHealthScoreBench.Comparison health = ComputeHealthScoreBench.compare(warmups, iterations);
        throughputRow("ComputeHealthScore", health.health(), health.passThrough(), "bench's own pass-through");
    }

    private void throughputRow(
            String processor, Throughput.Result measured, Throughput.Result passThrough, String baselineNote) {
        double recordsPerSecond = measured.medianRecordsPerSecond();
        double baseline = passThrough.medianRecordsPerSecond();
        double ratio = recordsPerSecond / baseline;
        report.number("throughput." + processor + ".records_per_s", recordsPerSecond);
        report.number("throughput." + processor + ".passthrough_records_per_s", baseline);
        report.number("throughput." + processor + ".ratio_to_passthrough", ratio);
        report.row(
                "throughput",
                processor + " records/s (1 thread, median)",
                ScorecardReport.fmt(recordsPerSecond, 0),
                "ratio " + ScorecardReport.fmt(ratio, 3) + " to " + baselineNote + " "
                        + ScorecardReport.fmt(baseline, 0) + " records/s");
    }
}
