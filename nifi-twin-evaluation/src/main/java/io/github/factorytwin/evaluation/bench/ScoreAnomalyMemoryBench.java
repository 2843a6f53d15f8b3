package io.github.factorytwin.evaluation.bench;

import io.github.factorytwin.anomaly.AnomalyDetector;
import io.github.factorytwin.anomaly.AnomalyEngine;
import io.github.factorytwin.anomaly.DerivedFeature;
import io.github.factorytwin.anomaly.FeatureSpec;
import io.github.factorytwin.anomaly.MissingValueStrategy;
import io.github.factorytwin.anomaly.ScorePostProcessing;
import java.lang.management.ManagementFactory;
import java.lang.ref.Reference;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;

/**
 * Heap per machine of ScoreAnomaly's engine state (the detector's per-machine feature state and learners, and the
 * per-machine score post-processing), at 1,000 / 10,000 / 100,000 / 1,000,000 machines that each sent a few
 * readings, for three configurations:
 *
 * <ul>
 *   <li>defaults: GLOBAL model (warmed up and fitted first), temperature, vibration, rpm, no derived features,
 *       no post-processing;
 *   <li>heaviest per machine: DELTA_AND_WINDOW, LIKELIHOOD and a Range Tolerance;
 *   <li>PER_MACHINE while warming up: each machine's learning sample (grows with the readings seen);
 *   <li>PER_MACHINE with each machine's own model fitted (100 machines, 1,000 readings each).
 * </ul>
 *
 * Heap is measured after full collections (used heap with the state, minus used heap without it), single-threaded.
 * Not a test: it prints a table.
 *
 * <pre>
 * java -Xmx6g -cp "nifi-twin-evaluation/target/classes:$(cat nifi-twin-evaluation/target/classpath.txt)" \
 *     io.github.factorytwin.evaluation.bench.ScoreAnomalyMemoryBench [readings per machine, default 5]
 * </pre>
 */
public final class ScoreAnomalyMemoryBench {

    private static final List<String> FIELDS = List.of("temperature", "vibration", "rpm");
    private static final int[] MACHINES = {1_000, 10_000, 100_000, 1_000_000};

    private ScoreAnomalyMemoryBench() {}

    public static void main(String[] args) throws Exception {
        int readings = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        System.out.printf(
                Locale.ROOT, "%-38s %10s %14s %16s%n", "configuration", "machines", "heap (MB)", "bytes/machine");
        for (int machines : MACHINES) {
            row(
                    "defaults (GLOBAL, no derived, NONE)",
                    machines,
                    readings,
                    Set.of(),
                    false,
                    AnomalyDetector.Scope.GLOBAL);
        }
        for (int machines : MACHINES) {
            row(
                    "DELTA_AND_WINDOW + LIKELIHOOD + range",
                    machines,
                    readings,
                    EnumSet.of(DerivedFeature.DELTA, DerivedFeature.WINDOW),
                    true,
                    AnomalyDetector.Scope.GLOBAL);
        }
        for (int machines : MACHINES) {
            row("PER_MACHINE, warming up", machines, readings, Set.of(), false, AnomalyDetector.Scope.PER_MACHINE);
        }
        // a machine's own fitted model (100 trees, subsample 256): 1,000 readings each
        row("PER_MACHINE, model fitted", 100, 1000, Set.of(), false, AnomalyDetector.Scope.PER_MACHINE);
    }

    private static void row(
            String name,
            int machines,
            int readings,
            Set<DerivedFeature> derived,
            boolean post,
            AnomalyDetector.Scope scope)
            throws Exception {
        AnomalyDetector.Config config = AnomalyDetector.Config.builder(new FeatureSpec(FIELDS, derived))
                .missing(MissingValueStrategy.IMPUTE_LAST)
                .scope(scope)
                .warmUpSize(1000)
                .retrainInterval(0)
                .trees(100)
                .subsampleSize(256)
                .threshold(0.65)
                .seed(1L)
                .sampleSize(1000)
                .maxMachines(Integer.MAX_VALUE)
                .build();
        ScorePostProcessing postProcessing = post
                ? new ScorePostProcessing(ScorePostProcessing.Mode.LIKELIHOOD, 1000, 0.05)
                : ScorePostProcessing.OFF;
        AnomalyEngine engine = AnomalyEngine.learning(new AnomalyEngine.Settings(config, postProcessing, true));
        Random random = new Random(1);
        if (scope == AnomalyDetector.Scope.GLOBAL) {
            AnomalyEngine.Batch warmUp = engine.begin();
            for (int i = 0; i < 1000; i++) {
                warmUp.process(new AnomalyEngine.Reading("warm-up", null, null, false, reading(random)));
            }
            warmUp.commit();
        }
        long start = usedHeap();
        for (int r = 0; r < readings; r++) {
            for (int from = 0; from < machines; from += 1000) {
                AnomalyEngine.Batch batch = engine.begin();
                for (int m = from; m < Math.min(machines, from + 1000); m++) {
                    String id = String.format(Locale.ROOT, "M%07d", m);
                    batch.process(new AnomalyEngine.Reading(id, null, null, false, reading(random)));
                }
                batch.commit();
            }
        }
        long used = usedHeap() - start;
        System.out.printf(Locale.ROOT, "%-38s %,10d %,14.1f %,16d%n", name, machines, used / 1e6, used / machines);
        Reference.reachabilityFence(engine);
    }

    private static double[] reading(Random random) {
        double rpm = 1500 + 3000 * random.nextDouble();
        return new double[] {75 + 2 * random.nextGaussian(), 0.2 + rpm / 4000 + 0.05 * random.nextGaussian(), rpm};
    }

    private static long usedHeap() throws InterruptedException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
            used = Math.min(
                    used,
                    ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
