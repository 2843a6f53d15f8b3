package io.github.factorytwin.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScenariosTest {

    private static final long START = 1_700_000_000_000L;
    private static final long HOUR = 3_600_000L;
    private static final long DAY = 24 * HOUR;

    private static SimulationSettings settings(int machines, Scenarios scenarios) {
        return new SimulationSettings(FleetDefinition.simple(machines, "M"), 2_000, 8 * HOUR, 0, scenarios);
    }

    /** Mean temperature of normal readings per hour of the day, over {@code days}. */
    private static double[] hourlyNormalTemperature(Scenarios scenarios, int days) {
        FactorySimulator simulator =
                FactorySimulator.create(settings(5, scenarios), 3, START - Math.floorMod(START, DAY));
        double[] sum = new double[24];
        int[] count = new int[24];
        SimulatedReading r = new SimulatedReading();
        long end = simulator.nextTimestamp() + days * DAY;
        while (simulator.nextTimestamp() < end) {
            simulator.next(r);
            if (r.condition() == MachineCondition.NORMAL) {
                int hour = (int) (Math.floorMod(r.timestamp(), DAY) / HOUR);
                sum[hour] += r.temperature();
                count[hour]++;
            }
        }
        for (int h = 0; h < 24; h++) {
            sum[h] /= count[h];
        }
        return sum;
    }

    @Test
    void ambientDriftMovesTheTemperatureOfNormalReadingsWithTheCycle() {
        double[] plain = hourlyNormalTemperature(Scenarios.NONE, 4);
        double[] drifting = hourlyNormalTemperature(new Scenarios(0.15, DAY, 0, 0), 4);
        // +-15% of the 40-degree range: about +6 at 6 o'clock, -6 at 18 o'clock, against the same factory
        assertEquals(6, (drifting[6] - plain[6]), 2.5);
        assertEquals(-6, (drifting[18] - plain[18]), 2.5);
    }

    @Test
    void dutyChangesMoveTheSetPointBand() {
        Scenarios duty = new Scenarios(0, 1, 8 * HOUR, 0);
        FactorySimulator simulator = FactorySimulator.create(settings(1, duty), 9, START);
        SimulatedReading r = new SimulatedReading();
        Map<Integer, double[]> rpmByDuty = new HashMap<>();
        long end = START + 3 * DAY;
        while (simulator.nextTimestamp() < end) {
            simulator.next(r);
            if (r.condition() == MachineCondition.NORMAL) {
                double[] sumCount = rpmByDuty.computeIfAbsent(
                        duty.duty(r.timestamp(), Rng.derive(0, r.machineId()) & Long.MAX_VALUE), d -> new double[2]);
                sumCount[0] += r.rpm();
                sumCount[1]++;
            }
        }
        assertEquals(3, rpmByDuty.size(), "all three duties seen");
        // mean speed per duty (bands 10..90%, 2..35%, 65..98% of 1000..5000 rpm; the shaft lags a change a little)
        double usual = rpmByDuty.get(0)[0] / rpmByDuty.get(0)[1];
        double light = rpmByDuty.get(1)[0] / rpmByDuty.get(1)[1];
        double heavy = rpmByDuty.get(2)[0] / rpmByDuty.get(2)[1];
        assertTrue(light < 2_300 && light < usual, "light duty runs slow: " + light + " (usual " + usual + ")");
        assertTrue(heavy > 3_700 && heavy > usual, "heavy duty runs fast: " + heavy + " (usual " + usual + ")");
    }

    @Test
    void faultsThatEndGoBackToNormalWithoutFailureOrMaintenance() {
        FactorySimulator simulator = FactorySimulator.create(settings(10, new Scenarios(0, 1, 0, 0.5)), 4, START);
        SimulatedReading r = new SimulatedReading();
        Map<String, MachineCondition> last = new HashMap<>();
        int ended = 0;
        int failed = 0;
        long end = START + 3 * DAY;
        while (simulator.nextTimestamp() < end) {
            simulator.next(r);
            MachineCondition previous = last.put(r.machineId(), r.condition());
            if (previous == MachineCondition.DEGRADING && r.condition() == MachineCondition.NORMAL) {
                ended++;
            } else if (previous == MachineCondition.DEGRADING && r.condition() == MachineCondition.FAILED) {
                failed++;
            }
        }
        assertTrue(ended >= 10, "faults that ended: " + ended);
        assertTrue(failed >= 10, "faults that failed: " + failed);
    }

    @Test
    void aRestoredFactoryWithScenariosContinuesExactly() {
        SimulationSettings settings = settings(4, new Scenarios(0.1, DAY, 6 * HOUR, 0.5));
        FactorySimulator straight = FactorySimulator.create(settings, 6, START);
        FactorySimulator first = FactorySimulator.create(settings, 6, START);
        List<String> expected = run(straight, 80_000);
        List<String> actual = run(first, 40_000);
        actual.addAll(run(FactorySimulator.restore(settings, first.toState(), 0, 0), 40_000));
        assertEquals(expected, actual);
    }

    private static List<String> run(FactorySimulator simulator, int n) {
        List<String> out = new ArrayList<>(n);
        SimulatedReading r = new SimulatedReading();
        for (int i = 0; i < n; i++) {
            simulator.next(r);
            out.add(r.machineId() + r.timestamp() + r.condition() + r.temperature() + r.vibration() + r.rpm());
        }
        return out;
    }
}
