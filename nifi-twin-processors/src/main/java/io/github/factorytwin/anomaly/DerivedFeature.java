package io.github.factorytwin.anomaly;

/**
 * Features computed per machine from its own recent readings, added after the configured raw fields. They make a
 * single reading meaningful in context: a value that is normal for the fleet may be a sudden jump for its machine.
 */
public enum DerivedFeature {
    /** {@code <field>.delta}: change since the machine's previous reading of the field (0 for its first reading). */
    DELTA("delta"),
    /**
     * {@code <field>.window_z}: deviation of the reading from the mean of the machine's previous readings in a short
     * rolling window, in units of that window's standard deviation (0 until the window holds two readings; clamped
     * to +/-{@value FeatureSpec#MAX_WINDOW_Z}).
     */
    WINDOW("window_z");

    private final String suffix;

    DerivedFeature(String suffix) {
        this.suffix = suffix;
    }

    /** The suffix of the derived feature's name, after the raw field's name and a dot. */
    public String suffix() {
        return suffix;
    }
}
