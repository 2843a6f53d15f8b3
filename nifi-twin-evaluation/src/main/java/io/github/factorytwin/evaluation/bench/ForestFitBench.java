package io.github.factorytwin.evaluation.bench;

import io.github.factorytwin.anomaly.IsolationForestModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Fits/s of {@link IsolationForestModel#fit} (100 trees, subsample 256, on 1,000 rows of three features), in one
 * thread and in two threads fitting at the same time (their fits/s added up), best round of each.
 *
 * <pre>
 * ./mvnw -B -o -q -pl nifi-twin-processors,nifi-twin-evaluation -am package dependency:build-classpath \
 *     -Dmdep.outputFile=target/classpath.txt -DskipTests
 * java -cp "nifi-twin-evaluation/target/classes:$(cat nifi-twin-evaluation/target/classpath.txt)" \
 *     io.github.factorytwin.evaluation.bench.ForestFitBench [warm-up rounds, default 5] [rounds, default 10]
 * </pre>
 */
public final class ForestFitBench {

    static final List<String> FEATURES = List.of("temperature", "vibration", "rpm");
    static final int FITS_PER_ROUND = 20;

    private ForestFitBench() {}

    /** 1,000 readings: temperature, vibration rising with rpm, rpm. */
    static double[][] rows() {
        Random random = new Random(5);
        double[][] rows = new double[1000][];
        for (int i = 0; i < rows.length; i++) {
            double rpm = 1500 + 3000 * random.nextDouble();
            rows[i] = new double[] {
                75 + 2 * random.nextGaussian(), 0.2 + 0.25 * rpm / 1000 + 0.05 * random.nextGaussian(), rpm
            };
        }
        return rows;
    }

    /** The best fits/s of {@code threads} threads fitting {@link #FITS_PER_ROUND} forests each, all together. */
    static double fitsPerSecond(int threads, int warmups, int rounds) throws Exception {
        double[][] rows = rows();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            double best = 0;
            for (int round = 0; round < warmups + rounds; round++) {
                List<Callable<Long>> tasks = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    long seedBase = (long) round * threads + t;
                    tasks.add(() -> {
                        long trees = 0;
                        for (int i = 0; i < FITS_PER_ROUND; i++) {
                            trees += IsolationForestModel.fit(FEATURES, rows, 100, 256, seedBase * 1000 + i)
                                    .numberOfTrees();
                        }
                        return trees;
                    });
                }
                long start = System.nanoTime();
                long trees = 0;
                for (Future<Long> done : pool.invokeAll(tasks)) {
                    trees += done.get();
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                if (trees != 100L * FITS_PER_ROUND * threads) {
                    throw new IllegalStateException("fitted " + trees + " trees");
                }
                if (round >= warmups) {
                    best = Math.max(best, FITS_PER_ROUND * threads / seconds);
                }
            }
            return best;
        } finally {
            pool.shutdownNow();
        }
    }

    public static void main(String[] args) throws Exception {
        int warmups = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        double one = fitsPerSecond(1, warmups, rounds);
        double two = fitsPerSecond(2, warmups, rounds);
        System.out.printf(
                Locale.ROOT,
                "IsolationForestModel.fit, 100 trees x 256 of 1000x3 rows: %,.1f fits/s in 1 thread, %,.1f fits/s"
                        + " in 2 threads together (best of %d rounds of %d fits per thread; %d cores)%n",
                one,
                two,
                rounds,
                FITS_PER_ROUND,
                Runtime.getRuntime().availableProcessors());
    }
}
