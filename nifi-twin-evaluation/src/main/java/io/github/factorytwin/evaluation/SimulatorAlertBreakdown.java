package io.github.factorytwin.evaluation;

import io.github.factorytwin.evaluation.simulator.AlertGroundTruth;
import io.github.factorytwin.evaluation.simulator.EnginePipeline;
import io.github.factorytwin.health.Alert;
import io.github.factorytwin.health.HealthAssessment;
import io.github.factorytwin.health.HealthConfig;
import io.github.factorytwin.simulator.FactorySimulator;
import io.github.factorytwin.simulator.MachineCondition;
import io.github.factorytwin.simulator.SensorFault;
import io.github.factorytwin.simulator.SimulatedReading;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which alerts of the flow settings are the false ones, and in what circumstances: per simulator scenario, every
 * RAISED alert while the machine is normal with its reason, the time since the machine's baseline began, whether a
 * sensor fault, a fault that ended or a degradation about to begin was near, how much the speed moved, and how long
 * the incident lasted. A diagnostic: the scorecard's figures come from {@link SimulatorEvaluation}, whose rules it
 * shares ({@link AlertGroundTruth}).
 *
 * <pre>
 * java -cp ... io.github.factorytwin.evaluation.SimulatorAlertBreakdown [days] [seed,...] [--list]
 * </pre>
 */
public final class SimulatorAlertBreakdown {

    /** How near (ms) a sensor fault, the end of a fault or the start of a degradation counts as "near". */
    private static final long NEAR_MILLIS = 10 * 60_000L;

    private static final long WARM_UP_MILLIS = 2 * 3_600_000L;

    private static HealthConfig HEALTH;

    private SimulatorAlertBreakdown() {}

    /** One false alert and what surrounded it. */
    private static final class FalseAlert {
        String machine;
        long at;
        String reason;
        double sinceLifeHours;
        double sinceSensorFaultSeconds = Double.NaN;
        double sinceFaultEndedSeconds = Double.NaN;
        double untilDegradingSeconds = Double.NaN;
        double durationSeconds = Double.NaN;
        double rpmSwing;
        double dayHour;

        String category() {
            if (!Double.isNaN(untilDegradingSeconds) && untilDegradingSeconds <= NEAR_MILLIS / 1000.0) {
                return "just before a degradation";
            }
            if (!Double.isNaN(sinceFaultEndedSeconds) && sinceFaultEndedSeconds <= NEAR_MILLIS / 1000.0) {
                return "just after a fault ended";
            }
            if (!Double.isNaN(sinceSensorFaultSeconds) && sinceSensorFaultSeconds <= NEAR_MILLIS / 1000.0) {
                return "after a sensor fault";
            }
            return "otherwise";
        }

        String kind() {
            return reason.startsWith("anomaly_score") ? "anomaly score" : reason.substring(0, reason.indexOf(':'));
        }
    }

    private static final class Machine {
        long lifeStart;
        long lastSensorFault = Long.MIN_VALUE;
        long faultEnded = Long.MIN_VALUE;
        MachineCondition condition;
        final double[] rpm = new double[300];
        int rpmCount;
        final List<FalseAlert> awaitingDegradation = new ArrayList<>();
        final Map<String, FalseAlert> open = new HashMap<>();
    }

    public static void main(String[] args) {
        double days = args.length > 0 ? Double.parseDouble(args[0]) : 1;
        long[] seeds = args.length > 1
                ? java.util.Arrays.stream(args[1].split(","))
                        .mapToLong(Long::parseLong)
                        .toArray()
                : new long[] {42};
        boolean list = List.of(args).contains("--list");
        long confirmMillis = -1;
        for (String arg : args) {
            if (arg.startsWith("--confirm=")) {
                confirmMillis = Long.parseLong(arg.substring("--confirm=".length())) * 1000;
            }
        }
        HealthConfig health = SimulatorEvaluation.flowHealth();
        if (confirmMillis >= 0) {
            health = health.withAlertConfirmation(confirmMillis);
        }
        HEALTH = health;
        PrintStream out = System.out;
        for (SimulatorEvaluation.Scenario scenario : SimulatorEvaluation.SCENARIOS) {
            for (long seed : seeds) {
                SimulatorEvaluation.Fleet fleet = SimulatorEvaluation.Fleet.of(days)
                        .with(scenario.scenarios())
                        .withSeed(seed);
                run(scenario.key().isEmpty() ? "plain" : scenario.key(), fleet, out, list);
            }
        }
    }

