package io.github.factorytwin.anomaly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.factorytwin.state.StateInput;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ScorePostProcessingTest {

    @Test
    void offReportsTheRawScore() {
        PostProcessingState p = ScorePostProcessing.OFF.newState();
        assertTrue(ScorePostProcessing.OFF.isOff());
        assertEquals(0.73, p.process(0.73, 1e9), 0.0);
        assertTrue(Double.isNaN(p.process(Double.NaN, 1.0)));
    }

    @Test
    void likelihoodAndRangeReportsNeutralDuringStartUpThenLikelihoodsAndOneForANewExtreme() {
        PostProcessingState p = ScorePostProcessing.likelihoodAndRange(50).newState();
        Random random = new Random(5);
        // the detector's warm-up: no raw score, but the range check learns the values
        assertTrue(Double.isNaN(p.process(Double.NaN, 5.0)));
        assertTrue(Double.isNaN(p.process(Double.NaN, 15.0)));
        for (int i = 0; i < 49; i++) {
            double value = 10 + random.nextGaussian();
            assertEquals(AnomalyLikelihood.NEUTRAL, p.process(0.4 + 0.01 * random.nextGaussian(), value));
        }
        assertEquals(1.0, p.process(0.4, 30.0), 0.0, "the range check works during the likelihood's start-up");
        int high = 0;
        for (int i = 0; i < 500; i++) {
            double s = p.process(0.4 + 0.01 * random.nextGaussian(), 10 + 0.5 * random.nextGaussian());
            assertTrue(s >= 0 && s <= 1, "score " + s);
            if (s >= 0.5) {
                high++;
            }
        }
        assertTrue(high < 10, high + " high scores on stationary data");
        assertEquals(1.0, p.process(0.4, 100.0), 0.0, "a value far beyond every value seen so far");
    }

    @Test
    void theResultNamesTheFeatureThatLeftTheRangeAndMatchesTheScoreAlone() {
        ScorePostProcessing settings = ScorePostProcessing.likelihoodAndRange(20);
        PostProcessingState machine = settings.newState();
        PostProcessingState composed = settings.newState();
        java.util.Random random = new java.util.Random(5);
        for (int i = 0; i < 200; i++) {
            double raw = i < 30 ? Double.NaN : 0.4 + 0.05 * random.nextGaussian();
            double a = 10 + random.nextGaussian();
            double b = 50 + random.nextGaussian();
            double expected = composed.process(raw, a, b);
            assertEquals(expected, machine.apply(raw, a, b).score(), 0.0, "reading " + i);
        }
        PostProcessedScore outside = machine.apply(0.4, 10.0, 500.0);
        assertEquals(1.0, outside.score(), 0.0);
        assertEquals(1, outside.outOfRange());
        assertTrue(outside.high() < 500 && outside.low() < outside.high());
        assertEquals(-1, machine.apply(0.4, 10.0, 50.0).outOfRange());
        assertEquals(-1, settings.newState().apply(Double.NaN, 1.0, 1.0).outOfRange());
    }

    @Test
    void theRangeCheckIsOnProbationForAMachinesFirstStartUpReadings() {
        ScorePostProcessing settings = new ScorePostProcessing(ScorePostProcessing.Mode.NONE, 5, 0.05);
        PostProcessingState machine = settings.newState();
        double[] values = {10, 11, 30, 9, 50};
        for (double v : values) {
            assertEquals(0.3, machine.process(0.3, v), 0.0, "reading " + v + " on probation");
        }
        assertEquals(1.0, machine.process(0.3, 100.0), 0.0, "beyond the range learned on probation");
        assertEquals(0.3, machine.process(0.3, 40.0), 0.0, "inside it");
        assertEquals(0.3, settings.newState().process(0.3, 500.0), 0.0, "a fresh state is on probation again");
    }

    @Test
    void savedStatesAreRestoredExactlyAndOnlyForTheSameSettings() throws Exception {
        ScorePostProcessing settings = ScorePostProcessing.likelihoodAndRange(20);
        java.util.Map<String, PostProcessingState> original = new java.util.HashMap<>();
        java.util.Random random = new java.util.Random(9);
        for (int i = 0; i < 300; i++) {
            original.computeIfAbsent("M" + (i % 3), id -> settings.newState())
                    .apply(0.4 + 0.05 * random.nextGaussian(), 10 + random.nextGaussian());
        }
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        settings.write(new java.io.DataOutputStream(bytes), original);
        java.util.Map<String, PostProcessingState> restored =
                settings.read(sized(bytes.toByteArray()), StateDirectory.FIELDS_VERSION);
        assertEquals(3, restored.size());
        for (int i = 0; i < 300; i++) {
            double raw = (i > 150 && i < 170 ? 0.8 : 0.4) + 0.05 * random.nextGaussian();
            double value = i == 200 ? 40 : 10 + random.nextGaussian();
            String machine = "M" + (i % 3);
            assertEquals(
                    original.get(machine).apply(raw, value),
                    restored.get(machine).apply(raw, value),
                    "reading " + i);
        }

        ScorePostProcessing other = ScorePostProcessing.likelihoodAndRange(30);
        assertThrows(
                ScorePostProcessing.SettingsChangedException.class,
                () -> other.read(sized(bytes.toByteArray()), StateDirectory.FIELDS_VERSION));
    }

    @Test
    void invalidSettingsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new ScorePostProcessing(null, 10, Double.NaN));
        assertThrows(
                IllegalArgumentException.class,
                () -> new ScorePostProcessing(ScorePostProcessing.Mode.LIKELIHOOD, 3, Double.NaN));
        assertThrows(
                IllegalArgumentException.class, () -> new ScorePostProcessing(ScorePostProcessing.Mode.NONE, 0, -1));
    }

    private static StateInput sized(byte[] bytes) {
        return StateInput.of(new java.io.ByteArrayInputStream(bytes), bytes.length);
    }
}
