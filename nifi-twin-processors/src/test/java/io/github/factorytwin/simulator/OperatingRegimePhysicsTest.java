package io.github.factorytwin.simulator;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The fleet's operating regimes (RPM set-points) move every sensor: vibration with the shaft speed, temperature
 * towards the load's equilibrium with the machine's thermal lag, so a change of regime is visible in all three
 * sensors without being a fault.
 */
class OperatingRegimePhysicsTest {

    private static final SensorRange T = new SensorRange(60, 100);
    private static final SensorRange V = new SensorRange(0.1, 1.5);
    private static final SensorRange R = new SensorRange(1000, 5000);
    private static final long START = 1_700_000_000_000L;
    private static final long HOUR = 3_600_000L;
    private static final int PER_MINUTE = 30; // one reading per 2 s

    /** 24 simulated hours of each of the three machine types, healthy (no failure within the run). */
    private static List<List<SimulatedReading>> healthyDay() {
        SimulationSettings settings =
                new SimulationSettings(FleetDefinition.simple(3, "M", T, V, R), 2_000, 100_000 * HOUR, 0);
        FactorySimulator simulator = FactorySimulator.create(settings, 5, START);
        List<List<SimulatedReading>> machines = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        for (int i = 0; i < 3 * 43_200; i++) {
            SimulatedReading reading = new SimulatedReading();
            simulator.next(reading);
            machines.get(reading.machineIndex()).add(reading);
        }
        return machines;
    }

    @Test
    void everySensorFollowsTheRegimeTemperatureWithAThermalLag() {
        for (List<SimulatedReading> machine : healthyDay()) {
            double[] rpm = machine.stream().mapToDouble(SimulatedReading::rpm).toArray();
            double[] vibration =
                    machine.stream().mapToDouble(SimulatedReading::vibration).toArray();
            double[] temperature =
                    machine.stream().mapToDouble(SimulatedReading::temperature).toArray();
            assertTrue(correlation(rpm, vibration) > 0.9, "vibration follows the speed");
            assertTrue(correlation(rpm, temperature) > 0.6, "temperature follows the load");
            int steps = 0;
            for (int i = PER_MINUTE; i + 20 * PER_MINUTE < rpm.length; i++) {
                double jump = rpm[i] - rpm[i - PER_MINUTE];
                boolean held = Math.abs(rpm[i + 20 * PER_MINUTE] - rpm[i]) < 0.05 * R.span();
                if (Math.abs(jump) < 0.3 * R.span() || !held) {
                    continue;
                }
                // the shaft has reached the new set-point; the temperature is still on its way there
                double before = temperature[i - PER_MINUTE];
                double now = temperature[i] - before;
                double later = temperature[i + 20 * PER_MINUTE] - before;
                assertTrue(Math.signum(later) == Math.signum(jump), "temperature moves with the load");
                assertTrue(Math.abs(now) < 0.6 * Math.abs(later), "a thermal lag: " + now + " vs " + later);
                steps++;
                i += 20 * PER_MINUTE;
            }
            assertTrue(steps >= 3, "regime changes seen: " + steps);
        }
    }

    private static double correlation(double[] x, double[] y) {
        double mx = mean(x);
        double my = mean(y);
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (int i = 0; i < x.length; i++) {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        return sxy / Math.sqrt(sxx * syy);
    }

    private static double mean(double[] x) {
        double sum = 0;
        for (double v : x) {
            sum += v;
        }
        return sum / x.length;
    }
}