    private static void run(String name, SimulatorEvaluation.Fleet fleet, PrintStream out, boolean list) {
        long start = SimulatorEvaluation.START_MILLIS;
        FactorySimulator simulator = FactorySimulator.create(fleet.settings(), fleet.seed(), start);
        EnginePipeline engines = new EnginePipeline(SimulatorEvaluation.flowAnomalyConfig(), HEALTH);
        AlertGroundTruth truth = new AlertGroundTruth(start + WARM_UP_MILLIS);
        long end = start + (long) (fleet.days() * 86_400_000L);
        Map<String, Machine> machines = new HashMap<>();
        List<FalseAlert> falseAlerts = new ArrayList<>();
        SimulatedReading reading = new SimulatedReading();
        while (simulator.nextTimestamp() < end) {
            simulator.next(reading);
            EnginePipeline.Verdict verdict = engines.observe(reading);
            HealthAssessment assessment = engines.lastAssessment();
            long ts = reading.timestamp();
            MachineCondition condition = reading.condition();
            truth.observe(
                    reading.machineId(),
                    ts,
                    AlertGroundTruth.State.of(condition.token()),
                    verdict.raised(),
                    verdict.inAlarm(),
                    verdict.anomalous());
            Machine m = machines.computeIfAbsent(reading.machineId(), id -> {
                Machine fresh = new Machine();
                fresh.lifeStart = ts;
                return fresh;
            });
            if (condition == MachineCondition.MAINTENANCE) {
                m.lifeStart = ts;
            }
            if (condition == MachineCondition.DEGRADING && m.condition != MachineCondition.DEGRADING) {
                for (FalseAlert a : m.awaitingDegradation) {
                    a.untilDegradingSeconds = (ts - a.at) / 1000.0;
                }
                m.awaitingDegradation.clear();
            }
            if (condition == MachineCondition.NORMAL && m.condition == MachineCondition.DEGRADING) {
                m.faultEnded = ts;
            }
            if (condition != MachineCondition.NORMAL) {
                m.awaitingDegradation.clear();
            }
            m.condition = condition;
            if (reading.sensorFault() != SensorFault.NONE) {
                m.lastSensorFault = ts;
            }
            m.rpm[m.rpmCount++ % m.rpm.length] = reading.rpm();
            if (assessment == null) {
                continue;
            }
            for (Alert alert : assessment.alerts()) {
                if (alert.event() == Alert.Event.RECOVERED) {
                    FalseAlert a = m.open.remove(alert.alertId());
                    if (a != null) {
                        a.durationSeconds = (ts - a.at) / 1000.0;
                    }
                }
                if (alert.event() != Alert.Event.RAISED
                        || condition != MachineCondition.NORMAL
                        || ts < start + WARM_UP_MILLIS) {
                    continue;
                }
                FalseAlert a = new FalseAlert();
                a.machine = reading.machineId();
                a.at = ts;
                a.reason = alert.reason();
                a.sinceLifeHours = (ts - m.lifeStart) / 3_600_000.0;
                a.sinceSensorFaultSeconds =
                        m.lastSensorFault == Long.MIN_VALUE ? Double.NaN : (ts - m.lastSensorFault) / 1000.0;
                a.sinceFaultEndedSeconds = m.faultEnded == Long.MIN_VALUE ? Double.NaN : (ts - m.faultEnded) / 1000.0;
                double lo = Double.MAX_VALUE;
                double hi = -Double.MAX_VALUE;
                for (int k = 0; k < Math.min(m.rpmCount, m.rpm.length); k++) {
                    lo = Math.min(lo, m.rpm[k]);
                    hi = Math.max(hi, m.rpm[k]);
                }
                a.rpmSwing = hi - lo;
                a.dayHour = ((ts - start) % 86_400_000L) / 3_600_000.0;
                m.awaitingDegradation.add(a);
                m.open.put(alert.alertId(), a);
                falseAlerts.add(a);
            }
        }
        AlertGroundTruth.Result r = truth.result();
        out.printf(
                Locale.ROOT,
                "%n== %s, seed %d, %.1f days, confirmation %d s: recall %.3f (%d/%d), false %d (%.2f per machine-day), readings FAR %.3f,"
                        + " ended faults %d, back median %.0f s max %.0f s, not back %d; lead median %.0f s%n",
                name,
                fleet.seed(),
                fleet.days(),
                HEALTH.raiseMillis() / 1000,
                r.recall(),
                r.detectedFailures(),
                r.failures(),
                r.falseAlerts(),
                r.falseAlertsPerMachineDay(),
                r.readings().falseAlarmRate(),
                r.endedFaults(),
                r.medianBackToNormalSeconds(),
                r.maxBackToNormalSeconds(),
                r.notBackToNormal(),
                r.medianLeadSeconds());
        Map<String, Integer> byKind = new TreeMap<>();
        Map<String, Integer> byCategory = new TreeMap<>();
        Map<String, Integer> byMachine = new TreeMap<>();
        Map<String, Integer> byAge = new TreeMap<>();
        for (FalseAlert a : falseAlerts) {
            byKind.merge(a.kind(), 1, Integer::sum);
            byCategory.merge(a.category(), 1, Integer::sum);
            byMachine.merge(a.machine, 1, Integer::sum);
            String age = a.sinceLifeHours < 2 ? "life < 2 h" : a.sinceLifeHours < 4 ? "life 2-4 h" : "life >= 4 h";
            byAge.merge(age, 1, Integer::sum);
        }
        out.println("  by reason: " + byKind);
        out.println("  by circumstance: " + byCategory);
        out.println("  by machine age (since start or repair; baseline 1 h): " + byAge);
        out.println("  by machine: " + byMachine);
        if (list) {
            for (FalseAlert a : falseAlerts) {
                out.printf(
                        Locale.ROOT,
                        "  %s t=%5.2f h (day hour %5.2f) life %5.2f h | %-40s | lasted %6.0f s | rpm swing 10 min %6.0f"
                                + " | sensor fault %s s ago | fault ended %s s ago | degrading in %s s | %s%n",
                        a.machine,
                        (a.at - start) / 3_600_000.0,
                        a.dayHour,
                        a.sinceLifeHours,
                        a.reason,
                        a.durationSeconds,
                        a.rpmSwing,
                        fmt(a.sinceSensorFaultSeconds),
                        fmt(a.sinceFaultEndedSeconds),
                        fmt(a.untilDegradingSeconds),
                        a.category());
            }
        }
    }

    private static String fmt(double seconds) {
        return Double.isNaN(seconds) ? "-" : String.format(Locale.ROOT, "%.0f", seconds);
    }
}
