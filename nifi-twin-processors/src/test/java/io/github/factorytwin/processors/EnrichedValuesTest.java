package io.github.factorytwin.processors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnrichedValuesTest {

    @Test
    void theOverlayAnswersTheFiveOutputsAndOtherwiseTheInput() {
        Map<String, Object> input = new LinkedHashMap<>();
        input.put("machine_id", "M001");
        input.put("vibration", 3.2);
        input.put("anomaly_score", 0.1); // an older score in the input is replaced
        EnrichedValues values = new EnrichedValues(input, 0.93, true, "vibration", 3.2, "vibration=3.20 above");
        assertEquals("M001", values.get("machine_id"));
        assertEquals(0.93, values.get("anomaly_score"));
        assertEquals(Boolean.TRUE, values.get("is_anomaly"));
        assertEquals("vibration", values.get("anomaly_feature"));
        assertEquals(3.2, values.get("anomaly_feature_value"));
        assertEquals("vibration=3.20 above", values.get("anomaly_explanation"));
        assertNull(values.get("anomaly_other"));
        assertNull(values.get("rpm"));
        assertTrue(values.containsKey("is_anomaly"));
        assertTrue(values.containsKey("vibration"));
        assertFalse(values.containsKey("rpm"));
        assertEquals(7, values.size());
        assertEquals(
                List.of(
                        "machine_id",
                        "vibration",
                        "anomaly_score",
                        "is_anomaly",
                        "anomaly_feature",
                        "anomaly_feature_value",
                        "anomaly_explanation"),
                List.copyOf(values.keySet()));
        assertEquals(0.93, Map.copyOf(values).get("anomaly_score"));
        assertThrows(UnsupportedOperationException.class, () -> values.put("rpm", 1.0));
    }

    @Test
    void nullOutputsStayNull() {
        EnrichedValues values = new EnrichedValues(Map.of("machine_id", "M1"), null, false, null, null, "warming");
        assertNull(values.get("anomaly_score"));
        assertEquals(Boolean.FALSE, values.get("is_anomaly"));
        assertTrue(values.containsKey("anomaly_score"));
    }

    @Test
    void nonFiniteOutputsBecomeNullSoTheWriterCanWriteThem() {
        EnrichedValues values = new EnrichedValues(
                Map.of("machine_id", "M1"), Double.NaN, true, "vibration", Double.POSITIVE_INFINITY, "text");
        assertNull(values.get("anomaly_score"));
        assertNull(values.get("anomaly_feature_value"));
        assertEquals("vibration", values.get("anomaly_feature"));
    }
}
