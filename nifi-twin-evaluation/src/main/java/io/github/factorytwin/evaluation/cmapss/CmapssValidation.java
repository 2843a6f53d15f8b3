package io.github.factorytwin.evaluation.cmapss;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * How {@link CmapssEvaluation#DEFAULT} is chosen without looking at any test engine: 5-fold cross-validation over a
 * subset's training engines (fold = unit mod 5). Each held-out engine is cut at 5 random points, and the engine's
 * estimate after the cut is compared with the true remaining cycles (not capped). Two ways to cut, both reported,
 * from the same fitted models:
 *
 * <ul>
 *   <li><b>near failure</b> (the original protocol): between 5 and 150 cycles left, at least 31 cycles kept;
 *   <li><b>any point</b>: anywhere in the engine's life (at least one cycle kept, at least one left), so young
 *       engines with long remaining lives, whose estimate the near-failure protocol never asks for, count too.
 * </ul>
 *
 * <p>{@code CmapssValidation [cmapss dir] [FD001[,FD002...], default FD001]
 * baseline,fastAlpha,slowAlpha,trendWindow,trees,nodeSize,maxDepth[,maxNodes[,fleetNormalisation[,cap[,beyondCap[,FOREST|BOOSTING[,healthIndex[,lifeBeyondCap]]]]]]] ...
 * [--cuts <csv file>]}
 */
public final class CmapssValidation {

    /** Cross-validated RMSE of one subset under both cutting protocols. */
    public record Scores(double nearFailure, double anyPoint) {}

    private static final int FOLDS = 5;
    private static final int CUTS = 5;

    private CmapssValidation() {}

    public static Scores crossValidatedRmse(Path cmapssDir, String subset, CmapssEvaluation.Options options)
            throws IOException {
        return crossValidatedRmse(cmapssDir, subset, options, null);
    }

    /**
     * As {@link #crossValidatedRmse(Path, String, CmapssEvaluation.Options)}, writing every cut to {@code cuts}
     * (when not null) as a CSV line {@code subset,fold,protocol (0 near failure, 1 any point),cycles kept,true
     * remaining cycles,estimate}: what a rule applied after the model can be judged on without fitting again.
     */
    public static Scores crossValidatedRmse(
            Path cmapssDir, String subset, CmapssEvaluation.Options options, PrintStream cuts) throws IOException {
        Map<Integer, List<double[]>> engines = CmapssEvaluation.read(CmapssEvaluation.file(cmapssDir, "train", subset));
        double[] squares = new double[2];
        int[] count = new int[2];
        for (int fold = 0; fold < FOLDS; fold++) {
            List<List<double[]>> train = new ArrayList<>();
            List<List<double[]>> heldOut = new ArrayList<>();
            List<Double> truth = new ArrayList<>();
            List<Integer> protocol = new ArrayList<>();
            Random random = new Random(fold); // the near-failure cuts as they always were
            Random anyPoint = new Random(1000 + fold);
            for (Map.Entry<Integer, List<double[]>> e : engines.entrySet()) {
                if (e.getKey() % FOLDS != fold) {
                    train.add(e.getValue());
                    continue;
                }
                List<double[]> cycles = e.getValue();
                int n = cycles.size();
                for (int k = 0; k < CUTS; k++) {
                    int low = Math.max(31, n - 150);
                    int high = n - 5;
                    int keep = low + random.nextInt(Math.max(1, high - low + 1));
                    heldOut.add(cycles.subList(0, keep));
                    truth.add((double) (n - keep));
                    protocol.add(0);
                }
                for (int k = 0; k < CUTS; k++) {
                    int keep = 1 + anyPoint.nextInt(n - 1);
                    heldOut.add(cycles.subList(0, keep));
                    truth.add((double) (n - keep));
                    protocol.add(1);
                }
            }
            CmapssEvaluation.Estimate[] predicted =
                    CmapssEvaluation.predict(heldOut, CmapssEvaluation.train(train, options), options);
            for (int i = 0; i < predicted.length; i++) {
                double h = predicted[i].cycles() - truth.get(i);
                int p = protocol.get(i);
                if (cuts != null) {
                    cuts.printf(
                            Locale.ROOT,
                            "%s,%d,%d,%d,%.0f,%.4f%n",
                            subset,
                            fold,
                            p,
                            heldOut.get(i).size(),
                            truth.get(i),
                            predicted[i].cycles());
                }
                squares[p] += h * h;
                count[p]++;
            }
        }
        return new Scores(Math.sqrt(squares[0] / count[0]), Math.sqrt(squares[1] / count[1]));
    }

    static CmapssEvaluation.Options parse(String text) {
        String[] p = text.split(",");
        CmapssEvaluation.Options d = CmapssEvaluation.DEFAULT;
        return new CmapssEvaluation.Options(
                Integer.parseInt(p[0]),
                Double.parseDouble(p[1]),
                Double.parseDouble(p[2]),
                Integer.parseInt(p[3]),
                Integer.parseInt(p[4]),
                Integer.parseInt(p[5]),
                Integer.parseInt(p[6]),
                p.length > 7 ? Integer.parseInt(p[7]) : d.maxNodes(),
                p.length > 8 ? Boolean.parseBoolean(p[8]) : d.fleetNormalisation(),
                p.length > 9 ? Integer.parseInt(p[9]) : d.cap(),
                p.length > 10 ? Boolean.parseBoolean(p[10]) : d.beyondCap(),
                p.length > 11 ? CmapssEvaluation.Learner.valueOf(p[11]) : d.learner(),
                p.length > 12 ? Boolean.parseBoolean(p[12]) : d.healthIndex(),
                p.length > 13 ? Double.parseDouble(p[13]) : d.lifeBeyondCap());
    }

    public static void main(String[] args) throws IOException {
        System.setProperty("org.slf4j.simpleLogger.log.smile", "warn");
        Path dir = args.length > 0 ? Path.of(args[0]) : CmapssEvaluation.locate();
        int first = 1;
        List<String> subsets = List.of("FD001");
        if (args.length > 1 && args[1].matches("FD\\d{3}(,FD\\d{3})*")) {
            subsets = List.of(args[1].split(","));
            first = 2;
        }
        PrintStream cuts = null;
        if (args.length > 1 && args[args.length - 2].equals("--cuts")) {
            cuts = new PrintStream(args[args.length - 1], StandardCharsets.UTF_8);
            args = Arrays.copyOf(args, args.length - 2);
        }
        List<CmapssEvaluation.Options> candidates = new ArrayList<>();
        for (int i = first; i < args.length; i++) {
            candidates.add(parse(args[i]));
        }
        if (candidates.isEmpty()) {
            candidates.add(CmapssEvaluation.DEFAULT);
        }
        for (CmapssEvaluation.Options options : candidates) {
            for (String subset : subsets) {
                Scores s = crossValidatedRmse(dir, subset, options, cuts);
                System.out.printf(
                        Locale.ROOT,
                        "%s %s -> cross-validated RMSE near failure %.2f, any point %.2f%n",
                        subset,
                        options,
                        s.nearFailure(),
                        s.anyPoint());
                if (cuts != null) {
                    cuts.flush(); // a long run can be analysed subset by subset
                }
            }
        }
    }
}
