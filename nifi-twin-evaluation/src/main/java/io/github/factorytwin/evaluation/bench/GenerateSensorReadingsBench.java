package io.github.factorytwin.evaluation.bench;

import io.github.factorytwin.processors.GenerateSensorReadings;
import io.github.factorytwin.processors.Pacing;
import io.github.factorytwin.simulator.FactorySimulator;
import io.github.factorytwin.simulator.FleetDefinition;
import io.github.factorytwin.simulator.SimulatedReading;
import io.github.factorytwin.simulator.SimulationSettings;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.util.List;
import java.util.Locale;
import org.apache.nifi.util.MockFlowFile;
import org.apache.nifi.util.TestRunner;

/**
 * Throughput of GenerateSensorReadings as fast as possible, single-threaded (records/s = records/s per core):
 * the processor writing JSON with NiFi's JsonRecordSetWriter, and the simulation engine alone. Not a test: run
 * {@link #main} and read the table.
 */
public final class GenerateSensorReadingsBench {

    /** Readings per FlowFile. */
    static final int BATCH_SIZE = 10_000;
    /** FlowFiles per measured iteration. */
    static final int TRIGGERS_PER_ITERATION = 20;

    static final int ENGINE_READINGS_PER_ITERATION = 2_000_000;

    private GenerateSensorReadingsBench() {}

    /**
     * The processor with the real JsonRecordSetWriter (default settings): 10 machines, ground truth on, default
     * sensor fault rate, Batch Size 10,000, as fast as possible. Wall-clock records per second on one thread.
     */
    public static Throughput.Result measure(int warmups, int iterations) {
        TestRunner runner = newRunner();
        try {
            return Throughput.measure(
                    "GenerateSensorReadings + JsonRecordSetWriter", warmups, iterations, () -> generate(runner));
        } catch (Exception e) {
            throw new IllegalStateException("GenerateSensorReadings benchmark failed", e);
        }
    }

    /** The simulation engine alone: readings produced, nothing written. */
    public static Throughput.Result measureEngine(int warmups, int iterations) {
        SimulationSettings settings =
                new SimulationSettings(FleetDefinition.simple(10, "M"), 2_000, 8 * 3_600_000L, 0.001);
        FactorySimulator simulator = FactorySimulator.create(settings, 1, 1_700_000_000_000L);
        SimulatedReading reading = new SimulatedReading();
        long[] sink = new long[1];
        Throughput.Iteration iteration = () -> {
            long checksum = 0;
            for (int i = 0; i < ENGINE_READINGS_PER_ITERATION; i++) {
                simulator.next(reading);
                checksum += Double.doubleToRawLongBits(reading.vibration());
            }
            sink[0] += checksum; // keeps the work observable
            return ENGINE_READINGS_PER_ITERATION;
        };
        try {
            return Throughput.measure("simulation engine only", warmups, iterations, iteration);
        } catch (Exception e) {
            throw new IllegalStateException("engine benchmark failed", e);
        } finally {
            if (sink[0] == 42) {
                System.out.print("");
            }
        }
    }

    private static TestRunner newRunner() {
        TestRunner runner = JsonRecordRunners.newRunner(new GenerateSensorReadings());
        runner.setProperty(GenerateSensorReadings.PACING, Pacing.AS_FAST_AS_POSSIBLE);
        runner.setProperty(GenerateSensorReadings.BATCH_SIZE, String.valueOf(BATCH_SIZE));
        runner.setProperty(GenerateSensorReadings.RANDOM_SEED, "1");
        runner.assertValid();
        return runner;
    }

    private static long generate(TestRunner runner) {
        runner.clearTransferState();
        runner.run(TRIGGERS_PER_ITERATION);
        long records = 0;
        List<MockFlowFile> out = runner.getFlowFilesForRelationship(GenerateSensorReadings.REL_SUCCESS);
        for (MockFlowFile flowFile : out) {
            records += Long.parseLong(flowFile.getAttribute("record.count"));
        }
        long expected = (long) BATCH_SIZE * TRIGGERS_PER_ITERATION;
        if (records != expected) {
            throw new IllegalStateException("expected " + expected + " readings, got " + records);
        }
        runner.clearTransferState();
        return records;
    }

    /**
     * Records per second of process CPU time over {@code iterations} runs of {@code iteration}. On a shared machine
     * wall-clock rates drop when other processes take the cores; CPU-time rates much less. Process CPU time
     * includes the JIT and GC threads, so this is a conservative per-core figure.
     */
    static double recordsPerCpuSecond(int iterations, Throughput.Iteration iteration) throws Exception {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (!(os instanceof com.sun.management.OperatingSystemMXBean cpu)) {
            return Double.NaN;
        }
        long records = 0;
        long start = cpu.getProcessCpuTime();
        for (int i = 0; i < iterations; i++) {
            records += iteration.run();
        }
        long used = cpu.getProcessCpuTime() - start;
        return used <= 0 ? Double.NaN : records * 1e9 / used;
    }

    /** Prints the table. Arguments: warm-up iterations (default 5), measured iterations (default 10). */
    public static void main(String[] args) throws Exception {
        int warmups = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int iterations = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        Throughput.Result engine = measureEngine(warmups, iterations);
        Throughput.Result withWriter = measure(warmups, iterations);
        TestRunner runner = newRunner();
        for (int i = 0; i < warmups; i++) {
            generate(runner);
        }
        double withWriterCpu = recordsPerCpuSecond(iterations, () -> generate(runner));

        System.out.printf(
                Locale.ROOT,
                "%-46s %14s %14s %14s %16s%n",
                "benchmark (1 thread)",
                "median rec/s",
                "min rec/s",
                "max rec/s",
                "rec/CPU-second");
        for (Throughput.Result r : List.of(engine, withWriter)) {
            System.out.printf(
                    Locale.ROOT,
                    "%-46s %,14.0f %,14.0f %,14.0f %16s%n",
                    r.name(),
                    r.medianRecordsPerSecond(),
                    r.minRecordsPerSecond(),
                    r.maxRecordsPerSecond(),
                    r == withWriter ? String.format(Locale.ROOT, "%,.0f", withWriterCpu) : "");
        }
        System.out.printf(
                Locale.ROOT,
                "target: >= 500,000 readings/s per core with the writer: %s (median wall clock), %s (CPU time)%n",
                withWriter.medianRecordsPerSecond() >= 500_000 ? "met" : "NOT met",
                withWriterCpu >= 500_000 ? "met" : "NOT met");
    }
}
