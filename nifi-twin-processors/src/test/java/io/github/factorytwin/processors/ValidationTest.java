package io.github.factorytwin.processors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.nifi.components.ValidationResult;
import org.apache.nifi.components.Validator;
import org.junit.jupiter.api.Test;

/** The one decimal range validator: bounds as given, and a message that says what to enter. */
class ValidationTest {

    private static final Validator THRESHOLD = Validation.decimalRange(0, false, 1, true, "scores lie in 0..1");
    private static final Validator TOLERANCE =
            Validation.decimalRange(0, true, Double.POSITIVE_INFINITY, false, "a fraction of the range");

    private static ValidationResult check(Validator validator, String input) {
        return validator.validate("Threshold", input, null);
    }

    @Test
    void boundsAreIncludedOrExcludedAsGiven() {
        assertFalse(check(THRESHOLD, "0").isValid());
        assertTrue(check(THRESHOLD, "0.0001").isValid());
        assertTrue(check(THRESHOLD, "1").isValid());
        assertTrue(check(THRESHOLD, " 0.65 ").isValid());
        assertFalse(check(THRESHOLD, "1.0001").isValid());
        assertTrue(check(TOLERANCE, "0").isValid());
        assertTrue(check(TOLERANCE, "1e6").isValid());
        assertFalse(check(TOLERANCE, "-0.1").isValid());
        assertFalse(check(TOLERANCE, "Infinity").isValid());
        assertFalse(check(TOLERANCE, "NaN").isValid());
    }

    @Test
    void theMessageStatesTheRangeTheReasonAndTheValueGiven() {
        ValidationResult above = check(THRESHOLD, "1.5");
        assertEquals("must be greater than 0 and at most 1 (scores lie in 0..1), not 1.5", above.getExplanation());
        assertEquals("Threshold", above.getSubject());
        assertEquals(
                "must be a decimal number greater than 0 and at most 1 (scores lie in 0..1), not 'high'",
                check(THRESHOLD, "high").getExplanation());
        assertEquals(
                "must be at least 0 (a fraction of the range), not -0.1",
                check(TOLERANCE, "-0.1").getExplanation());
        assertTrue(check(TOLERANCE, "0.05").isValid());
        assertEquals(
                "must be at least 2.5 and below 10 (why), not 10",
                Validation.decimalRange(2.5, true, 10, false, "why")
                        .validate("x", "10", null)
                        .getExplanation());
    }
}
