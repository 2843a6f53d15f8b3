package io.github.factorytwin.processors;

import org.apache.nifi.components.ValidationResult;

/** The processors' custom validators all end the same way: valid when no problem was found. */
final class Validation {

    private Validation() {}

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
