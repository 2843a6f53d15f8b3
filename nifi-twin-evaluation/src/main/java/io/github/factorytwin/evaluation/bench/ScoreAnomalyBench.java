package io.github.factorytwin.evaluation.bench;

import io.github.factorytwin.anomaly.IsolationForestModel;
import io.github.factorytwin.processors.ScoreAnomaly;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.apache.nifi.util.TestRunner;
import smile.anomaly.IsolationForest;

/**
 * Records/s per core through ScoreAnomaly (learned model: 100 trees, subsample 256, three features) with NiFi's
 * JsonTreeReader and JsonRecordSetWriter, beside the pass-through baseline with the same reader and writer, measured
 * in the same run, plus the engine alone (Smile's {@code IsolationForest.score} against the flattened model) to
 * show where the time goes. A third runner, {@link ScoreFieldsPassThrough}, writes ScoreAnomaly's five output fields
 * with fixed values and does nothing else: reading and writing ScoreAnomaly's records alone, the ceiling of its
 * ratio (printed as "ceiling: fields CPU ratio").
 *
 * <pre>
 * ./mvnw -B -o -q -pl nifi-twin-processors,nifi-twin-evaluation -am package dependency:build-classpath \
 *     -Dmdep.outputFile=target/classpath.txt -DskipTests
 * java -cp "nifi-twin-evaluation/target/classes:$(cat nifi-twin-evaluation/target/classpath.txt)" \
 *     io.github.factorytwin.evaluation.bench.ScoreAnomalyBench [warm-up rounds, default 5] [rounds, default 15] \
 *     [Retrain Interval, default the property's] [Number of Trees, default the property's]
 * </pre>
 *
 * <p>Build with {@code -am} as above: built alone, the evaluation module's classpath names the processors jar
 * installed in the local Maven repository, not this tree's code.
 *
 * <p>At the default Retrain Interval the model is checked every 1,000 readings and grown again (100 trees on the
 * retraining sample) when that would change it ({@code RefitRule}; on these steady readings once every 5,000): the
 * refits are part of what is measured. A Retrain Interval of 0 measures scoring alone; a smaller Number of Trees
 * shows what the rest of ScoreAnomaly's work costs.
 */
public final class ScoreAnomalyBench {

    /** Records per FlowFile, and FlowFiles per measured iteration. */
    static final int RECORDS_PER_FLOWFILE = 1000;

    static final int FLOWFILES_PER_ITERATION = 20;

    private ScoreAnomalyBench() {}

    /** ScoreAnomaly's records/s, after its model has warmed up on 1000 readings. */
    public static Throughput.Result measure(int warmups, int iterations) throws Exception {
        TestRunner runner = JsonRecordRunners.newRunner(new ScoreAnomaly());
        runner.setProperty(ScoreAnomaly.RANDOM_SEED, "1");
        runner.setProperty(ScoreAnomaly.WARM_UP_SIZE, String.valueOf(RECORDS_PER_FLOWFILE));
        runner.enqueue(readings(RECORDS_PER_FLOWFILE, 0));
        runner.run(1, false, true);
        runner.clearTransferState();
        return Throughput.measure("ScoreAnomaly", warmups, iterations, iteration(runner));
    }

    /** The pass-through baseline's records/s on the same readings. */
    public static Throughput.Result measurePassThrough(int warmups, int iterations) throws Exception {
        TestRunner runner = JsonRecordRunners.newRunner(new PassThroughRecordProcessor());
        runner.run(1, false, true);
        return Throughput.measure("PassThrough", warmups, iterations, iteration(runner));
    }

    private static Throughput.Iteration iteration(TestRunner runner) {
        List<String> contents = new ArrayList<>();
        for (int i = 0; i < FLOWFILES_PER_ITERATION; i++) {
            contents.add(readings(RECORDS_PER_FLOWFILE, i + 1));
        }
        return () -> {
            for (String content : contents) {
                runner.enqueue(content);
            }
            runner.run(contents.size(), false, false);
            runner.clearTransferState();
            return (long) contents.size() * RECORDS_PER_FLOWFILE;
        };
    }

