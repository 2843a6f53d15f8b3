package io.github.factorytwin.evaluation.bench;

import io.github.factorytwin.anomaly.IsolationForestModel;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Fits per CPU second of {@link IsolationForestModel#fit} (100 trees, subsample 256) on training samples of several
 * sizes: by default 1,000 and 10,000 rows (ScoreAnomaly's default retraining sample) of three features. For each, in
 * one thread (median, best and worst round, by the thread's CPU time, so that other work on the machine slows the
 * figure less) and in two threads fitting at the same time (their fits per wall-clock second added up, best round).
 *
 * <pre>
 * ./mvnw -B -o -q -pl nifi-twin-processors,nifi-twin-evaluation -am package dependency:build-classpath \
 *     -Dmdep.outputFile=target/classpath.txt -DskipTests
 * java -cp "nifi-twin-evaluation/target/classes:$(cat nifi-twin-evaluation/target/classpath.txt)" \
 *     io.github.factorytwin.evaluation.bench.ForestFitBench [warm-up rounds, default 5] [rounds, default 10] \
 *     [samples as rows x features, default 1000x3 10000x3]
 * </pre>
 */
public final class ForestFitBench {

    static final int FITS_PER_ROUND = 20;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private ForestFitBench() {}

    /**
     * {@code n} readings: temperature, vibration rising with rpm, rpm; with another number of features, the first
     * feature a load and each further one following it with its own noise.
     */
    static double[][] rows(int n, int d) {
        Random random = new Random(5);
        double[][] rows = new double[n][];
        for (int i = 0; i < rows.length; i++) {
            double rpm = 1500 + 3000 * random.nextDouble();
            if (d == 3) {
                rows[i] = new double[] {
                    75 + 2 * random.nextGaussian(), 0.2 + 0.25 * rpm / 1000 + 0.05 * random.nextGaussian(), rpm
                };
            } else {
                rows[i] = new double[d];
                rows[i][0] = rpm;
                for (int j = 1; j < d; j++) {
                    rows[i][j] = j * rpm / 1000 + (j + 1) * random.nextGaussian();
                }
            }
        }
        return rows;
    }

    static List<String> features(int d) {
        if (d == 3) {
            return List.of("temperature", "vibration", "rpm");
        }
        List<String> names = new ArrayList<>();
        for (int j = 0; j < d; j++) {
            names.add("f" + j);
        }
        return names;
    }

    /** One round's measure per round: fits per CPU second of the fitting threads, or per wall-clock second. */
    static double[] rounds(double[][] rows, int threads, int warmups, int rounds, boolean perCpuSecond)
            throws Exception {
        List<String> features = features(rows[0].length);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            double[] measured = new double[rounds];
            for (int round = 0; round < warmups + rounds; round++) {
                List<Callable<long[]>> tasks = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    long seedBase = (long) round * threads + t;
                    tasks.add(() -> {
                        long cpuStart = THREADS.getCurrentThreadCpuTime();
                        long trees = 0;
                        for (int i = 0; i < FITS_PER_ROUND; i++) {
                            trees += IsolationForestModel.fit(features, rows, 100, 256, seedBase * 1000 + i)
                                    .numberOfTrees();
                        }
                        return new long[] {trees, THREADS.getCurrentThreadCpuTime() - cpuStart};
                    });
                }
                long start = System.nanoTime();
                long trees = 0;
                long cpuNanos = 0;
                for (Future<long[]> done : pool.invokeAll(tasks)) {
                    trees += done.get()[0];
                    cpuNanos += done.get()[1];
                }
                double seconds = (perCpuSecond ? cpuNanos : System.nanoTime() - start) / 1e9;
                if (trees != 100L * FITS_PER_ROUND * threads) {
                    throw new IllegalStateException("fitted " + trees + " trees");
                }
                if (round >= warmups) {
                    measured[round - warmups] = FITS_PER_ROUND * threads / seconds;
                }
            }
            Arrays.sort(measured);
            return measured;
        } finally {
            pool.shutdownNow();
        }
    }

    public static void main(String[] args) throws Exception {
        int warmups = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        List<String> samples = args.length > 2 ? List.of(args).subList(2, args.length) : List.of("1000x3", "10000x3");
        for (String sample : samples) {
            String[] size = sample.split("x");
            double[][] rows = rows(Integer.parseInt(size[0]), Integer.parseInt(size[1]));
            double[] one = rounds(rows, 1, warmups, rounds, true);
            double[] two = rounds(rows, 2, warmups, rounds, false);
            System.out.printf(
                    Locale.ROOT,
                    "IsolationForestModel.fit, 100 trees x 256 of %sx%s rows: %,.1f fits per CPU second in 1 thread"
                            + " (median; best %,.1f, worst %,.1f), %,.1f fits/s in 2 threads together (best) "
                            + "(%d rounds of %d fits per thread; %d cores)%n",
                    size[0],
                    size[1],
                    one[one.length / 2],
                    one[one.length - 1],
                    one[0],
                    two[two.length - 1],
                    rounds,
                    FITS_PER_ROUND,
                    Runtime.getRuntime().availableProcessors());
        }
    }
}
