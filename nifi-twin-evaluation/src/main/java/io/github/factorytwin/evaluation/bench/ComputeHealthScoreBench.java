package io.github.factorytwin.evaluation.bench;

import io.github.factorytwin.processors.ComputeHealthScore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.nifi.processor.Processor;
import org.apache.nifi.util.TestRunner;

/**
 * Throughput of ComputeHealthScore with NiFi's real JSON reader and writer, 10,000 machines interleaved (every
 * FlowFile holds one reading of each machine, so every record touches a different machine's state), beside the
 * pass-through baseline on the same input in the same run. (Memory and commit cost of the machine state: {@link
 * HealthStateBench}.)
 *
 * <p>Input: readings as ScoreAnomaly emits them (sensor values, ground truth, anomaly fields), timestamps moving on
 * 2 s per FlowFile. 'Baseline Size' is 5 here so that the warm-up brings every machine to the full code path
 * (drift, trend, status); otherwise the defaults apply. Single-threaded: records/s is records/s per core.
 */
public final class ComputeHealthScoreBench {

    public static final int MACHINES = 10_000;
    static final int FLOWFILES_PER_ITERATION = 3;
    static final long T0 = 1_700_000_000_000L;

    private ComputeHealthScoreBench() {}

    /** JSON content of one FlowFile: one reading of each machine at {@code timestamp}. */
    static byte[] flowFile(int machines, long timestamp, Random random) {
        return flowFile(0, machines, timestamp, random);
    }

    /** One reading of each of the machines {@code first .. first + machines - 1} at {@code timestamp}. */
    static byte[] flowFile(int first, int machines, long timestamp, Random random) {
        StringBuilder json = new StringBuilder(machines * 420);
        json.append('[');
        for (int m = first; m < first + machines; m++) {
            if (m > first) {
                json.append(',');
            }
            double temperature = 70 + 2 * random.nextGaussian();
            double vibration = 0.6 + 0.05 * random.nextGaussian();
            double rpm = 3000 + 20 * random.nextGaussian();
            double score = 0.4 + 0.1 * random.nextDouble();
            json.append(String.format(
                    Locale.ROOT,
                    "{\"machine_id\":\"M%05d\",\"machine_type\":\"pump\",\"timestamp\":%d,\"temperature\":%.3f,"
                            + "\"vibration\":%.4f,\"rpm\":%.1f,\"state\":\"normal\",\"failure_mode\":\"none\","
                            + "\"remaining_useful_life\":%d,\"sensor_fault\":\"none\",\"anomaly_score\":%.4f,"
                            + "\"is_anomaly\":false,\"anomaly_feature\":\"vibration\",\"anomaly_feature_value\":%.4f,"
                            + "\"anomaly_explanation\":\"vibration=%.2f within normal 0.40..0.80\"}",
                    m,
                    timestamp,
                    temperature,
                    vibration,
                    rpm,
                    28_800 - (timestamp - T0) / 1000,
                    score,
                    vibration,
                    vibration));
        }
        json.append(']');
        return json.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The FlowFiles of {@code rounds} iterations, timestamps increasing. */
    static List<List<byte[]>> input(int rounds, int machines) {
        Random random = new Random(42);
        List<List<byte[]>> all = new ArrayList<>();
        long step = 0;
        for (int r = 0; r < rounds; r++) {
            List<byte[]> round = new ArrayList<>();
            for (int f = 0; f < FLOWFILES_PER_ITERATION; f++) {
                round.add(flowFile(machines, T0 + 2_000 * step++, random));
            }
            all.add(round);
        }
        return all;
    }

    static TestRunner healthRunner() {
        TestRunner runner = JsonRecordRunners.newRunner(new ComputeHealthScore());
        runner.setProperty(ComputeHealthScore.BASELINE_SIZE, "5");
        runner.setProperty(
                ComputeHealthScore.STATE_DIRECTORY, temporaryDirectory().toString());
        return runner;
    }

    /** A directory for the machine state files, deleted when the JVM exits. */
    static Path temporaryDirectory() {
        try {
            Path directory = Files.createTempDirectory("health-bench");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(directory)));
            return directory;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void deleteTree(Path directory) {
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // best effort: a temporary directory
        }
    }

    static Throughput.Result run(String name, TestRunner runner, int warmups, int iterations, int machines)
            throws Exception {
        List<List<byte[]>> input = input(warmups + iterations, machines);
        int[] next = {0};
        return Throughput.measure(name, warmups, iterations, () -> {
            List<byte[]> round = input.get(next[0]);
            input.set(next[0]++, null);
            for (byte[] content : round) {
                runner.enqueue(content);
            }
            runner.run(round.size(), false, next[0] == 1);
            runner.clearTransferState();
            runner.clearProvenanceEvents();
            return (long) round.size() * machines;
        });
    }

    /** ComputeHealthScore's records/s with {@link #MACHINES} machines interleaved. */
    public static Throughput.Result measure(int warmups, int iterations) throws Exception {
        return run("ComputeHealthScore", healthRunner(), warmups, iterations, MACHINES);
    }