    /** Readings shaped like GenerateSensorReadings' output, ground truth included, 10 machines. */
    static String readings(int count, long seed) {
        Random random = new Random(seed);
        StringBuilder json = new StringBuilder(count * 260).append('[');
        for (int i = 0; i < count; i++) {
            double rpm = 1500 + 3000 * random.nextDouble();
            if (i > 0) {
                json.append(',');
            }
            json.append(String.format(
                    Locale.ROOT,
                    "{\"machine_id\":\"M%03d\",\"machine_type\":\"%s\",\"timestamp\":%d,\"temperature\":%.3f,"
                            + "\"vibration\":%.4f,\"rpm\":%.1f,\"state\":\"normal\",\"failure_mode\":\"none\","
                            + "\"remaining_useful_life\":%d,\"sensor_fault\":\"none\"}",
                    i % 10,
                    i % 2 == 0 ? "press" : "lathe",
                    1_700_000_000_000L + i * 2000L,
                    75 + 2 * random.nextGaussian(),
                    0.2 + 0.25 * rpm / 1000 + 0.05 * random.nextGaussian(),
                    rpm,
                    28_800 - i));
        }
        return json.append(']').toString();
    }

    /** Points/s of Smile's IsolationForest.score and of the flattened model, 100 trees of depth 8, 3 features. */
    static double[] engineRates(int rounds) {
        Random random = new Random(5);
        double[][] data = new double[1000][];
        for (int i = 0; i < data.length; i++) {
            double rpm = 1500 + 3000 * random.nextDouble();
            data[i] = new double[] {75 + 2 * random.nextGaussian(), 0.2 + 0.25 * rpm / 1000, rpm};
        }
        IsolationForest smile = IsolationForest.fit(data, new IsolationForest.Options(100, 8, 0.256, 2));
        IsolationForestModel flat =
                IsolationForestModel.fit(List.of("temperature", "vibration", "rpm"), data, 100, 256, 5);
        double smileRate = 0;
        double flatRate = 0;
        double sink = 0;
        for (int r = 0; r < rounds; r++) {
            long start = System.nanoTime();
            for (int k = 0; k < 20; k++) {
                for (double[] x : data) {
                    sink += smile.score(x);
                }
            }
            smileRate = Math.max(smileRate, 20.0 * data.length * 1e9 / (System.nanoTime() - start));
            start = System.nanoTime();
            for (int k = 0; k < 20; k++) {
                for (double[] x : data) {
                    sink += flat.score(x);
                }
            }
            flatRate = Math.max(flatRate, 20.0 * data.length * 1e9 / (System.nanoTime() - start));
        }
        if (sink == 42) {
            System.out.println();
        }
        return new double[] {smileRate, flatRate};
    }

