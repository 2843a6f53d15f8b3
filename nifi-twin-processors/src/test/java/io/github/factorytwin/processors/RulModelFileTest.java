package io.github.factorytwin.processors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.factorytwin.health.RulModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.nifi.components.ConfigVerificationResult;
import org.apache.nifi.components.ConfigVerificationResult.Outcome;
import org.apache.nifi.util.TestRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RUL Model Files are read by 'Verify Properties' and at start, with messages that say what to fix; validation only
 * checks that the file exists (NiFi's external-resource check).
 */
class RulModelFileTest {

    @TempDir
    Path dir;

    private TestRunner runner(Path file) throws Exception {
        TestRunner runner = JsonTestRunners.runner(new ComputeHealthScore(), true);
        runner.setProperty(
                ComputeHealthScore.STATE_DIRECTORY, dir.resolve("state").toString());
        runner.setProperty(ComputeHealthScore.RUL_MODEL_FILE, file.toString());
        return runner;
    }

    private ConfigVerificationResult verify(String content) throws Exception {
        Path file = Files.writeString(dir.resolve("rul.json"), content);
        TestRunner runner = runner(file);
        runner.assertValid(); // whatever the content: validation does not read the file
        return AnomalyModelFileTest.step(runner, ComputeHealthScore.VERIFY_RUL_MODEL_FILE);
    }

    private static String validModel() throws Exception {
        Path good = Files.createTempFile("rul", ".json");
        try {
            new RulModel(
                            List.of("temperature", "vibration", "rpm"),
                            0,
                            1,
                            new int[][] {{0, -1, -1}},
                            new double[][] {{80, 0, 0}},
                            new int[][] {{1, 0, 0}},
                            new int[][] {{2, 0, 0}},
                            new double[][] {{0, 3600, 1800}})
                    .write(good);
            return Files.readString(good);
        } finally {
            Files.delete(good);
        }
    }

    private void assertFails(String content, String reason) throws Exception {
        ConfigVerificationResult result = verify(content);
        assertEquals(Outcome.FAILED, result.getOutcome(), result.getExplanation());
        assertTrue(result.getExplanation().contains(reason), result.getExplanation());
    }

    @Test
    void verificationSaysWhetherTheFileIsAUsableModelOfTheSensors() throws Exception {
        String valid = validModel();
        ConfigVerificationResult good = verify(valid);
        assertEquals(Outcome.SUCCESSFUL, good.getOutcome(), good.getExplanation());
        assertTrue(
                good.getExplanation().contains("1 trees over the sensors [temperature, vibration, rpm]"),
                good.getExplanation());

        assertFails("", "not a valid RUL model");
        assertFails("{not json", "not a JSON document");
        String treesAsObject =
                valid.replaceFirst("\"trees\":\\[", "\"trees\":{\"a\":").replaceFirst("]}$", "}}");
        assertFails(treesAsObject, "'trees' must be an array");
        assertFails(valid.replaceFirst("\"trees\":\\[\\{.*}]", "\"trees\":[1]"), "tree 0 is not an object");
        assertFails(valid.replace("\"temperature\",", ""), "set the same sensors or train another model");
        assertFails(valid.replace("\"left\":[1,", "\"left\":[1.5,"), "expected an integer");
        assertFails("", "Point RUL Model File to a model trained on the Sensor Fields");
    }

    @Test
    void aMissingFileIsInvalidAndNoFileIsSkipped() throws Exception {
        TestRunner runner = runner(dir.resolve("absent.json"));
        runner.assertNotValid();
        assertEquals(
                Outcome.FAILED,
                AnomalyModelFileTest.step(runner, ComputeHealthScore.VERIFY_RUL_MODEL_FILE)
                        .getOutcome());
        runner.removeProperty(ComputeHealthScore.RUL_MODEL_FILE);
        runner.assertValid();
        assertEquals(
                Outcome.SKIPPED,
                AnomalyModelFileTest.step(runner, ComputeHealthScore.VERIFY_RUL_MODEL_FILE)
                        .getOutcome());
    }

    @Test
    void aFileThatCannotBeUsedKeepsTheProcessorFromStarting() throws Exception {
        Path file = Files.writeString(dir.resolve("rul.json"), validModel().replace("\"temperature\",", ""));
        TestRunner runner = runner(file);
        runner.enqueue("[{\"machine_id\":\"M1\",\"timestamp\":1,\"temperature\":1,\"vibration\":1,\"rpm\":1}]");
        AssertionError refused = assertThrows(AssertionError.class, runner::run);
        String causes = AnomalyModelFileTest.causes(refused);
        assertTrue(causes.contains("trained on sensors"), causes);
        runner.assertQueueNotEmpty();
    }

    @Test
    void aFileOverTheSizeLimitIsRefusedWithoutReadingIt() throws Exception {
        Path big = dir.resolve("big.json");
        try (var out = Files.newOutputStream(big)) {
            out.write(new byte[RulModel.MAX_FILE_BYTES + 1]);
        }
        ConfigVerificationResult result =
                AnomalyModelFileTest.step(runner(big), ComputeHealthScore.VERIFY_RUL_MODEL_FILE);
        assertEquals(Outcome.FAILED, result.getOutcome());
        assertTrue(result.getExplanation().contains("allowed"), result.getExplanation());
    }
}
