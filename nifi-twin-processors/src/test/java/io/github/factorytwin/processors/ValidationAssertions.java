package io.github.factorytwin.processors;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.nifi.components.ValidationResult;
import org.apache.nifi.util.TestRunner;

/** What the processor tests assert about property validation: that a setting is refused, and why. */
final class ValidationAssertions {

    private ValidationAssertions() {}

    /** The explanations of the processor's current validation problems. */
    static List<String> problems(TestRunner runner) {
        return runner.validate().stream()
                .filter(result -> !result.isValid())
                .map(ValidationResult::getExplanation)
                .toList();
    }

    /** Asserts that the processor is invalid and that one of its problems explains itself with {@code message}. */
    static void assertInvalidBecause(TestRunner runner, String message) {
        runner.assertNotValid();
        List<String> problems = problems(runner);
        assertTrue(problems.stream().anyMatch(problem -> problem.contains(message)), problems.toString());
    }
}
