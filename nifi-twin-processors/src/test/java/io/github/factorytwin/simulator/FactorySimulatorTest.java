package io.github.factorytwin.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FactorySimulatorTest {

    private static final SensorRange T = new SensorRange(60, 100);
    private static final SensorRange V = new SensorRange(0.1, 1.5);
    private static final SensorRange R = new SensorRange(1000, 5000);
    private static final long START = 1_700_000_000_000L;
    private static final long HOUR = 3_600_000L;

    private static SimulationSettings settings(int machines, double faultProbability) {
        return new SimulationSettings(
                FleetDefinition.simple(machines, "M", T, V, R), 2_000, 8 * HOUR, faultProbability);
    }

    private static List<String> run(FactorySimulator simulator, int readings) {
        List<String> out = new ArrayList<>(readings);
        SimulatedReading reading = new SimulatedReading();
        for (int i = 0; i < readings; i++) {
            simulator.next(reading);
            out.add(reading.toString());
        }
        return out;
    }

    @Test
    void sameSeedSameReadingsOtherSeedOtherReadings() {
        List<String> a = run(FactorySimulator.create(settings(5, 0.01), 7, START), 20_000);
        List<String> b = run(FactorySimulator.create(settings(5, 0.01), 7, START), 20_000);
        List<String> c = run(FactorySimulator.create(settings(5, 0.01), 8, START), 20_000);
        assertEquals(a, b);
        assertNotEquals(a.subList(0, 5), c.subList(0, 5));
    }

    @Test
    void readingsComeTickByTickInFleetOrder() {
        FactorySimulator simulator = FactorySimulator.create(settings(3, 0), 1, START + 1_234);
        SimulatedReading reading = new SimulatedReading();
        for (int tick = 0; tick < 4; tick++) {
            for (int machine = 0; machine < 3; machine++) {
                simulator.next(reading);
                assertEquals(START + tick * 2_000L, reading.timestamp(), "aligned to the interval");
                assertEquals(machine, reading.machineIndex());
                assertEquals("M00" + (machine + 1), reading.machineId());
            }
        }
    }

    @Test
    void eachMachineHasItsOwnRandomStream() {
        // M001 behaves the same whether the fleet has 2 or 6 machines: its readings depend on nothing else.
        List<String> small = everyNth(run(FactorySimulator.create(settings(2, 0.01), 99, START), 2 * 3_000), 2);
        List<String> large = everyNth(run(FactorySimulator.create(settings(6, 0.01), 99, START), 6 * 3_000), 6);
        assertEquals(small, large);
    }

    private static List<String> everyNth(List<String> readings, int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < readings.size(); i += n) {
            out.add(readings.get(i));
        }
        return out;
    }

    @Test
    void restoredStateContinuesExactly() {
        SimulationSettings settings = settings(7, 0.02);
        List<String> straight = run(FactorySimulator.create(settings, 3, START), 50_000);

        FactorySimulator first = FactorySimulator.create(settings, 3, START);
        List<String> resumed = new ArrayList<>(run(first, 12_345));
        Map<String, String> state = first.toState();
        for (String value : state.values()) {
            assertTrue(value.length() < 200, "compact state: " + value);
        }
        FactorySimulator second = FactorySimulator.restore(settings, new HashMap<>(state), 999, START + 77 * HOUR);
        assertEquals(first.generation(), second.generation());
        assertEquals(3, second.seed());
        resumed.addAll(run(second, 50_000 - 12_345));
        assertEquals(straight, resumed);
    }

    @Test
    void emptyStateStartsANewFactoryAndCorruptStateIsRejected() {
        SimulationSettings settings = settings(2, 0);
        FactorySimulator fresh = FactorySimulator.restore(settings, Map.of(), 5, START);
        assertEquals(run(FactorySimulator.create(settings, 5, START), 100), run(fresh, 100));
        Map<String, String> state =
                new HashMap<>(FactorySimulator.create(settings, 5, START).toState());
        state.put(FactorySimulator.MACHINE_KEY_PREFIX + "M001", "garbage");
        assertEquals(1, FactorySimulator.generationOf(state));
        assertEquals(-1, FactorySimulator.generationOf(Map.of(FactorySimulator.KEY_GENERATION, "x")));
        assertEquals(-1, FactorySimulator.generationOf(Map.of()));
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> FactorySimulator.restore(settings, state, 5, START));
        assertTrue(e.getMessage().startsWith("Saved simulator state is corrupt"), e.getMessage());
    }

    @Test
    void aLargerFleetKeepsTheSavedMachinesAndAddsNewOnes() {
        FactorySimulator two = FactorySimulator.create(settings(2, 0), 11, START);
        run(two, 1_000);
        Map<String, String> state = two.toState();
        List<String> twoContinued = everyNth(run(two, 2 * 500), 2);

        FactorySimulator three = FactorySimulator.restore(settings(3, 0), state, 11, START);
        assertEquals(3, three.machineCount());
        assertEquals(twoContinued, everyNth(run(three, 3 * 500), 3), "M001 continues unchanged");
    }

    @Test
    void realignMovesTheClockAndTheMachinesTogether() {
        SimulationSettings settings = settings(2, 0.01);
        FactorySimulator reference = FactorySimulator.create(settings, 1, START);
        List<String> expected = run(reference, 2 * 10_000);

        FactorySimulator moved = FactorySimulator.create(settings, 1, START);
        SimulatedReading reading = new SimulatedReading();
        moved.next(reading);
        moved.next(reading);
        assertEquals(3_600_000L, moved.realignTo(START + 2_000 + 3_600_000L + 1_999));
        assertEquals(START + 2_000 + 3_600_000L, moved.nextTimestamp(), "on the tick grid");
        List<String> later = run(moved, 2 * 9_999);
        // Same readings an hour later: same wear, same remaining useful life, same regimes.
        for (int i = 0; i < later.size(); i++) {
            assertEquals(
                    expected.get(i + 2).replace("@" + (START + 2_000 + (i / 2) * 2_000L), "@"),
                    later.get(i).replace("@" + (START + 2_000 + 3_600_000L + (i / 2) * 2_000L), "@"));
        }

        long clock = moved.nextTimestamp();
        assertEquals(START + 2_000 + 3_600_000L + 9_999 * 2_000L, clock);
        assertEquals(START - clock, moved.realignTo(START), "backwards too");
        assertEquals(START, moved.nextTimestamp());
        assertEquals(0, moved.realignTo(START + 1_999), "already there");
    }

    @Test
    void realTimePacingCatchesUpASmallLagReadingByReading() {
        FactorySimulator simulator = FactorySimulator.create(settings(3, 0), 1, START);
        long now = START + 8_100; // ticks at 0, +2, +4, +6 and +8 s are due
        assertEquals(0, simulator.keepPaceWith(now), "8 s behind is within the tolerance: caught up, not skipped");
        int due = 0;
        SimulatedReading reading = new SimulatedReading();
        while (simulator.readingDue(now)) {
            simulator.next(reading);
            due++;
        }
        assertEquals(15, due, "five ticks of three machines");
        assertEquals(START + 8_000, reading.timestamp());
        assertEquals(START + 10_000, simulator.nextTimestamp(), "the next tick waits for the wall clock");
    }

    @Test
    void realTimePacingSkipsALongGapAndDoesNotWaitForAClockRunAhead() {
        FactorySimulator simulator = FactorySimulator.create(settings(3, 0), 1, START);
        assertEquals(300_000L, simulator.catchUpToleranceMillis(), "5 minutes, or ten intervals if longer");
        assertEquals(0, simulator.keepPaceWith(START + 300_000L), "at the tolerance: still caught up");

        long afterAnHour = START + HOUR + 1_000;
        assertEquals(HOUR, simulator.keepPaceWith(afterAnHour), "an hour's gap is skipped, not backfilled");
        assertEquals(START + HOUR, simulator.nextTimestamp());

        run(simulator, 3 * 3_000); // as fast as possible: 100 minutes ahead of the wall clock
        long now = START + HOUR + 2_000;
        assertTrue(simulator.keepPaceWith(now) < 0, "moved back");
        assertEquals(START + HOUR + 2_000, simulator.nextTimestamp(), "continues at the wall clock, on the tick grid");
        assertTrue(simulator.readingDue(now));

        FactorySimulator slow = FactorySimulator.create(
                new SimulationSettings(FleetDefinition.simple(1, "M", T, V, R), 60_000, 8 * HOUR, 0), 1, START);
        assertEquals(600_000L, slow.catchUpToleranceMillis(), "ten one-minute intervals");
    }

    @Test
    void healthyMachinesStayInRangeAndEveryFailureModeOccurs() {
        FactorySimulator simulator = FactorySimulator.create(settings(10, 0), 21, START);
        SimulatedReading reading = new SimulatedReading();
        int normal = 0;
        Map<FailureMode, Integer> failures = new EnumMap<>(FailureMode.class);
        for (int i = 0; i < 10 * 43_200; i++) { // 24 simulated hours
            simulator.next(reading);
            if (reading.condition() == MachineCondition.NORMAL) {
                normal++;
                assertTrue(T.contains(reading.temperature()), reading.toString());
                assertTrue(V.contains(reading.vibration()), reading.toString());
                assertTrue(R.contains(reading.rpm()), reading.toString());
                assertEquals(FailureMode.NONE, reading.failureMode());
            }
            if (reading.condition() == MachineCondition.MAINTENANCE) {
                failures.merge(reading.failureMode(), 1, Integer::sum);
            }
        }
        assertTrue(normal > 10 * 43_200 / 2, "mostly normal");
        assertEquals(3, failures.size(), "all three failure modes: " + failures);
        int total = failures.values().stream().mapToInt(Integer::intValue).sum();
        // 10 machines x 24 h / 8 h MTBF = 30 expected failures (Poisson; seed fixed).
        assertTrue(total >= 15 && total <= 45, "failures in 24 h: " + total);
    }

    @Test
    void sensorFaultsDistortReadingsButNotTheMachine() {
        FactorySimulator withFaults = FactorySimulator.create(settings(4, 0.05), 5, START);
        FactorySimulator without = FactorySimulator.create(settings(4, 0.0), 5, START);
        SimulatedReading faulty = new SimulatedReading();
        SimulatedReading clean = new SimulatedReading();
        Map<SensorFault, Integer> faults = new EnumMap<>(SensorFault.class);
        for (int i = 0; i < 100_000; i++) {
            withFaults.next(faulty);
            without.next(clean);
            faults.merge(faulty.sensorFault(), 1, Integer::sum);
            // The machine itself is the same with or without sensor faults.
            assertEquals(clean.condition(), faulty.condition());
            assertEquals(clean.failureMode(), faulty.failureMode());
            assertEquals(clean.remainingUsefulLifeSeconds(), faulty.remainingUsefulLifeSeconds());
            assertEquals(SensorFault.NONE, clean.sensorFault());
            int differing = (same(clean.temperature(), faulty.temperature()) ? 0 : 1)
                    + (same(clean.vibration(), faulty.vibration()) ? 0 : 1)
                    + (same(clean.rpm(), faulty.rpm()) ? 0 : 1);
            switch (faulty.sensorFault()) {
                case NONE -> assertEquals(0, differing, faulty.toString());
                case DROPOUT -> {
                    assertEquals(1, differing, faulty.toString());
                    assertTrue(
                            Double.isNaN(faulty.temperature())
                                    || Double.isNaN(faulty.vibration())
                                    || Double.isNaN(faulty.rpm()),
                            faulty.toString());
                }
                case SPIKE -> assertEquals(1, differing, faulty + " vs " + clean);
                case STUCK -> assertTrue(differing <= 1, faulty.toString());
            }
        }
        assertEquals(4, faults.size(), "none, stuck, dropout, spike: " + faults);
        double faultShare = 1.0 - faults.get(SensorFault.NONE) / 100_000.0;
        assertTrue(faultShare > 0.2 && faultShare < 0.9, "share of faulty readings " + faultShare);
    }

    private static boolean same(double a, double b) {
        return Double.compare(a, b) == 0;
    }
}
