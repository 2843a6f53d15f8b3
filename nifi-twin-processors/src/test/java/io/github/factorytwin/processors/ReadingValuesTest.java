package io.github.factorytwin.processors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.nifi.serialization.record.MapRecord;
import org.apache.nifi.serialization.record.RecordSchema;
import org.junit.jupiter.api.Test;

class ReadingValuesTest {

    private final RecordSchema schema = GenerateSensorReadings.schema(false);
    private final ReadingValues.Keys keys = new ReadingValues.Keys(schema);

    @Test
    void behavesAsAMapOfTheSchemasFields() {
        Object[] values = {"M001", "pump", 1_000L, 70.5, null, 1500.0};
        ReadingValues map = new ReadingValues(keys, values);
        assertEquals(6, map.size());
        assertEquals("M001", map.get("machine_id"));
        assertEquals(1_000L, map.get(new String("timestamp")), "keys compare by value too");
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

        MapRecord record = new MapRecord(schema, map, false, false);
        assertEquals(70.5, record.getAsDouble("temperature"));
        assertEquals(expected.keySet(), record.getRawFieldNames());
    }

    @Test
    void rejectsValuesThatDoNotMatchTheSchema() {
        assertThrows(IllegalArgumentException.class, () -> new ReadingValues(keys, new Object[5]));
    }
}
