package io.github.factorytwin.anomaly;

/** What to do when a configured feature field is missing, null, not finite (NaN, Infinity) or blank. */
public enum MissingValueStrategy {
    /**
     * Use the machine's last valid value of the field and say so in the explanation. When the machine has no valid
     * value of the field yet, the reading is rejected. Imputed readings are scored but never used for training, and
     * they do not move the machine's derived-feature state (its DELTA is 0 for that field).
     */
    IMPUTE_LAST,
    /** Reject the reading (the processor routes it to failure with the field's name in the reason). */
    FAIL
}
