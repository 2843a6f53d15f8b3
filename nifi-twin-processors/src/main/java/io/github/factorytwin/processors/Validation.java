package io.github.factorytwin.processors;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import org.apache.nifi.components.ValidationResult;
import org.apache.nifi.components.Validator;

/** The processors' custom validators all end the same way: valid when no problem was found. */
final class Validation {

    private Validation() {}

    /** A directory NiFi can write in: it is one, or it can be created. */
    static final Validator WRITABLE_DIRECTORY =
            (subject, input, context) -> result(subject, input, pathProblem(input, path -> directoryProblem(path)));

    /** A file NiFi can write atomically: its directory is writable (or can be created) and it is not a directory. */
    static final Validator WRITABLE_FILE =
            (subject, input, context) -> result(subject, input, pathProblem(input, path -> {
                if (Files.isDirectory(path)) {
                    return path + " is a directory: give the path of a file in it";
                }
                return path.getParent() == null ? path + " has no directory" : directoryProblem(path.getParent());
            }));

    private interface PathCheck {
        String problem(Path path);
    }

    private static String pathProblem(String input, PathCheck check) {
        if (input == null || input.isBlank()) {
            return "must be a path";
        }
        try {
            return check.problem(Path.of(input.trim()).toAbsolutePath());
        } catch (InvalidPathException e) {
            return "is not a valid path: " + e.getMessage();
        }
    }

    /**
     * Why NiFi cannot write in {@code directory}, or null when it can: an existing writable directory, or a
     * missing one whose nearest existing ancestor is a writable directory (it is created on first use).
     */
    static String directoryProblem(Path directory) {
        if (Files.exists(directory)) {
            if (!Files.isDirectory(directory)) {
                return directory + " is a file, not a directory";
            }
            return Files.isWritable(directory) ? null : directory + " is not writable by NiFi";
        }
        Path ancestor = directory.getParent();
        while (ancestor != null && !Files.exists(ancestor)) {
            ancestor = ancestor.getParent();
        }
        if (ancestor == null) {
            return directory + " cannot be created";
        }
        if (!Files.isDirectory(ancestor)) {
            return directory + " cannot be created: " + ancestor + " is a file";
        }
        return Files.isWritable(ancestor)
                ? null
                : directory + " does not exist and cannot be created: " + ancestor + " is not writable by NiFi";
    }

    /** A result for {@code subject}: valid when {@code problem} is null, else invalid with it as the explanation. */
    static ValidationResult result(String subject, String input, String problem) {
        return new ValidationResult.Builder()
                .subject(subject)
                .input(input)
                .valid(problem == null)
                .explanation(problem)
                .build();
    }
}
