package io.github.factorytwin.health;

import java.util.List;
import java.util.Locale;

/**
 * What the {@link HealthEngine} says about one {@link ScoredReading}.
 *
 * @param late the reading was older than its machine's newest by more than the late tolerance: it changed nothing
 *     and carries no health (only {@link HealthEngine#update}, the replay step, returns such an assessment; {@link
 *     HealthEngine.Batch#process} throws {@link LateReadingException} instead)
 * @param health the health score 0..100
 * @param status the machine's status after this reading (hysteresis and dwell time applied)
 * @param timeToMaintenance seconds until the health reaches the critical threshold; null when unknown
 * @param alerts the alert events this reading caused (RAISED, ESCALATED, RECOVERED), usually none
 * @param reason what drove the health (its text is built only when asked)
 */
public record HealthAssessment(
        boolean late, double health, HealthStatus status, Long timeToMaintenance, List<Alert> alerts, Reason reason) {

    static final String ANOMALY_REASON = "anomaly_score";
    static final String MAINTENANCE_REASON = "maintenance";

    static HealthAssessment lateReading() {
        return new HealthAssessment(true, Double.NaN, null, null, List.of(), Reason.NONE);
    }

    /**
     * What drove the health: a maintenance, the anomaly score (its penalty and smoothed value) or the most drifted
     * sensor (its drift penalty, name and drift in baseline standard deviations).
     */
    public record Reason(
            boolean maintenance, double anomalyPenalty, double anomaly, double driftPenalty, String sensor, double z) {

        static final Reason NONE = new Reason(false, 0, Double.NaN, 0, null, 0);
        static final Reason MAINTENANCE = new Reason(true, 0, Double.NaN, 0, null, 0);

        /** One line for an operator, e.g. {@code "vibration: 4.2 sigma above baseline"}. */
        public String text() {
            if (maintenance) {
                return MAINTENANCE_REASON;
            }
            if (anomalyPenalty >= driftPenalty) {
                return anomalyPenalty > 0
                        ? String.format(Locale.ROOT, "%s: smoothed %.2f", ANOMALY_REASON, anomaly)
                        : "none";
            }
            return String.format(
                    Locale.ROOT, "%s: %.1f sigma %s baseline", sensor, Math.abs(z), z > 0 ? "above" : "below");
        }
    }
}
