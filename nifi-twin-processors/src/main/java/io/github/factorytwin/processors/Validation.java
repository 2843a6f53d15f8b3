package io.github.factorytwin.processors;

import java.math.BigDecimal;
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

    /**
     * A decimal number between {@code min} and {@code max} (each bound included or not; an infinite bound is no
     * bound). The explanation states the range, {@code meaning} (why, e.g. "scores lie in 0..1") and the value given,
     * so the operator knows what to enter.
     */
    static Validator decimalRange(double min, boolean minIncluded, double max, boolean maxIncluded, String meaning) {
        String range = rangeText(min, minIncluded, max, maxIncluded);
        return (subject, input, context) -> {
            String problem = null;
            try {
                double value = Double.parseDouble(input.trim());
                boolean aboveMin = minIncluded ? value >= min : value > min;
                boolean belowMax = maxIncluded ? value <= max : value < max;
                if (!(aboveMin && belowMax) || Double.isNaN(value)) {
                    problem = "must be " + range + " (" + meaning + "), not " + input.trim();
                }
            } catch (NumberFormatException | NullPointerException e) {
                problem = "must be a decimal number " + range + " (" + meaning + "), not '" + input + "'";
            }
            return result(subject, input, problem);
        };
    }

    private static String rangeText(double min, boolean minIncluded, double max, boolean maxIncluded) {
        String lower = Double.isInfinite(min) ? null : (minIncluded ? "at least " : "greater than ") + plain(min);
        String upper = Double.isInfinite(max) ? null : (maxIncluded ? "at most " : "below ") + plain(max);
        if (lower == null) {
            return upper == null ? "a finite number" : upper;
        }
        return upper == null ? lower : lower + " and " + upper;
    }

    /** {@code 1.0} as 1, {@code 0.05} as 0.05: how an operator would write it. */
    private static String plain(double value) {
        return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }

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
