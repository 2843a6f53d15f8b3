package io.github.factorytwin.evaluation.cmapss;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * How {@link CmapssEvaluation#DEFAULT} was chosen without looking at the test set: 5-fold cross-validation over
 * the 100 training engines (fold = unit mod 5). Each held-out engine is cut, like the test engines, at 5 random
 * points leaving between 5 and 150 cycles (at least 31 cycles kept), and the engine's estimate after the cut is
 * compared with the true remaining cycles (not capped).
 *
 * <p>{@code CmapssValidation [cmapss dir] [subset, default FD001]
 * baseline,fastAlpha,slowAlpha,trendWindow,trees,nodeSize,maxDepth[,maxNodes] ...}
 */
public final class CmapssValidation {

    private CmapssValidation() {}

    public static double crossValidatedRmse(Path cmapssDir, String subset, CmapssEvaluation.Options options)
            throws IOException {
        Map<Integer, List<double[]>> engines = CmapssEvaluation.read(CmapssEvaluation.file(cmapssDir, "train", subset));
        double squares = 0;
        int count = 0;
        for (int fold = 0; fold < 5; fold++) {
            List<List<double[]>> train = new ArrayList<>();
            List<List<double[]>> heldOut = new ArrayList<>();
            List<Double> truth = new ArrayList<>();
            Random random = new Random(fold);
            for (Map.Entry<Integer, List<double[]>> e : engines.entrySet()) {
                if (e.getKey() % 5 != fold) {
                    train.add(e.getValue());
                    continue;
                }
                List<double[]> cycles = e.getValue();
                int n = cycles.size();
                for (int k = 0; k < 5; k++) {
                    int low = Math.max(31, n - 150);
                    int high = n - 5;
                    int keep = low + random.nextInt(Math.max(1, high - low + 1));
                    heldOut.add(cycles.subList(0, keep));
                    truth.add((double) (n - keep));
                }
            }
            CmapssEvaluation.Estimate[] predicted =
                    CmapssEvaluation.predict(heldOut, CmapssEvaluation.train(train, options), options);
            for (int i = 0; i < predicted.length; i++) {
                double h = predicted[i].cycles() - truth.get(i);
                squares += h * h;
                count++;
            }
        }
        return Math.sqrt(squares / count);
    }

    public static void main(String[] args) throws IOException {
        System.setProperty("org.slf4j.simpleLogger.log.smile", "warn");
        Path dir = args.length > 0 ? Path.of(args[0]) : CmapssEvaluation.locate();
        int first = 1;
        String subset = "FD001";
        if (args.length > 1 && args[1].matches("FD\\d{3}")) {
            subset = args[1];
            first = 2;
        }
        List<CmapssEvaluation.Options> candidates = new ArrayList<>();
        for (int i = first; i < args.length; i++) {
            String[] p = args[i].split(",");
            candidates.add(new CmapssEvaluation.Options(
                    Integer.parseInt(p[0]),
                    Double.parseDouble(p[1]),
                    Double.parseDouble(p[2]),
                    Integer.parseInt(p[3]),
                    Integer.parseInt(p[4]),
                    Integer.parseInt(p[5]),
                    Integer.parseInt(p[6]),
                    p.length > 7 ? Integer.parseInt(p[7]) : 0,
                    p.length <= 8 || Boolean.parseBoolean(p[8])));
        }
        if (candidates.isEmpty()) {
            candidates.add(CmapssEvaluation.DEFAULT);
        }
        for (CmapssEvaluation.Options options : candidates) {
            System.out.printf("%s -> cross-validated RMSE %.2f%n", options, crossValidatedRmse(dir, subset, options));
        }
    }
}
