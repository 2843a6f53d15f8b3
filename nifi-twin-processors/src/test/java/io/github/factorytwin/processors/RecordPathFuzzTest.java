package io.github.factorytwin.processors;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import org.apache.nifi.util.TestRunner;

/**
 * Coverage-guided fuzzing of the record path of ScoreAnomaly and ComputeHealthScore, with NiFi's real
 * JsonTreeReader and JsonRecordSetWriter. Each input is one FlowFile's content, given to both processors; the
 * oracle is {@link Accounting}: the FlowFile fails whole or all its records come out over success and failure,
 * no exception escapes onTrigger (the TestRunner fails the run), nothing is rolled back, reasons stay bounded.
 *
 * <p>Every build runs it in regression mode: the seed inputs in {@code RecordPathFuzzTestInputs/recordPath} (hostile
 * examples: no records, mixed arrays, non-finite and hex values, huge values, object ids, extreme timestamps) and
 * an empty input, a few seconds. To fuzz (new inputs, coverage-guided, for the annotation's maxDuration):
 *
 * <pre>
 * JAZZER_FUZZ=1 ./mvnw -B -o -pl nifi-twin-processors test -Dtest=RecordPathFuzzTest
 * </pre>
 *
 * Findings are written next to the seeds (a {@code crash-*} file) and replayed by every later build.
 */
class RecordPathFuzzTest {

    /** Runners are rebuilt now and then, so that machine state accumulated while fuzzing stays small. */
    private static final int RUNS_PER_RUNNER = 500;

    private static TestRunner score;
    private static TestRunner health;
    private static int runs;

    @FuzzTest(maxDuration = "10m")
    @DictionaryEntries({
        "{\"machine_id\":\"M001\",\"timestamp\":1700000000000,\"temperature\":70.5,\"vibration\":1.2,\"rpm\":3000}",
        "\"machine_id\"",
        "\"timestamp\"",
        "\"temperature\"",
        "\"vibration\"",
        "\"rpm\"",
        "\"anomaly_score\"",
        "\"state\":\"maintenance\"",
        "\"NaN\"",
        "\"Infinity\"",
        "1e309",
        "\"0x1p3\"",
        "null",
        "true",
        "[]",
        "{}",
        "9223372036854775807",
        "-9223372036854775808",
        "\"2025-01-01T00:00:00Z\"",
        ",",
        ":",
        "[",
        "]",
        "{",
        "}"
    })
    void recordPath(byte[] content) throws Exception {
        boolean fresh = score == null || ++runs % RUNS_PER_RUNNER == 0;
        if (fresh) {
            score = HostileRecordsTest.runner("score");
            health = HostileRecordsTest.runner("health");
        }
        check(score, content, fresh);
        check(health, content, fresh);
    }

    private static void check(TestRunner runner, byte[] content, boolean schedule) throws IOException {
        runner.enqueue(content);
        // Scheduled once per runner, as NiFi does: the processors keep what they learned between FlowFiles.
        runner.run(1, false, schedule);
        Accounting.check(runner, content);
        runner.clearTransferState();
    }
}
