package io.github.factorytwin.evaluation;

import io.github.factorytwin.evaluation.bench.JsonRecordRunners;
import io.github.factorytwin.evaluation.bench.PassThroughRecordProcessor;
import io.github.factorytwin.evaluation.bench.Throughput;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Random;
import org.apache.nifi.util.TestRunner;

/**
 * The scorecard's own pass-through baseline, for a bench that does not report one: sensor readings
 * in the contract's JSON shape (with ground truth) read by the real JsonTreeReader and written
 * unchanged by the real JsonRecordSetWriter, single-threaded, 10,000 records per FlowFile.
 */
final class PassThroughBaseline {

    static final int RECORDS_PER_FLOWFILE = 10_000;
    static final int FLOWFILES_PER_ITERATION = 10;

    private PassThroughBaseline() {}

    static byte[] sensorReadings(int count) {
        Random random = new Random(7);
        StringBuilder json = new StringBuilder(count * 230).append('[');
        long t = 1_700_000_000_000L;
        for (int i = 0; i < count; i++) {
            if (i > 0) {
                json.append(',');
            }
            json.append(String.format(
                    Locale.ROOT,
                    "{\"machine_id\":\"M%03d\",\"machine_type\":\"standard\",\"timestamp\":%d,"
                            + "\"temperature\":%.4f,\"vibration\":%.4f,\"rpm\":%.2f,\"state\":\"normal\","
                            + "\"failure_mode\":\"none\",\"remaining_useful_life\":%d,\"sensor_fault\":\"none\"}",
                    i % 10 + 1,
                    t + (i / 10) * 2000L,
                    60 + 40 * random.nextDouble(),
                    0.1 + 1.4 * random.nextDouble(),
                    1000 + 4000 * random.nextDouble(),
                    28_800 - i / 10));
        }
        return json.append(']').toString().getBytes(StandardCharsets.UTF_8);
    }

    static Throughput.Result measure(int warmups, int iterations) throws Exception {
        byte[] content = sensorReadings(RECORDS_PER_FLOWFILE);
        TestRunner runner = JsonRecordRunners.newRunner(new PassThroughRecordProcessor());
        return Throughput.measure("pass-through (JsonTreeReader -> JsonRecordSetWriter)", warmups, iterations, () -> {
            for (int i = 0; i < FLOWFILES_PER_ITERATION; i++) {
                runner.enqueue(content);
            }
            runner.run(FLOWFILES_PER_ITERATION);
            int out = runner.getFlowFilesForRelationship(PassThroughRecordProcessor.SUCCESS)
                    .size();
            if (out != FLOWFILES_PER_ITERATION) {
                throw new IllegalStateException("pass-through wrote " + out + " FlowFiles");
            }
            runner.clearTransferState();
            return (long) RECORDS_PER_FLOWFILE * FLOWFILES_PER_ITERATION;
        });
    }
}
