package io.github.factorytwin.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The engine's entry point: a batch takes scored readings, returns assessments and publishes in one commit. */
class HealthEngineBatchTest {

    private static final HealthConfig CONFIG =
            HealthConfig.of(List.of("temperature", "vibration", "rpm"), 70, 40, 5, 10_000, 50, 30_000, 120);

    private static ScoredReading reading(String machineId, int i, Random random) {
        double[] values = {
            70 + random.nextGaussian(), 0.5 + 0.01 * random.nextGaussian() + (i < 100 ? 0 : (i - 100) * 0.01), 3000
        };
        return new ScoredReading(machineId, 1_000L * i, values, 0.4 + 0.1 * random.nextDouble(), false);
    }

    @Test
    void aBatchAssessesEachReadingAsTheStepOnTheMachinesStateDoes() throws Exception {
        HealthEngine engine = new HealthEngine(CONFIG, null);
        HealthEngine replay = new HealthEngine(CONFIG, null);
        MachineState state = replay.newState();
        Random a = new Random(1);
        Random b = new Random(1);
        List<HealthAssessment> assessed = new ArrayList<>();
        for (int start = 0; start < 300; start += 20) {
            // one batch per 20 readings: the committed state carries over from batch to batch exactly
            HealthEngine.Batch batch = engine.begin();
            for (int i = start; i < start + 20; i++) {
                HealthAssessment viaBatch = batch.process(reading("M1", i, a), Long.MAX_VALUE);
                assertEquals(replay.update(state, reading("M1", i, b)), viaBatch, "reading " + i);
                assessed.add(viaBatch);
            }
            batch.commit();
        }
        HealthAssessment last = assessed.get(assessed.size() - 1);
        assertTrue(last.health() < 40, "the vibration drift is assessed: " + last);
        assertEquals(HealthStatus.CRITICAL, last.status());
        assertTrue(last.reason().text().startsWith("vibration: "), last.reason().text());
        assertTrue(assessed.stream().anyMatch(x -> !x.alerts().isEmpty()), "alerts are part of the assessment");
        assertEquals(state.readings(), engine.machines().committed("M1").readings());
    }

    @Test
    void aBatchThatIsNotCommittedLeavesNoTrace() throws Exception {
        HealthEngine engine = new HealthEngine(CONFIG, null);
        Random random = new Random(2);
        HealthEngine.Batch first = engine.begin();
        first.process(reading("A", 0, random), Long.MAX_VALUE);
        first.commit();

        HealthEngine.Batch abandoned = engine.begin();
        abandoned.process(reading("A", 1, random), Long.MAX_VALUE);
        abandoned.process(reading("B", 1, random), Long.MAX_VALUE);
        assertEquals(1, engine.machines().committed("A").readings());
        assertNull(engine.machines().committed("B"));
        assertEquals(1, engine.machines().size());
    }

    @Test
    void aLateReadingIsRefusedWithTheTimeItWasMeasuredAgainstAndChangesNothing() throws Exception {
        HealthEngine engine = new HealthEngine(CONFIG, null);
        Random random = new Random(3);
        HealthEngine.Batch batch = engine.begin();
        batch.process(reading("M1", 100, random), Long.MAX_VALUE);
        LateReadingException late = assertThrows(
                LateReadingException.class, () -> batch.process(reading("M1", 60, random), Long.MAX_VALUE));
        assertEquals("M1", late.machineId());
        assertEquals(60_000, late.timestamp());
        assertEquals(100_000, late.newest());
        // measured against the wall clock when the machine's newest reading lies beyond it
        LateReadingException againstClock =
                assertThrows(LateReadingException.class, () -> batch.process(reading("M1", 60, random), 95_000));
        assertEquals(95_000, againstClock.newest());
        batch.commit();
        assertEquals(1, engine.machines().committed("M1").readings());
    }

    @Test
    void beyondTheMaximumTheLeastRecentlySeenMachineIsEvictedAndStartsAfreshWhenItReturns(@TempDir Path directory)
            throws Exception {
        HealthEngine engine = HealthEngine.open(CONFIG, null, directory, "life", 2, (id, why) -> {});
        Random random = new Random(4);
        for (String machine : List.of("A", "B", "A", "C")) {
            HealthEngine.Batch batch = engine.begin();
            batch.process(reading(machine, 10, random), Long.MAX_VALUE);
            batch.commit();
        }
        MachineStates machines = engine.machines();
        assertEquals(2, machines.size());
        assertNull(machines.committed("B"), "B was seen least recently");
        assertEquals(1, machines.takeEvictions());
        assertEquals(0, machines.takeEvictions(), "taken");
        machines.close();

        // What was committed is in the directory: an engine opened on it with the same token continues.
        HealthEngine reopened = HealthEngine.open(CONFIG, null, directory, "life", 2, (id, why) -> {});
        assertEquals(2, reopened.machines().committed("A").readings());
        assertFalse(reopened.machines().committed("C") == null);
        assertNull(reopened.machines().committed("B"));
        assertNull(reopened.machines().loadReport());
        reopened.machines().close();

        // Another token (an operator cleared the processor's state): nothing is loaded, and the report says why.
        HealthEngine cleared = HealthEngine.open(CONFIG, null, directory, "another life", 2, (id, why) -> {});
        assertEquals(0, cleared.machines().size());
        assertTrue(
                cleared.machines().loadReport().contains("cleared"),
                cleared.machines().loadReport());
        cleared.machines().close();
    }

    @Test
    void aCommittedStateThatCannotBeReadIsReportedAndTheMachineStartsAfresh(@TempDir Path directory) throws Exception {
        String layout = new HealthEngine(CONFIG, null).stateLayout();
        try (HealthStateStore store = HealthStateStore.open(directory, layout, "life", 10)) {
            store.put("X", new byte[] {9, 9, 9}); // not a machine state
            store.flush();
        }
        List<String> reported = new ArrayList<>();
        HealthEngine engine =
                HealthEngine.open(CONFIG, null, directory, "life", 10, (id, why) -> reported.add(id + ": " + why));
        HealthEngine.Batch batch = engine.begin();
        HealthAssessment first = batch.process(reading("X", 0, new Random(5)), Long.MAX_VALUE);
        batch.commit();
        assertEquals(1, reported.size());
        assertTrue(reported.get(0).startsWith("X: "), reported.get(0));
        assertEquals(100, first.health());
        assertEquals(1, engine.machines().committed("X").readings(), "afresh");
        engine.machines().close();
    }
}
