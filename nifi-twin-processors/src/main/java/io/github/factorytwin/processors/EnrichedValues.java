package io.github.factorytwin.processors;

import io.github.factorytwin.records.TwinFields;
import java.util.AbstractMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The values of an enriched record without copying the input's: the input record's map (read-only) overlaid with
 * ScoreAnomaly's five output fields. A record writer asks a record for each schema field by name; the five names
 * are answered from fields, every other name from the input map. Iteration (rare: writers with a schema that
 * does not name the fields) builds a merged copy once.
 */
final class EnrichedValues extends AbstractMap<String, Object> {

    private final Map<String, Object> source;
    private final Double score;
    private final Boolean anomalous;
    private final String feature;
    private final Double featureValue;
    private final String explanation;
    private Map<String, Object> merged;

    EnrichedValues(
            Map<String, Object> source,
            Double score,
            boolean anomalous,
            String feature,
            Double featureValue,
            String explanation) {
        this.source = source;
        // A computed value that is not finite would fail the writer: it is written as null instead.
        this.score = RecordSupport.finiteOrNull(score);
        this.anomalous = anomalous;
        this.feature = feature;
        this.featureValue = RecordSupport.finiteOrNull(featureValue);
        this.explanation = explanation;
    }

    /** 0..4 for the five output fields, -1 for any other key. */
    private static int output(Object key) {
        if (!(key instanceof String name) || !name.startsWith("anomaly_") && !name.equals(TwinFields.IS_ANOMALY)) {
            return -1;
        }
        return switch (name) {
            case TwinFields.ANOMALY_SCORE -> 0;
            case TwinFields.IS_ANOMALY -> 1;
            case TwinFields.ANOMALY_FEATURE -> 2;
            case TwinFields.ANOMALY_FEATURE_VALUE -> 3;
            case TwinFields.ANOMALY_EXPLANATION -> 4;
            default -> -1;
        };
    }

    @Override
    public Object get(Object key) {
        return switch (output(key)) {
            case 0 -> score;
            case 1 -> anomalous;
            case 2 -> feature;
            case 3 -> featureValue;
            case 4 -> explanation;
            default -> source.get(key);
        };
    }

    @Override
    public boolean containsKey(Object key) {
        return output(key) >= 0 || source.containsKey(key);
    }

    @Override
    public int size() {
        return merged().size();
    }

    @Override
    public Object put(String key, Object value) {
        throw new UnsupportedOperationException("An enriched record's values are read-only");
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
        return merged().entrySet();
    }

    private Map<String, Object> merged() {
        if (merged == null) {
            Map<String, Object> all = new LinkedHashMap<>(source);
            all.put(TwinFields.ANOMALY_SCORE, score);
            all.put(TwinFields.IS_ANOMALY, anomalous);
            all.put(TwinFields.ANOMALY_FEATURE, feature);
            all.put(TwinFields.ANOMALY_FEATURE_VALUE, featureValue);
            all.put(TwinFields.ANOMALY_EXPLANATION, explanation);
            merged = java.util.Collections.unmodifiableMap(all);
        }
        return merged;
    }
}
