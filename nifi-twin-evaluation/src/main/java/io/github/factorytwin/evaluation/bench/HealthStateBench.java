package io.github.factorytwin.evaluation.bench;

import io.github.factorytwin.health.HealthStateStore;
import io.github.factorytwin.processors.ComputeHealthScore;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.nifi.components.state.Scope;
import org.apache.nifi.util.TestRunner;

/**
 * ComputeHealthScore's machine state at 1,000 to 1,000,000 machines: heap per machine, the cost of committing a
 * one-record FlowFile (read, score, write, commit, journal append), the journal bytes that commit appends, the files'
 * size, and the two steps that cost O(machines): writing the snapshot (at stop, or when the journal outgrows twice
 * the state) and loading it (at start). Not a test: it prints a table.
 *
 * <p>Each size runs in a fresh processor with 'Maximum Machines' = the size, fed FlowFiles of 10,000 readings of
 * distinct machines (as {@link ComputeHealthScoreBench} builds them), then {@link #SAMPLES} one-record FlowFiles of
 * random known machines, each timed alone (wall clock, after {@link #WARMUPS} untimed ones). Heap: used heap after
 * GC with the machines loaded minus before, divided by the machines. Run:
 *
 * <pre>
 * ./mvnw -B -o -pl nifi-twin-evaluation -am package -DskipTests
 * java -Xmx6g -cp nifi-twin-evaluation/target/classes:$(cat nifi-twin-evaluation/target/classpath.txt) \
 *     io.github.factorytwin.evaluation.bench.HealthStateBench [sizes...]
 * </pre>
 */
public final class HealthStateBench {

    static final int CHUNK = 10_000;
    static final int WARMUPS = 300;
    static final int SAMPLES = 1_000;

    private HealthStateBench() {}

    /** One row of the table. */
    public record Row(
            int machines,
            double heapBytesPerMachine,
            double commitMedianMillis,
            double commitP90Millis,
            double commitP99Millis,
            double storeWriteMicros,
            double wholeMapMillis,
            double journalBytesPerCommit,
            long fileBytes,
            double snapshotSeconds,
            double loadSeconds) {}

    public static void main(String[] args) throws Exception {
        int[] sizes = args.length == 0
                ? new int[] {1_000, 10_000, 100_000, 1_000_000}
                : Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
        System.out.println("ComputeHealthScore machine state (3 sensors, load model; JVM "
                + System.getProperty("java.version") + ", max heap "
                + Runtime.getRuntime().maxMemory() / (1 << 20) + " MB)");
        System.out.printf(
                Locale.ROOT,
                "%10s %14s %16s %13s %13s %14s %14s %16s %11s %13s %10s%n",
                "machines",
                "heap/machine",
                "commit median",
                "commit p90",
                "commit p99",
                "state write",
                "whole map",
                "journal/commit",
                "files",
                "snapshot",
                "load");
        for (int size : sizes) {
            Row row = measure(size);
            System.out.printf(
                    Locale.ROOT,
                    "%10d %12.0f B %13.3f ms %10.3f ms %10.3f ms %11.1f us %11.1f ms %14.0f B %8.1f MB %11.2f s %8.2f s%n",
                    row.machines(),
                    row.heapBytesPerMachine(),
                    row.commitMedianMillis(),
                    row.commitP90Millis(),
                    row.commitP99Millis(),
                    row.storeWriteMicros(),
                    row.wholeMapMillis(),
                    row.journalBytesPerCommit(),
                    row.fileBytes() / 1e6,
                    row.snapshotSeconds(),
                    row.loadSeconds());
        }
    }

    public static Row measure(int machines) throws Exception {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        Path directory = ComputeHealthScoreBench.temporaryDirectory();
        TestRunner runner = runner(directory, machines, null);
        runner.run(1, false, true); // scheduled: opens the (empty) state
        long before = ComputeHealthScoreBench.usedAfterGc(memory);
        Random random = new Random(11);
        long t0 = ComputeHealthScoreBench.T0;
        for (int first = 0; first < machines; first += CHUNK) {
            runner.enqueue(ComputeHealthScoreBench.flowFile(first, Math.min(CHUNK, machines - first), t0, random));
            runner.run(1, false, false);
            runner.clearTransferState();
            runner.clearProvenanceEvents();
        }
        long after = ComputeHealthScoreBench.usedAfterGc(memory);
        double heapPerMachine = (after - before) / (double) machines;

        Path journal = stateFiles(directory)
                .filter(p -> p.toString().endsWith(".journal"))
                .findFirst()
                .orElseThrow();
        long journalBefore = 0;
        double[] millis = new double[SAMPLES];
        for (int i = -WARMUPS; i < SAMPLES; i++) {
            int machine = random.nextInt(machines);
            byte[] one = ComputeHealthScoreBench.flowFile(machine, 1, t0 + 2_000L * (WARMUPS + i + 1), random);
            runner.enqueue(one);
            if (i == 0) {
                journalBefore = Files.size(journal);
            }
            long start = System.nanoTime();
            runner.run(1, false, false);
            long end = System.nanoTime();
            if (i >= 0) {
                millis[i] = (end - start) / 1e6;
            }
            runner.clearTransferState();
            runner.clearProvenanceEvents();
        }
        double journalPerCommit = (Files.size(journal) - journalBefore) / (double) SAMPLES;
        Arrays.sort(millis);

        long stopStart = System.nanoTime();
        runner.stop(); // writes the snapshot
        double snapshotSeconds = (System.nanoTime() - stopStart) / 1e9;
        long fileBytes = stateFiles(directory).mapToLong(HealthStateBench::size).sum();
        ComputeHealthScoreBench.usedAfterGc(memory);

        TestRunner restarted = runner(directory, machines, runner);
        long loadStart = System.nanoTime();
        restarted.run(1, false, true);
        double loadSeconds = (System.nanoTime() - loadStart) / 1e9;
        restarted.stop();
        restarted = null;
        ComputeHealthScoreBench.deleteTree(directory);
        double[] store = storeAlone(machines);
        return new Row(
                machines,
                heapPerMachine,
                millis[SAMPLES / 2],
                millis[(int) (SAMPLES * 0.9)],
                millis[(int) (SAMPLES * 0.99)],
                store[0],
                store[1],
                journalPerCommit,
                fileBytes,
                snapshotSeconds,
                loadSeconds);
    }