    /**
     * Interleaved rounds: each round times one pass-through iteration and one ScoreAnomaly iteration back to back, so
     * both see the same machine load (this machine is shared); reports each one's median and the median of the
     * per-round ratios, of wall-clock rates and of rates per CPU second of the JVM (less sensitive to other work on a
     * loaded machine, which stretches the wall clock more than the CPU time a round uses).
     */
    public static void main(String[] args) throws Exception {
        int warmups = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 15;
        TestRunner passThrough = JsonRecordRunners.newRunner(new PassThroughRecordProcessor());
        passThrough.run(1, false, true);
        TestRunner withFields = JsonRecordRunners.newRunner(new ScoreFieldsPassThrough());
        withFields.run(1, false, true);
        TestRunner score = JsonRecordRunners.newRunner(new ScoreAnomaly());
        score.setProperty(ScoreAnomaly.RANDOM_SEED, "1");
        score.setProperty(ScoreAnomaly.WARM_UP_SIZE, String.valueOf(RECORDS_PER_FLOWFILE));
        if (args.length > 2) {
            score.setProperty(ScoreAnomaly.RETRAIN_INTERVAL, args[2]);
        }
        if (args.length > 3) {
            score.setProperty(ScoreAnomaly.NUMBER_OF_TREES, args[3]);
        }
        score.enqueue(readings(RECORDS_PER_FLOWFILE, 0));
        score.run(1, false, true);
        score.clearTransferState();
        Throughput.Iteration passIteration = iteration(passThrough);
        Throughput.Iteration scoreIteration = iteration(score);
        Throughput.Iteration fieldsIteration = iteration(withFields);
        for (int i = 0; i < warmups; i++) {
            passIteration.run();
            fieldsIteration.run();
            scoreIteration.run();
        }
        List<Double> passRates = new ArrayList<>();
        List<Double> scoreRates = new ArrayList<>();
        List<Double> ratios = new ArrayList<>();
        List<Double> cpuRatios = new ArrayList<>();
        List<Double> fieldsRates = new ArrayList<>();
        List<Double> fieldsCpuRatios = new ArrayList<>();
        List<Double> passCpuRates = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            // The runners take turns at going first: whichever follows another meets its garbage and a cache full
            // of its data (the first runner of a fixed order was measured up to 20% slower than the same work later).
            double[] wall = new double[3];
            double[] cpu = new double[3];
            Throughput.Iteration[] runners = {passIteration, fieldsIteration, scoreIteration};
            for (int k = 0; k < 3; k++) {
                int runner = (i + k) % 3;
                wall[runner] = rate(runners[runner]);
                cpu[runner] = lastCpuRate;
            }
            passCpuRates.add(cpu[0]);
            passRates.add(wall[0]);
            fieldsRates.add(wall[1]);
            fieldsCpuRatios.add(cpu[1] / cpu[0]);
            scoreRates.add(wall[2]);
            ratios.add(wall[2] / wall[0]);
            cpuRatios.add(cpu[2] / cpu[0]);
        }
        double[] engine = engineRates(5);
        System.out.printf(
                Locale.ROOT,
                "%-24s %14s %14s %14s%n",
                "benchmark (" + rounds + " rounds)",
                "median rec/s",
                "min",
                "max");
        print("PassThrough", passRates);
        print("PassThrough+score fields", fieldsRates);
        print("ScoreAnomaly", scoreRates);
        System.out.printf(
                Locale.ROOT,
                "%-24s %14.2f %14.2f %14.2f%n",
                "ratio (per round)",
                median(ratios),
                ratios.stream().mapToDouble(Double::doubleValue).min().orElseThrow(),
                ratios.stream().mapToDouble(Double::doubleValue).max().orElseThrow());
        System.out.printf(
                Locale.ROOT,
                "%-24s %14.2f %14.2f %14.2f%n",
                "ratio of CPU time",
                median(cpuRatios),
                cpuRatios.stream().mapToDouble(Double::doubleValue).min().orElseThrow(),
                cpuRatios.stream().mapToDouble(Double::doubleValue).max().orElseThrow());
        System.out.printf(
                Locale.ROOT,
                "%-24s %14.2f %14.2f %14.2f%n",
                "ceiling: fields CPU ratio",
                median(fieldsCpuRatios),
                fieldsCpuRatios.stream().mapToDouble(Double::doubleValue).min().orElseThrow(),
                fieldsCpuRatios.stream().mapToDouble(Double::doubleValue).max().orElseThrow());
        System.out.printf(Locale.ROOT, "%-24s %,14.0f points/s (best of 5)%n", "Smile score() alone", engine[0]);
        System.out.printf(Locale.ROOT, "%-24s %,14.0f points/s (best of 5)%n", "flattened score() alone", engine[1]);
        // What a ratio of 0.80 leaves ScoreAnomaly beside reading and writing the records: a quarter of the
        // pass-through's CPU time per record, to compare with the walk of the forest alone.
        double passMicros = 1e6 / median(passCpuRates);
        System.out.printf(
                Locale.ROOT,
                "%-24s %14.2f us/record (pass-through %.2f us/record of CPU)%n",
                "own work allowed at 0.80",
                passMicros * (1 / 0.8 - 1),
                passMicros);
        System.out.printf(Locale.ROOT, "%-24s %14.2f us/point%n", "forest walk alone", 1e6 / engine[1]);
    }

    /** Records per second of this JVM's CPU time in the last {@link #rate} (all its threads: GC and JIT too). */
    private static double lastCpuRate;

    /**
     * Iterations timed together as one runner's turn in a round: about half a second, because the JVM's CPU time
     * advances in steps of about 10 ms, which made the CPU ratio of a single iteration (~0.1 s) move by 10%.
     */
    private static final int ITERATIONS_PER_TURN = 5;

    private static double rate(Throughput.Iteration iteration) throws Exception {
        var os = (com.sun.management.OperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        long cpu = os.getProcessCpuTime();
        long start = System.nanoTime();
        long records = 0;
        for (int i = 0; i < ITERATIONS_PER_TURN; i++) {
            records += iteration.run();
        }
        long elapsed = System.nanoTime() - start;
        lastCpuRate = records * 1e9 / Math.max(1, os.getProcessCpuTime() - cpu);
        return records * 1e9 / elapsed;
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        java.util.Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static void print(String name, List<Double> rates) {
        System.out.printf(
                Locale.ROOT,
                "%-24s %,14.0f %,14.0f %,14.0f%n",
                name,
                median(rates),
                rates.stream().mapToDouble(Double::doubleValue).min().orElseThrow(),
                rates.stream().mapToDouble(Double::doubleValue).max().orElseThrow());
    }
}
