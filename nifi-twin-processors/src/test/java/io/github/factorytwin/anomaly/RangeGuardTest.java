package io.github.factorytwin.anomaly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The range check as a machine's post-processing runs it (Score Post-processing NONE, no probation). */
class RangeGuardTest {

    private static PostProcessingState guard(double tolerance) {
        return new ScorePostProcessing(ScorePostProcessing.Mode.NONE, 0, tolerance).newState();
    }

    @Test
    void aValueBeyondTheRangeAndItsToleranceScoresOne() {
        PostProcessingState guard = guard(0.05);
        assertTrue(Double.isNaN(guard.process(Double.NaN, 10.0)), "warm-up stays NaN");
        assertTrue(Double.isNaN(guard.process(Double.NaN, 20.0)), "warm-up stays NaN but learns the range");
        assertEquals(0.3, guard.process(0.3, 20.4), 0.0, "within 5% of the range above the maximum");
        assertEquals(1.0, guard.process(0.3, 21.0), 0.0, "beyond max + 5% of the range");
        assertEquals(0.3, guard.process(0.3, 21.0), 0.0, "the new maximum is now part of the range");
        assertEquals(1.0, guard.process(0.2, 9.0), 0.0, "below min - 5% of the range");
    }

    @Test
    void aSingleValueRangeAndMissingValuesNeverTrigger() {
        PostProcessingState guard = guard(0.0);
        assertEquals(0.1, guard.process(0.1, 5.0), 0.0);
        assertEquals(0.1, guard.process(0.1, 5.0), 0.0);
        assertEquals(0.2, guard.process(0.2, Double.NaN), 0.0);
        assertEquals(0.2, guard.process(0.2, 5.5), 0.0, "a range of one value never triggers");
        assertEquals(1.0, guard.process(0.2, 6.0), 0.0, "beyond [5, 5.5] with tolerance 0");
    }

    @Test
    void anyFeatureOutsideItsOwnRangeTriggers() {
        PostProcessingState guard = guard(0.05);
        guard.process(Double.NaN, 60.0, 1000.0); // learned while the model warms up
        guard.process(Double.NaN, 80.0, 3000.0);
        assertEquals(0.4, guard.process(0.4, 70.0, 2000.0), 0.0);
        assertEquals(1.0, guard.process(0.4, 70.0, 3500.0), 0.0);
        assertEquals(1.0, guard.process(0.4, 50.0, 2000.0), 0.0);
    }

    @Test
    void toleranceMustBeANonNegativeNumber() {
        assertThrows(IllegalArgumentException.class, () -> new RangeGuard(-0.1));
        assertThrows(IllegalArgumentException.class, () -> new RangeGuard(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> new RangeGuard(Double.POSITIVE_INFINITY));
    }
}
