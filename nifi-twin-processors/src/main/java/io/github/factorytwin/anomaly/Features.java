package io.github.factorytwin.anomaly;

import java.util.List;

/**
 * One reading turned into a feature vector.
 *
 * @param values the feature values, in {@link FeatureSpec#names()} order
 * @param imputed names of raw fields whose value was imputed (empty when none)
 */
public record Features(double[] values, List<String> imputed) {

    public boolean isImputed() {
        return !imputed.isEmpty();
    }
}
