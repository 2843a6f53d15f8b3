package io.github.factorytwin.processors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.apache.nifi.components.ConfigVerificationResult;
import org.apache.nifi.components.ConfigVerificationResult.Outcome;
import org.apache.nifi.components.PropertyDescriptor;
import org.apache.nifi.util.TestRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** 'Verify Properties' on a State Directory: can NiFi write there, and will a start continue from saved state? */
class StateDirectoryVerificationTest {

    @TempDir
    Path dir;

    private static ConfigVerificationResult check(TestRunner runner, String step) {
        return AnomalyModelFileTest.step(runner, step);
    }

    private static void assertOutcome(ConfigVerificationResult result, Outcome outcome, String text) {
        assertEquals(outcome, result.getOutcome(), result.getExplanation());
        assertTrue(result.getExplanation().contains(text), result.getExplanation());
    }

    @Test
    void scoreAnomalySaysWhetherItsStateDirectoryIsUsableAndWhatItHolds() throws Exception {
        TestRunner runner = JsonTestRunners.runner(new ScoreAnomaly(), true);
        String step = ScoreAnomaly.VERIFY_STATE_DIRECTORY;
        assertOutcome(check(runner, step), Outcome.SKIPPED, "a restart learns anew");

        Path state = dir.resolve("not/yet/there");
        runner.setProperty(ScoreAnomaly.STATE_DIRECTORY, state.toString());
        assertOutcome(check(runner, step), Outcome.SUCCESSFUL, "does not exist yet; it will be created in " + dir);
        assertFalse(Files.exists(dir.resolve("not")), "verifying creates nothing");
        assertNoProbeLeft();

        Files.createDirectories(state);
        assertOutcome(check(runner, step), Outcome.SUCCESSFUL, "Nothing is saved there yet");
        runner.enqueue(new AnomalyTestData(1).normal("M001", 20).json());
        runner.run(); // learns and stops: the machine state is saved
        assertOutcome(check(runner, step), Outcome.SUCCESSFUL, "It holds state saved by an earlier run");

        assertFailsOnAFile(runner, ScoreAnomaly.STATE_DIRECTORY, step);
    }

    @Test
    void computeHealthScoreSaysWhetherItsStateDirectoryIsUsableAndWhatItHolds() throws Exception {
        TestRunner runner = JsonTestRunners.runner(new ComputeHealthScore(), true);
        String step = ComputeHealthScore.VERIFY_STATE_DIRECTORY;
        runner.setProperty(ComputeHealthScore.STATE_DIRECTORY, dir.toString());
        assertOutcome(check(runner, step), Outcome.SUCCESSFUL, "Nothing is saved there yet");

        runner.enqueue("[{\"machine_id\":\"M1\",\"timestamp\":" + System.currentTimeMillis()
                + ",\"temperature\":70,\"vibration\":1,\"rpm\":3000,\"anomaly_score\":0.4}]");
        runner.run();
        runner.assertTransferCount(ComputeHealthScore.REL_SUCCESS, 1);
        assertOutcome(check(runner, step), Outcome.SUCCESSFUL, "It holds this processor's saved machine states");

        // another processor's states are not this one's
        TestRunner other = JsonTestRunners.runner(new ComputeHealthScore(), true);
        other.setProperty(ComputeHealthScore.STATE_DIRECTORY, dir.toString());
        assertOutcome(check(other, step), Outcome.SUCCESSFUL, "Nothing is saved there yet");

        assertFailsOnAFile(runner, ComputeHealthScore.STATE_DIRECTORY, step);
    }

    /** A path below a plain file cannot be a directory: the step fails and says what to do. */
    private void assertFailsOnAFile(TestRunner runner, PropertyDescriptor property, String step) throws Exception {
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        runner.setProperty(property, file.resolve("state").toString());
        // validation catches it too; verification says the same when asked
        runner.assertNotValid();
        ConfigVerificationResult result = check(runner, step);
        assertOutcome(result, Outcome.FAILED, "cannot be created: " + file + " is a file");
        assertTrue(result.getExplanation().contains("choose a directory NiFi's user can write in"));
    }

    private void assertNoProbeLeft() throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().startsWith(".verify-")));
        }
    }
}
