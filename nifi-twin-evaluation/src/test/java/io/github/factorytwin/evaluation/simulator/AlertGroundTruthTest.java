package io.github.factorytwin.evaluation.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.factorytwin.evaluation.DetectionCounts;
import java.util.List;
import org.junit.jupiter.api.Test;

class AlertGroundTruthTest {

    private static final long MIN = 60_000;

    @Test
    void countsTruePositivesFalseAndLateAlertsAndLeadTimes() {
        AlertGroundTruth truth = new AlertGroundTruth(10 * MIN);
        // M1: warm-up alert (ignored), normal, false alert, degrading with two alerts, failure, late alert
        truth.observe("M1", 0, "normal", true, true);
        truth.observe("M1", 10 * MIN, "normal", false, false);
        truth.observe("M1", 20 * MIN, "normal", true, true);
        truth.observe("M1", 30 * MIN, "degrading", false, false);
        truth.observe("M1", 40 * MIN, "degrading", true, true);
        truth.observe("M1", 50 * MIN, "degrading", true, true);
        truth.observe("M1", 70 * MIN, "failed", false, true);
        truth.observe("M1", 80 * MIN, "failed", true, true);
        truth.observe("M1", 90 * MIN, "maintenance", false, false);
        truth.observe("M1", 100 * MIN, "normal", false, false);
        // M2: a missed failure, then a degradation still running at the end (pending alert)
        truth.observe("M2", 10 * MIN, "degrading", false, false);
        truth.observe("M2", 20 * MIN, "failed", false, false);
        truth.observe("M2", 30 * MIN, "maintenance", false, false);
        truth.observe("M2", 40 * MIN, "degrading", true, true);
        truth.observe("M2", 100 * MIN, "degrading", false, true);

        AlertGroundTruth.Result r = truth.result();
        assertEquals(2, r.failures());
        assertEquals(1, r.detectedFailures());
        assertEquals(2, r.truePositiveAlerts());
        assertEquals(1, r.falseAlerts());
        assertEquals(1, r.lateAlerts());
        assertEquals(1, r.pendingAlerts());
        assertEquals(4, r.alerts());
        assertEquals(0.5, r.precision(), 1e-12);
        assertEquals(0.5, r.recall(), 1e-12);
        assertEquals(List.of(30 * 60.0), r.leadSeconds());
        assertEquals(1800.0, r.medianLeadSeconds(), 1e-9);
        double machineDays = (90 + 90) / (24 * 60.0);
        assertEquals(machineDays, r.machineDays(), 1e-12);
        assertEquals(1 / machineDays, r.falseAlertsPerMachineDay(), 1e-9);
        assertEquals(0.5, r.f1(), 1e-12);
        assertEquals(0.5, r.missedFailureRate(), 1e-12);
        // scored normal readings: M1 at 10, 20 (in alarm), 100; degrading: M1 30, 40, 50 (two in alarm), M2 10, 40,
        // 100 (two in alarm); failed and maintenance readings are neither, the warm-up reading at 0 not scored
        assertEquals(new DetectionCounts(4, 1, 2, 2), r.readings());
        assertEquals(1.0 / 3, r.readings().falseAlarmRate(), 1e-12);
        assertEquals(1.0 / 3, r.readings().missedAlarmRate(), 1e-12);
    }

    @Test
    void aFailureDuringWarmUpIsNotCounted() {
        AlertGroundTruth truth = new AlertGroundTruth(10 * MIN);
        truth.observe("M1", 0, "degrading", true, true);
        truth.observe("M1", 5 * MIN, "failed", false, true);
        truth.observe("M1", 20 * MIN, "normal", false, false);
        AlertGroundTruth.Result r = truth.result();
        assertEquals(0, r.failures());
        assertEquals(0, r.alerts());
        assertTrue(Double.isNaN(r.recall()));
        assertTrue(Double.isNaN(r.medianLeadSeconds()));
    }
}
