package io.github.factorytwin.anomaly;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MachineStateTest {

    static final FeatureSpec SPEC =
            new FeatureSpec(List.of("t", "v"), EnumSet.of(DerivedFeature.DELTA, DerivedFeature.WINDOW), 3);

    @Test
    void namesRawThenDerivedInFixedOrder() {
        assertEquals(List.of("t", "v", "t.delta", "v.delta", "t.window_z", "v.window_z"), SPEC.names());
        assertEquals(6, SPEC.dimension());
    }

    @Test
    void deltaIsTheChangeSinceThePreviousReadingAndWindowTheDeviationFromRecentReadings() throws Exception {
        FeatureState state = new FeatureState(SPEC);
        assertArrayEquals(new double[] {1, 10, 0, 0, 0, 0}, extract(state, 1, 10), 1e-12);
        assertArrayEquals(new double[] {2, 10, 1, 0, 0, 0}, extract(state, 2, 10), 1e-12);
        // window {1, 2}: mean 1.5, sample std 0.7071; v window {10, 10} is flat: x equal to mean gives 0
        double[] third = extract(state, 3, 10);
        assertEquals(1.5 / Math.sqrt(0.5), third[4], 1e-9);
        assertEquals(0, third[5], 1e-12);
        // window now {1, 2, 3}; a jump of v against a flat window is clamped, not infinite
        double[] fourth = extract(state, 2, 11);
        assertEquals(0, fourth[4], 1e-9);
        assertEquals(FeatureSpec.MAX_WINDOW_Z, fourth[5], 0.0);
    }

    @Test
    void imputeLastUsesTheMachinesLastValueAndDoesNotMoveItsState() throws Exception {
        FeatureState state = new FeatureState(SPEC);
        assertThrows(
                MissingFeatureException.class,
                () -> state.extract(SPEC, new double[] {Double.NaN, 1}, MissingValueStrategy.IMPUTE_LAST),
                "no earlier value to impute");
        state.extract(SPEC, new double[] {5, 1}, MissingValueStrategy.IMPUTE_LAST);
        Features imputed =
                state.extract(SPEC, new double[] {Double.POSITIVE_INFINITY, 2}, MissingValueStrategy.IMPUTE_LAST);
        assertEquals(List.of("t"), imputed.imputed());
        assertEquals(5, imputed.values()[0]);
        assertEquals(0, imputed.values()[2], "delta of an imputed value is 0");
        Features next = state.extract(SPEC, new double[] {7, 2}, MissingValueStrategy.IMPUTE_LAST);
        assertEquals(2, next.values()[2], "delta against the last real value");
        assertTrue(!next.isImputed());
    }

    @Test
    void failRejectsAMissingValueWithTheFieldName() {
        FeatureState state = new FeatureState(new FeatureSpec(List.of("t", "v"), Set.of()));
        MissingFeatureException e = assertThrows(
                MissingFeatureException.class,
                () -> state.extract(
                        new FeatureSpec(List.of("t", "v"), Set.of()),
                        new double[] {1, Double.NaN},
                        MissingValueStrategy.FAIL));
        assertTrue(e.getMessage().contains("'v'"), e.getMessage());
    }

    private static double[] extract(FeatureState state, double t, double v) throws MissingFeatureException {
        return state.extract(SPEC, new double[] {t, v}, MissingValueStrategy.FAIL)
                .values();
    }
}
