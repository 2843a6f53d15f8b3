package io.github.factorytwin.anomaly;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Which features a model sees, in which order: the raw fields first, then for each derived feature (in
 * {@link DerivedFeature} order) one value per raw field. A model file records the names, so a model can only be
 * used with the same specification it was trained with.
 *
 * @param fields the record fields read as raw features, in order; at least one, no duplicates
 * @param derived the derived features added per machine
 * @param windowSize readings in the rolling window of {@link DerivedFeature#WINDOW} (2..10,000)
 */
public record FeatureSpec(List<String> fields, Set<DerivedFeature> derived, int windowSize) {

    /** Window of {@link DerivedFeature#WINDOW} unless configured otherwise: the machine's last 10 readings. */
    public static final int DEFAULT_WINDOW_SIZE = 10;
    /** Bound of a window z-score, so a flat window (standard deviation 0) gives a large but finite value. */
    public static final double MAX_WINDOW_Z = 1000.0;

    public FeatureSpec {
        if (fields == null || fields.isEmpty()) {
            throw new IllegalArgumentException("At least one feature field is required");
        }
        if (new LinkedHashSet<>(fields).size() != fields.size()) {
            throw new IllegalArgumentException("Feature fields must not repeat: " + fields);
        }
        for (String field : fields) {
            if (field == null || field.isBlank()) {
                throw new IllegalArgumentException("Feature field names must not be blank: " + fields);
            }
        }
        if (windowSize < 2 || windowSize > 10_000) {
            throw new IllegalArgumentException("Window size must be 2..10000, not " + windowSize);
        }
        fields = List.copyOf(fields);
        // An EnumSet iterates in the enum's order: the order of the derived features in the vector.
        derived = Collections.unmodifiableSet(
                derived == null || derived.isEmpty() ? EnumSet.noneOf(DerivedFeature.class) : EnumSet.copyOf(derived));
    }

    public FeatureSpec(List<String> fields, Set<DerivedFeature> derived) {
        this(fields, derived, DEFAULT_WINDOW_SIZE);
    }

    /** Number of raw fields. */
    public int rawCount() {
        return fields.size();
    }

    /** Length of the feature vector. */
    public int dimension() {
        return fields.size() * (1 + derived.size());
    }

    /** The feature names, e.g. {@code temperature, vibration, rpm, temperature.delta, ...}. */
    public List<String> names() {
        List<String> names = new ArrayList<>(fields);
        for (DerivedFeature feature : derived) {
            for (String field : fields) {
                names.add(field + "." + feature.suffix());
            }
        }
        return List.copyOf(names);
    }

    /** Parses a comma-separated list of field names (blanks around names are ignored). */
    public static List<String> parseFields(String text) {
        List<String> fields = new ArrayList<>();
        if (text != null) {
            for (String part : text.split(",")) {
                String name = part.trim();
                if (!name.isEmpty()) {
                    fields.add(name);
                }
            }
        }
        return fields;
    }
}
