package io.github.factorytwin.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DetectionCountsTest {

    @Test
    void ratesFromTheConfusionCounts() {
        DetectionCounts c = new DetectionCounts(30, 10, 20, 140);
        assertEquals(0.75, c.precision(), 1e-12);
        assertEquals(0.6, c.recall(), 1e-12);
        assertEquals(2 * 0.75 * 0.6 / 1.35, c.f1(), 1e-12);
        assertEquals(10.0 / 150, c.falseAlarmRate(), 1e-12);
        assertEquals(0.4, c.missedAlarmRate(), 1e-12);
        assertEquals("0.750 / 0.600 / 0.667 / 0.067 / 0.400", c.rates());
    }

    @Test
    void readingsAddUp() {
        DetectionCounts c = DetectionCounts.NONE
                .plus(true, true)
                .plus(true, false)
                .plus(false, true)
                .plus(false, false)
                .plus(false, false);
        assertEquals(new DetectionCounts(1, 1, 1, 2), c);
        assertEquals(new DetectionCounts(2, 2, 2, 4), c.plus(c));
    }

    @Test
    void aDetectorThatFlagsNothingHasNoPrecisionAndMissesEverything() {
        DetectionCounts c = new DetectionCounts(0, 0, 5, 95);
        assertTrue(Double.isNaN(c.precision()));
        assertEquals(0.0, c.recall(), 1e-12);
        assertTrue(Double.isNaN(c.f1()));
        assertEquals(0.0, c.falseAlarmRate(), 1e-12);
        assertEquals(1.0, c.missedAlarmRate(), 1e-12);
        assertEquals("n/a / 0.000 / n/a / 0.000 / 1.000", c.rates());
    }

    @Test
    void theRatesGoToTheReportUnderOnePrefix() {
        ScorecardReport report = new ScorecardReport();
        new DetectionCounts(1, 0, 1, 2).report(report, "x.rows.");
        assertEquals(1.0, report.values().get("x.rows.precision"));
        assertEquals(0.5, report.values().get("x.rows.missed_alarm_rate"));
        assertEquals(0.0, report.values().get("x.rows.false_alarm_rate"));
        assertEquals(2.0, report.values().get("x.rows.tn"));
    }
}
