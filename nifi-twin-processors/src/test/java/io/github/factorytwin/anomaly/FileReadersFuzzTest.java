package io.github.factorytwin.anomaly;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Coverage-guided fuzzing of the file readers (model file, State Directory files, RUL model) with {@link
 * FileReaders#check} as the oracle: only IOExceptions, no OutOfMemoryError, allocation bounded by the input's size.
 *
 * <p>Every build runs it in regression mode: the seed inputs in {@code FileReadersFuzzTestInputs/<method>} (valid
 * files as the writers write them, and hostile ones: huge counts in a small file) and an empty input. To fuzz
 * (new inputs, coverage-guided, for the annotation's maxDuration or as long as libFuzzer is told):
 *
 * <pre>
 * JAZZER_FUZZ=1 ./mvnw -B -o -pl nifi-twin-processors test -Dtest=FileReadersFuzzTest#modelFile
 * JAZZER_FUZZ=1 ./mvnw -B -o -pl nifi-twin-processors test -Dtest=FileReadersFuzzTest#stateFile \
 *     -Djazzer.internal.arg.0=fake -Djazzer.internal.arg.1=-max_total_time=3600
 * </pre>
 *
 * (one method per run when fuzzing). Findings are written next to the seeds and replayed by every later build.
 */
class FileReadersFuzzTest {

    @FuzzTest(maxDuration = "10m")
    void modelFile(byte[] input) {
        FileReaders.check(FileReaders.Reader.MODEL, input);
    }

    /** The first byte picks the state file (machines, post-processing, sample), the rest is its content. */
    @FuzzTest(maxDuration = "10m")
    void stateFile(byte[] input) {
        if (input.length == 0) {
            return;
        }
        FileReaders.Reader reader =
                switch (Math.floorMod(input[0], 3)) {
                    case 0 -> FileReaders.Reader.MACHINES;
                    case 1 -> FileReaders.Reader.POST_PROCESSING;
                    default -> FileReaders.Reader.SAMPLE;
                };
        FileReaders.check(reader, java.util.Arrays.copyOfRange(input, 1, input.length));
    }

    @FuzzTest(maxDuration = "10m")
    void rulModel(byte[] input) {
        FileReaders.check(FileReaders.Reader.RUL, input);
    }
}
