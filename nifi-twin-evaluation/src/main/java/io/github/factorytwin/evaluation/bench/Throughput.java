package io.github.factorytwin.evaluation.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A small benchmark harness: warm-up iterations that are thrown away, then measured iterations on
 * one thread, reporting the median. Single-threaded, so records/s is records/s per core.
 */
public final class Throughput {

    /** One iteration of work; returns how many records it processed. */
    @FunctionalInterface
    public interface Iteration {
        long run() throws Exception;
    }

    /** Median and spread of the measured iterations, in records per second. */
    public record Result(
            String name,
            double medianRecordsPerSecond,
            double minRecordsPerSecond,
            double maxRecordsPerSecond,
            int iterations) {}

    private Throughput() {}

    public static Result measure(String name, int warmups, int iterations, Iteration iteration) throws Exception {
        for (int i = 0; i < warmups; i++) {
            iteration.run();
        }
        List<Double> rates = new ArrayList<>();
        for (int i = 0; i < iterations; i++) {
            long start = System.nanoTime();
            long records = iteration.run();
            long elapsed = System.nanoTime() - start;
            rates.add(records * 1e9 / elapsed);
        }
        Collections.sort(rates);
        return new Result(name, median(rates), rates.get(0), rates.get(rates.size() - 1), iterations);
    }

    static double median(List<Double> sorted) {
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
