package io.github.factorytwin.evaluation.simulator;

import io.github.factorytwin.evaluation.DetectionCounts;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Scores alerts against the simulator's ground truth, reading by reading.
 *
 * <p>Rules (stated in the scorecard):
 *
 * <ul>
 *   <li>A <b>failure</b> is a machine's transition into state {@code failed}; its <b>warning window</b>
 *       is the degradation that leads to it: from the first {@code degrading} reading of that life up to
 *       the failure.
 *   <li>Only {@code RAISED} alert events count as alerts (escalations and recoveries belong to an
 *       incident already counted).
 *   <li>An alert raised inside a failure's warning window is a <b>true positive</b> for that failure; a
 *       failure is <b>detected</b> when it has at least one; its <b>lead time</b> is the failure time minus
 *       its first such alert.
 *   <li>An alert raised while the machine is {@code normal} is a <b>false alert</b>. An alert raised while
 *       it is {@code failed} or under {@code maintenance} is <b>late</b>: not a warning, so not a true
 *       positive, but not false either.
 *   <li>precision = true-positive alerts / (true-positive + false + late alerts); recall = detected
 *       failures / failures; false alerts per machine-day over the evaluated time.
 *   <li>Readings: a reading is <b>in alarm</b> when the machine's health status after it is not HEALTHY (an
 *       incident is open). Over the scored {@code normal} (negative) and {@code degrading} (positive) readings
 *       ({@code failed} and {@code maintenance} ones are neither) this gives reading-level counts: the false-alarm
 *       rate is the share of normal readings in alarm, the missed-alarm rate the share of degrading ones not.
 *   <li>A <b>fault that ends</b> (scenario: a degradation that goes back to {@code normal} without a failure or
 *       maintenance reading) counts apart from the failures: alerts raised during it are true positives (a real
 *       fault was warned), it is <b>warned</b> when it has at least one, and its <b>time back to normal</b> is the
 *       time from its first normal reading to the first reading after it that is not in alarm (a machine still in
 *       alarm when the run ends, or when its next degradation begins, is counted as not back).
 *   <li>The anomaly verdicts alone ({@code is_anomaly}) give reading-level counts over the same readings.
 *   <li>Readings before {@code evaluateFrom} (the detectors' warm-up) are fed to the detectors but not
 *       scored: no alert, failure or machine time before it counts. A degradation still under way when
 *       the run ends has no failure yet: its alerts are reported as pending and left out.
 * </ul>
 */
public final class AlertGroundTruth {

    /** The ground-truth states the simulator writes. */
    public enum State {
        NORMAL,
        DEGRADING,
        FAILED,
        MAINTENANCE;

        public static State of(String text) {
            return switch (text == null ? "" : text) {
                case "normal" -> NORMAL;
                case "degrading" -> DEGRADING;
                case "failed" -> FAILED;
                case "maintenance" -> MAINTENANCE;
                default -> throw new IllegalArgumentException("unknown state: " + text);
            };
        }
    }

    /** The figures. */
    public record Result(
            int failures,
            int detectedFailures,
            int alerts,
            int truePositiveAlerts,
            int falseAlerts,
            int lateAlerts,
            int pendingAlerts,
            double machineDays,
            double precision,
            double recall,
            double falseAlertsPerMachineDay,
            double medianLeadSeconds,
            List<Double> leadSeconds,
            DetectionCounts readings,
            DetectionCounts anomalyReadings,
            int endedFaults,
            int warnedEndedFaults,
            List<Double> backToNormalSeconds,
            int notBackToNormal) {

        /** Median time back to normal after a fault ended, over the faults that got back; NaN when none did. */
        public double medianBackToNormalSeconds() {
            return median(backToNormalSeconds);
        }

        /** Longest time back to normal after a fault ended; NaN when none got back. */
        public double maxBackToNormalSeconds() {
            return backToNormalSeconds.isEmpty() ? Double.NaN : backToNormalSeconds.get(backToNormalSeconds.size() - 1);
        }

        /** F1 of alert precision and failure recall. */
        public double f1() {
            return precision + recall > 0 ? 2 * precision * recall / (precision + recall) : Double.NaN;
        }

        /** Failures without a warning, as a share of all failures (1 - recall). */
        public double missedFailureRate() {
            return failures == 0 ? Double.NaN : (double) (failures - detectedFailures) / failures;
        }
    }

    private static final class Machine {
        State state;
        long firstMillis = Long.MIN_VALUE;
        long lastMillis = Long.MIN_VALUE;
        /** Timestamps of alerts raised in the current degradation, not yet resolved by a failure. */
        final List<Long> pending = new ArrayList<>();
        /** When the last fault that ended did, while the machine has not been out of alarm since; else MIN_VALUE. */
        long endedAt = Long.MIN_VALUE;
    }

    private final long evaluateFrom;
    private final Map<String, Machine> machines = new HashMap<>();
    private int failures;
    private int detected;
    private int truePositives;
    private int falseAlerts;
    private int lateAlerts;
    private final List<Double> leads = new ArrayList<>();
    private DetectionCounts readings = DetectionCounts.NONE;
    private DetectionCounts anomalyReadings = DetectionCounts.NONE;
    private int endedFaults;
    private int warnedEndedFaults;
    private int notBack;
    private final List<Double> backToNormal = new ArrayList<>();

    /** @param evaluateFrom epoch millis from which readings, alerts and failures are scored */
    public AlertGroundTruth(long evaluateFrom) {
        this.evaluateFrom = evaluateFrom;
    }

    /**
     * One reading in time order per machine: its ground-truth state, whether the detectors raised a new alert on
     * it, and whether the machine is in alarm after it.
     */
    public void observe(String machineId, long timestamp, String state, boolean alertRaised, boolean inAlarm) {
        observe(machineId, timestamp, State.of(state), alertRaised, inAlarm);
    }

    public void observe(String machineId, long timestamp, State state, boolean alertRaised, boolean inAlarm) {
        observe(machineId, timestamp, state, alertRaised, inAlarm, inAlarm);
    }

    /** The same, with the anomaly engine's own verdict on the reading ({@code is_anomaly}). */
    public void observe(
            String machineId, long timestamp, State state, boolean alertRaised, boolean inAlarm, boolean anomalous) {
        Machine m = machines.computeIfAbsent(machineId, id -> new Machine());
        boolean scored = timestamp >= evaluateFrom;
        if (scored) {
            if (m.firstMillis == Long.MIN_VALUE) {
                m.firstMillis = timestamp;
            }
            m.lastMillis = timestamp;
        }
        State previous = m.state;
        m.state = state;
        if (state == State.FAILED && previous != State.FAILED) {
            if (scored && previous != null) {
                failures++;
                if (!m.pending.isEmpty()) {
                    detected++;
                    truePositives += m.pending.size();
                    leads.add((timestamp - m.pending.get(0)) / 1000.0);
                }
            }
            m.pending.clear();
        } else if (state == State.NORMAL && previous == State.DEGRADING) {
            // a fault that ended without a failure or a maintenance record
            if (scored) {
                endedFaults++;
                if (!m.pending.isEmpty()) {
                    warnedEndedFaults++;
                    truePositives += m.pending.size();
                }
                m.endedAt = timestamp;
            }
            m.pending.clear();
        } else if (state == State.MAINTENANCE) {
            m.pending.clear();
        }
        if (m.endedAt != Long.MIN_VALUE) {
            if (state == State.NORMAL && !inAlarm) {
                backToNormal.add((timestamp - m.endedAt) / 1000.0);
                m.endedAt = Long.MIN_VALUE;
            } else if (state != State.NORMAL) {
                notBack++; // the next degradation (or a maintenance) began while still in alarm
                m.endedAt = Long.MIN_VALUE;
            }
        }
        if (scored && (state == State.NORMAL || state == State.DEGRADING)) {
            readings = readings.plus(state == State.DEGRADING, inAlarm);
            anomalyReadings = anomalyReadings.plus(state == State.DEGRADING, anomalous);
        }
        if (!alertRaised || !scored) {
            return;
        }
        switch (state) {
            case DEGRADING -> m.pending.add(timestamp);
            case NORMAL -> falseAlerts++;
            case FAILED, MAINTENANCE -> lateAlerts++;
        }
    }

    public Result result() {
        int pending = machines.values().stream().mapToInt(m -> m.pending.size()).sum();
        double machineDays = machines.values().stream()
                        .filter(m -> m.firstMillis != Long.MIN_VALUE)
                        .mapToLong(m -> m.lastMillis - m.firstMillis)
                        .sum()
                / 86_400_000.0;
        int alerts = truePositives + falseAlerts + lateAlerts;
        List<Double> sorted = new ArrayList<>(leads);
        Collections.sort(sorted);
        double median = median(sorted);
        List<Double> back = new ArrayList<>(backToNormal);
        Collections.sort(back);
        int stillInAlarm = (int) machines.values().stream()
                .filter(m -> m.endedAt != Long.MIN_VALUE)
                .count();
        return new Result(
                failures,
                detected,
                alerts,
                truePositives,
                falseAlerts,
                lateAlerts,
                pending,
                machineDays,
                alerts == 0 ? Double.NaN : (double) truePositives / alerts,
                failures == 0 ? Double.NaN : (double) detected / failures,
                machineDays == 0 ? Double.NaN : falseAlerts / machineDays,
                median,
                List.copyOf(sorted),
                readings,
                anomalyReadings,
                endedFaults,
                warnedEndedFaults,
                List.copyOf(back),
                notBack + stillInAlarm);
    }

    private static double median(List<Double> sorted) {
        return sorted.isEmpty()
                ? Double.NaN
                : sorted.size() % 2 == 1
                        ? sorted.get(sorted.size() / 2)
                        : (sorted.get(sorted.size() / 2 - 1) + sorted.get(sorted.size() / 2)) / 2;
    }
}
