package io.github.factorytwin.processors;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.apache.nifi.components.ConfigVerificationResult;
import org.apache.nifi.components.ConfigVerificationResult.Outcome;

/**
 * The steps of the processors' configuration verification ("Verify Properties" in NiFi's UI): what an operator can
 * check before starting. Validation stays cheap (it runs every few seconds); reading a model file or writing into a
 * directory happens here and when the processor is scheduled.
 */
final class Verifications {

    private Verifications() {}

    static ConfigVerificationResult successful(String step, String explanation) {
        return result(step, Outcome.SUCCESSFUL, explanation);
    }

    static ConfigVerificationResult failed(String step, String explanation) {
        return result(step, Outcome.FAILED, explanation);
    }

    static ConfigVerificationResult skipped(String step, String explanation) {
        return result(step, Outcome.SKIPPED, explanation);
    }

    private static ConfigVerificationResult result(String step, Outcome outcome, String explanation) {
        return new ConfigVerificationResult.Builder()
                .verificationStepName(step)
                .outcome(outcome)
                .explanation(explanation)
                .build();
    }

    /**
     * Whether NiFi can keep state in {@code value}, proven by writing and deleting a probe file in it (or, when it
     * does not exist yet, in the nearest existing directory above it, so that verifying leaves nothing behind).
     * {@code kept} names what is there already: what a start would continue from.
     */
    static ConfigVerificationResult stateDirectory(String step, String value, Path kept, String keptMeaning) {
        Path directory;
        try {
            directory = Path.of(value.trim()).toAbsolutePath();
        } catch (InvalidPathException e) {
            return failed(step, "'" + value + "' is not a valid path: " + e.getMessage());
        }
        String problem = Validation.directoryProblem(directory);
        if (problem != null) {
            return failed(step, problem + "; choose a directory NiFi's user can write in");
        }
        Path probed = directory;
        while (!Files.isDirectory(probed)) {
            probed = probed.getParent();
        }
        try {
            Files.delete(Files.createTempFile(probed, ".verify-", ".tmp"));
        } catch (IOException | RuntimeException e) {
            return failed(
                    step,
                    "NiFi could not write a file in " + probed + " (" + e + "); choose a directory NiFi's user can"
                            + " write in");
        }
        if (!directory.equals(probed)) {
            return successful(
                    step,
                    directory + " does not exist yet; it will be created in " + probed + ", where"
                            + " NiFi can write. Nothing is saved there yet: the processor starts afresh.");
        }
        return successful(
                step,
                directory + " is writable. "
                        + (hasFiles(kept) ? keptMeaning : "Nothing is saved there yet: the processor starts afresh."));
    }

    private static boolean hasFiles(Path directory) {
        if (directory == null || !Files.isDirectory(directory)) {
            return false;
        }
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.findAny().isPresent();
        } catch (IOException e) {
            return false;
        }
    }
}