    /**
     * The state write alone, without NiFi: {@code [0]} the median microseconds of {@link HealthStateStore#put} +
     * {@link HealthStateStore#flush} of one machine's 630-byte state with {@code machines} machines stored (what a
     * one-record commit writes now); {@code [1]} the median milliseconds of serialising the whole map as the former
     * design did per commit (every machine's Base64 state under 'machine:<id>' written with writeUTF, as NiFi's
     * local state provider writes a component's map per update, without its fsync): an estimate of what a commit
     * cost before, not a measurement of NiFi.
     */
    static double[] storeAlone(int machines) throws IOException {
        Path directory = ComputeHealthScoreBench.temporaryDirectory();
        byte[] state = new byte[630];
        new Random(5).nextBytes(state);
        double[] put = new double[SAMPLES];
        try (HealthStateStore store = HealthStateStore.open(directory, "bench", "bench", machines)) {
            for (int m = 0; m < machines; m++) {
                store.put(String.format(Locale.ROOT, "M%05d", m), state.clone());
            }
            store.flush();
            Random random = new Random(6);
            for (int i = -WARMUPS; i < SAMPLES; i++) {
                String id = String.format(Locale.ROOT, "M%05d", random.nextInt(machines));
                long start = System.nanoTime();
                store.put(id, state.clone());
                store.flush();
                long end = System.nanoTime();
                if (i >= 0) {
                    put[i] = (end - start) / 1e3;
                }
            }
        }
        Arrays.sort(put);
        String encoded = Base64.getEncoder().withoutPadding().encodeToString(state);
        int samples = Math.max(3, Math.min(21, 2_000_000 / machines));
        double[] whole = new double[samples];
        Path file = directory.resolve("whole-map");
        for (int i = 0; i < samples; i++) {
            long start = System.nanoTime();
            Map<String, String> map = new HashMap<>(machines * 4 / 3 + 2);
            for (int m = 0; m < machines; m++) {
                map.put("machine:" + String.format(Locale.ROOT, "M%05d", m), encoded);
            }
            try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file)))) {
                out.writeInt(map.size());
                for (Map.Entry<String, String> entry : map.entrySet()) {
                    out.writeUTF(entry.getKey());
                    out.writeUTF(entry.getValue());
                }
            }
            whole[i] = (System.nanoTime() - start) / 1e6;
        }
        Arrays.sort(whole);
        ComputeHealthScoreBench.deleteTree(directory);
        return new double[] {put[SAMPLES / 2], whole[samples / 2]};
    }

    /**
     * A runner keeping its state in {@code directory}; with {@code previous}, continuing from its files and local
     * state as after a restart (NiFi keeps a processor's id across restarts, the mock gives a new one: the files
     * move to the new id's sub-directory).
     */
    private static TestRunner runner(Path directory, int machines, TestRunner previous) throws Exception {
        TestRunner runner = ComputeHealthScoreBench.healthRunner();
        runner.setProperty(ComputeHealthScore.STATE_DIRECTORY, directory.toString());
        runner.setProperty(ComputeHealthScore.MAXIMUM_MACHINES, String.valueOf(machines));
        if (previous != null) {
            runner.getStateManager()
                    .setState(previous.getStateManager().getState(Scope.LOCAL).toMap(), Scope.LOCAL);
            Files.move(
                    directory.resolve(previous.getProcessor().getIdentifier()),
                    directory.resolve(runner.getProcessor().getIdentifier()));
        }
        return runner;
    }

    private static Stream<Path> stateFiles(Path directory) throws IOException {
        return Files.walk(directory).filter(Files::isRegularFile);
    }

    private static long size(Path path) {
        try {
            return Files.size(path);
        } catch (IOException e) {
            return 0;
        }
    }
}
