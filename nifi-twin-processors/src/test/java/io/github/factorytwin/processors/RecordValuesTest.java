package io.github.factorytwin.processors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.nifi.serialization.SimpleRecordSchema;
import org.apache.nifi.serialization.record.MapRecord;
import org.apache.nifi.serialization.record.Record;
import org.apache.nifi.serialization.record.RecordField;
import org.apache.nifi.serialization.record.RecordFieldType;
import org.apache.nifi.serialization.record.RecordSchema;
import org.junit.jupiter.api.Test;

class RecordValuesTest {

    private final RecordSchema readingSchema = GenerateSensorReadings.schema(false);
    private final RecordValues.Names readingNames = RecordValues.Names.of(readingSchema.getFields());

    @Test
    void namedValuesAloneBehaveAsAMapOfTheSchemasFields() {
        Record record = RecordValues.record(readingSchema, readingNames, "M001", "pump", 1_000L, 70.5, null, 1500.0);
        Map<String, Object> map = record.toMap();
        assertEquals(6, map.size());
        assertEquals("M001", map.get("machine_id"));
        assertEquals(1_000L, map.get(new String("timestamp")), "names compare by value too");
        assertNull(map.get("vibration"));
        assertTrue(map.containsKey("vibration"), "a null sensor is present");
        assertFalse(map.containsKey("state"));
        assertNull(map.get("state"));
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("machine_id", "M001");
        expected.put("machine_type", "pump");
        expected.put("timestamp", 1_000L);
        expected.put("temperature", 70.5);
        expected.put("vibration", null);
        expected.put("rpm", 1500.0);
        assertEquals(expected, map);
        assertEquals(expected.keySet(), map.keySet());
        assertEquals(70.5, record.getAsDouble("temperature"));
        assertEquals(expected.keySet(), record.getRawFieldNames());
    }

    @Test
    void valuesThatDoNotMatchTheNamesAreRefused() {
        assertThrows(
                IllegalArgumentException.class, () -> RecordValues.record(readingSchema, readingNames, new Object[5]));
    }

    @Test
    void anOverlayAnswersItsNamesAndOtherwiseTheInput() {
        Map<String, Object> inputValues = new LinkedHashMap<>();
        inputValues.put("machine_id", "M001");
        inputValues.put("vibration", 3.2);
        inputValues.put("anomaly_score", 0.1); // an older score in the input is replaced
        Record input = new MapRecord(schema("machine_id", "vibration", "anomaly_score"), inputValues);
        RecordSchema outputSchema = RecordSupport.withFields(input.getSchema(), ScoreAnomaly.OUTPUT_FIELDS);
        Record output = RecordValues.overlay(
                outputSchema,
                input,
                RecordValues.Names.of(ScoreAnomaly.OUTPUT_FIELDS),
                0.93,
                true,
                "vibration",
                3.2,
                "vibration=3.20 above");

        Map<String, Object> values = output.toMap();
        assertEquals("M001", values.get("machine_id"));
        assertEquals(0.93, values.get("anomaly_score"));
        assertEquals(0.93, output.getAsDouble("anomaly_score"));
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
        assertEquals(0.1, input.getAsDouble("anomaly_score"), "the input is not changed");
        assertThrows(UnsupportedOperationException.class, () -> values.put("rpm", 1.0));
    }

    @Test
    void nullValuesOfAnOverlayArePresentAndNull() {
        Record input = new MapRecord(schema("machine_id"), Map.of("machine_id", "M1"));
        Record output = RecordValues.overlay(
                input.getSchema(),
                input,
                RecordValues.Names.of(ScoreAnomaly.OUTPUT_FIELDS),
                null,
                false,
                null,
                null,
                "warming");
        assertNull(output.toMap().get("anomaly_score"));
        assertTrue(output.toMap().containsKey("anomaly_score"));
        assertEquals(Boolean.FALSE, output.toMap().get("is_anomaly"));
    }

    private static RecordSchema schema(String... names) {
        return new SimpleRecordSchema(java.util.Arrays.stream(names)
                .map(name -> new RecordField(name, RecordFieldType.STRING.getDataType(), true))
                .toList());
    }
}
