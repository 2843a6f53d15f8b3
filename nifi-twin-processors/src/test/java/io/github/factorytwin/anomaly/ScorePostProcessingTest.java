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
        MachinePostProcessing p = ScorePostProcessing.OFF.newMachine();
        assertTrue(ScorePostProcessing.OFF.isOff());
        assertEquals(0.73, p.process(0.73, 1e9), 0.0);
        assertTrue(Double.isNaN(p.process(Double.NaN, 1.0)));
    }

    @Test
    void likelihoodAndRangeReportsNeutralDuringStartUpThenLikelihoodsAndOneForANewExtreme() {
        MachinePostProcessing p = ScorePostProcessing.likelihoodAndRange(50).newMachine();
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
    void perMachineStatesAreIndependentAndCanBeReset() {
        ScorePostProcessing.PerMachine machines =
                new ScorePostProcessing(ScorePostProcessing.Mode.NONE, 0, 0.05).perMachine();
        machines.process("M1", 0.2, 10.0);
        machines.process("M1", 0.2, 20.0);
        machines.process("M2", 0.2, 100.0);
        machines.process("M2", 0.2, 200.0);
        assertEquals(2, machines.size());
        assertEquals(1.0, machines.process("M1", 0.2, 150.0), 0.0, "beyond M1's range");
        assertEquals(0.2, machines.process("M2", 0.2, 150.0), 0.0, "inside M2's range");
        machines.reset("M2");
        assertEquals(0.2, machines.process("M2", 0.2, 1000.0), 0.0, "M2 starts afresh");
        machines.clear();
        assertEquals(0, machines.size());
    }

    @Test
    void theOutcomeNamesTheFeatureThatLeftTheRangeAndMatchesTheComposedProcessor() {
        ScorePostProcessing settings = ScorePostProcessing.likelihoodAndRange(20);
        ScorePostProcessing.PerMachine machines = settings.perMachine();
        MachinePostProcessing composed = settings.newMachine();
        java.util.Random random = new java.util.Random(5);
        for (int i = 0; i < 200; i++) {
            double raw = i < 30 ? Double.NaN : 0.4 + 0.05 * random.nextGaussian();
            double a = 10 + random.nextGaussian();
            double b = 50 + random.nextGaussian();
            double expected = composed.process(raw, a, b);
            assertEquals(expected, machines.process("M1", raw, a, b), 0.0, "reading " + i);
        }
        ScorePostProcessing.Outcome outside = machines.outcome("M1", 0.4, 10.0, 500.0);
        assertEquals(1.0, outside.score(), 0.0);
        assertEquals(1, outside.outOfRange());
        assertTrue(outside.high() < 500 && outside.low() < outside.high());
        assertEquals(-1, machines.outcome("M1", 0.4, 10.0, 50.0).outOfRange());
        assertEquals(-1, machines.outcome("M2", Double.NaN, 1.0, 1.0).outOfRange());
    }

    @Test
    void theRangeCheckIsOnProbationForAMachinesFirstStartUpReadings() {
        ScorePostProcessing settings = new ScorePostProcessing(ScorePostProcessing.Mode.NONE, 5, 0.05);
        ScorePostProcessing.PerMachine machines = settings.perMachine();
        double[] values = {10, 11, 30, 9, 50};
        for (double v : values) {
            assertEquals(0.3, machines.process("M1", 0.3, v), 0.0, "reading " + v + " on probation");
        }
        assertEquals(1.0, machines.process("M1", 0.3, 100.0), 0.0, "beyond the range learned on probation");
        assertEquals(0.3, machines.process("M1", 0.3, 40.0), 0.0, "inside it");
        machines.reset("M1");
        assertEquals(0.3, machines.process("M1", 0.3, 500.0), 0.0, "on probation again after a reset");
    }

    @Test
    void savedStatesAreRestoredExactlyAndOnlyForTheSameSettings() throws Exception {
        ScorePostProcessing settings = ScorePostProcessing.likelihoodAndRange(20);
        ScorePostProcessing.PerMachine original = settings.perMachine();
        java.util.Random random = new java.util.Random(9);
        for (int i = 0; i < 300; i++) {
            original.process("M" + (i % 3), 0.4 + 0.05 * random.nextGaussian(), 10 + random.nextGaussian());
        }
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        original.write(new java.io.DataOutputStream(bytes));
        ScorePostProcessing.PerMachine restored = settings.perMachine();
        restored.read(sized(bytes.toByteArray()));
        assertEquals(3, restored.size());
        for (int i = 0; i < 300; i++) {
            double raw = (i > 150 && i < 170 ? 0.8 : 0.4) + 0.05 * random.nextGaussian();
            double value = i == 200 ? 40 : 10 + random.nextGaussian();
            String machine = "M" + (i % 3);
            assertEquals(original.outcome(machine, raw, value), restored.outcome(machine, raw, value), "reading " + i);
        }

        ScorePostProcessing.PerMachine other =
                ScorePostProcessing.likelihoodAndRange(30).perMachine();
        assertThrows(ScorePostProcessing.SettingsChangedException.class, () -> other.read(sized(bytes.toByteArray())));
        assertEquals(0, other.size(), "nothing restored");
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
