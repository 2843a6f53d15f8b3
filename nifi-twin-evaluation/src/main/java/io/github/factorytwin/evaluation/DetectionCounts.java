package io.github.factorytwin.evaluation;

import java.util.Locale;

/**
 * A detector's confusion counts over labelled readings (positive = inside an anomaly or a degradation), and the
 * rates the scorecard always shows together: precision, recall and F1 alone can hide a detector that flags almost
 * everything, the false-alarm rate cannot.
 *
 * <ul>
 *   <li>precision = tp / (tp + fp); recall = tp / (tp + fn); F1 = 2 precision recall / (precision + recall)
 *   <li>false-alarm rate = fp / (fp + tn): the share of normal readings flagged
 *   <li>missed-alarm rate = fn / (fn + tp): the share of abnormal readings not flagged (1 - recall)
 * </ul>
 *
 * A rate whose denominator is 0 is NaN (not measured).
 */
public record DetectionCounts(long tp, long fp, long fn, long tn) {

    public static final DetectionCounts NONE = new DetectionCounts(0, 0, 0, 0);

    public DetectionCounts plus(DetectionCounts o) {
        return new DetectionCounts(tp + o.tp, fp + o.fp, fn + o.fn, tn + o.tn);
    }

    /** Adds one reading: whether it is abnormal (ground truth) and whether the detector flagged it. */
    public DetectionCounts plus(boolean abnormal, boolean flagged) {
        return new DetectionCounts(
                tp + (abnormal && flagged ? 1 : 0),
                fp + (!abnormal && flagged ? 1 : 0),
                fn + (abnormal && !flagged ? 1 : 0),
                tn + (!abnormal && !flagged ? 1 : 0));
    }

    public double precision() {
        return ratio(tp, tp + fp);
    }

    public double recall() {
        return ratio(tp, tp + fn);
    }

    public double f1() {
        double p = precision();
        double r = recall();
        return p + r > 0 ? 2 * p * r / (p + r) : p + r == 0 ? 0 : Double.NaN;
    }

    public double falseAlarmRate() {
        return ratio(fp, fp + tn);
    }

    public double missedAlarmRate() {
        return ratio(fn, fn + tp);
    }

    private static double ratio(long part, long whole) {
        return whole == 0 ? Double.NaN : (double) part / whole;
    }

    /** Records the five rates and the counts under {@code prefix} (e.g. {@code nab.twin.rows.}). */
    public void report(ScorecardReport report, String prefix) {
        report.number(prefix + "precision", precision());
        report.number(prefix + "recall", recall());
        report.number(prefix + "f1", f1());
        report.number(prefix + "false_alarm_rate", falseAlarmRate());
        report.number(prefix + "missed_alarm_rate", missedAlarmRate());
        report.number(prefix + "tp", tp);
        report.number(prefix + "fp", fp);
        report.number(prefix + "fn", fn);
        report.number(prefix + "tn", tn);
    }

    /** The table metric naming the five figures of {@link #rates()}. */
    public static final String RATES = "precision / recall / F1 / false-alarm rate / missed-alarm rate";

    /** The five rates, as the table shows them. */
    public String rates() {
        return String.format(
                Locale.ROOT,
                "%s / %s / %s / %s / %s",
                ScorecardReport.fmt(precision(), 3),
                ScorecardReport.fmt(recall(), 3),
                ScorecardReport.fmt(f1(), 3),
                ScorecardReport.fmt(falseAlarmRate(), 3),
                ScorecardReport.fmt(missedAlarmRate(), 3));
    }
}