    /** The pass-through baseline on the same input shape. */
    public static Throughput.Result measurePassThrough(int warmups, int iterations) throws Exception {
        Processor passThrough = new PassThroughRecordProcessor();
        return run("PassThrough", JsonRecordRunners.newRunner(passThrough), warmups, iterations, MACHINES);
    }

    static long usedAfterGc(MemoryMXBean memory) throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return memory.getHeapMemoryUsage().getUsed();
    }

    /** Wall-clock and CPU-time medians of both processors, measured in alternating iterations on the same input. */
    public record Comparison(
            Throughput.Result passThrough,
            Throughput.Result health,
            double passThroughPerCpuSecond,
            double healthPerCpuSecond) {

        public double ratio() {
            return health.medianRecordsPerSecond() / passThrough.medianRecordsPerSecond();
        }

        public double cpuRatio() {
            return healthPerCpuSecond / passThroughPerCpuSecond;
        }
    }

    /**
     * Pass-through and ComputeHealthScore in alternating iterations on the same FlowFiles, so that load from
     * other processes on the machine hits both alike; also records per CPU-second of the whole JVM.
     */
    public static Comparison compare(int warmups, int iterations) throws Exception {
        TestRunner passThrough = JsonRecordRunners.newRunner(new PassThroughRecordProcessor());
        TestRunner health = healthRunner();
        List<List<byte[]>> input = input(warmups + iterations, MACHINES);
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        List<double[]> pt = new ArrayList<>();
        List<double[]> hs = new ArrayList<>();
        for (int r = 0; r < warmups + iterations; r++) {
            List<byte[]> round = input.get(r);
            input.set(r, null);
            // Alternate which goes first, so neither always inherits the other's garbage.
            double[] a;
            double[] b;
            if (r % 2 == 0) {
                a = timed(passThrough, round, r == 0, os);
                b = timed(health, round, r == 0, os);
            } else {
                b = timed(health, round, false, os);
                a = timed(passThrough, round, false, os);
            }
            if (r >= warmups) {
                pt.add(a);
                hs.add(b);
            }
        }
        return new Comparison(
                result("PassThrough", pt, 0), result("ComputeHealthScore", hs, 0), median(pt, 1), median(hs, 1));
    }

    private static double[] timed(
            TestRunner runner, List<byte[]> round, boolean first, com.sun.management.OperatingSystemMXBean os) {
        for (byte[] content : round) {
            runner.enqueue(content);
        }
        long cpu = os.getProcessCpuTime();
        long start = System.nanoTime();
        runner.run(round.size(), false, first);
        long wall = System.nanoTime() - start;
        cpu = os.getProcessCpuTime() - cpu;
        runner.clearTransferState();
        runner.clearProvenanceEvents();
        long records = (long) round.size() * MACHINES;
        return new double[] {records * 1e9 / wall, records * 1e9 / Math.max(1, cpu)};
    }

    private static Throughput.Result result(String name, List<double[]> rates, int column) {
        List<Double> sorted = rates.stream().map(r -> r[column]).sorted().toList();
        return new Throughput.Result(
                name, median(rates, column), sorted.get(0), sorted.get(sorted.size() - 1), sorted.size());
    }

    private static double median(List<double[]> rates, int column) {
        List<Double> sorted = rates.stream().map(r -> r[column]).sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** {@code ComputeHealthScoreBench [warmups] [iterations]}: prints the table, the ratio and the heap. */
    public static void main(String[] args) throws Exception {
        int warmups = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int iterations = args.length > 1 ? Integer.parseInt(args[1]) : 15;
        Comparison c = compare(warmups, iterations);
        System.out.printf(
                "%nComputeHealthScore benchmark: %d machines interleaved (one reading of each per FlowFile), %d"
                        + " FlowFiles per iteration, %d warm-up + %d measured iterations alternating with the"
                        + " pass-through, one processor thread%n",
                MACHINES, FLOWFILES_PER_ITERATION, warmups, iterations);
        System.out.printf(
                "%-20s %14s %14s %14s %16s%n", "processor", "median rec/s", "min rec/s", "max rec/s", "rec/CPU-s");
        System.out.printf(
                "%-20s %14.0f %14.0f %14.0f %16.0f%n",
                c.passThrough().name(),
                c.passThrough().medianRecordsPerSecond(),
                c.passThrough().minRecordsPerSecond(),
                c.passThrough().maxRecordsPerSecond(),
                c.passThroughPerCpuSecond());
        System.out.printf(
                "%-20s %14.0f %14.0f %14.0f %16.0f%n",
                c.health().name(),
                c.health().medianRecordsPerSecond(),
                c.health().minRecordsPerSecond(),
                c.health().maxRecordsPerSecond(),
                c.healthPerCpuSecond());
        System.out.printf(
                "ratio to pass-through: %.1f%% wall-clock, %.1f%% per CPU-second (target >= 70%%)%n",
                100 * c.ratio(), 100 * c.cpuRatio());
        HealthStateBench.Row state = HealthStateBench.measure(100_000);
        System.out.printf(
                Locale.ROOT,
                "heap for 100,000 machines' state: %.1f MB (%.0f bytes per machine)%n",
                state.heapBytesPerMachine() * 100_000 / 1e6,
                state.heapBytesPerMachine());
    }
}
