package io.github.factorytwin.setup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

class IndexTemplatesTest {

    static final List<String> INDICES = ElasticsearchTemplates.INDICES;

    /** The contract's reading fields and the types dashboards aggregate and filter on. */
    private static final Map<String, String> READING_FIELDS = Map.ofEntries(
            Map.entry("machine_id", "keyword"),
            Map.entry("machine_type", "keyword"),
            Map.entry("timestamp", "date"),
            Map.entry("temperature", "double"),
            Map.entry("vibration", "double"),
            Map.entry("rpm", "double"),
            Map.entry("state", "keyword"),
            Map.entry("failure_mode", "keyword"),
            Map.entry("remaining_useful_life", "long"),
            Map.entry("sensor_fault", "keyword"),
            Map.entry("anomaly_score", "double"),
            Map.entry("is_anomaly", "boolean"),
            Map.entry("anomaly_feature", "keyword"),
            Map.entry("anomaly_feature_value", "double"),
            Map.entry("anomaly_explanation", "text"),
            Map.entry("health_score", "double"),
            Map.entry("health_status", "keyword"),
            Map.entry("estimated_time_to_maintenance", "long"));

    private static final Map<String, String> ALERT_FIELDS = Map.of(
            "alert_id", "keyword",
            "machine_id", "keyword",
            "timestamp", "date",
            "severity", "keyword",
            "alert_event", "keyword",
            "reason", "text",
            "health_score", "double",
            "estimated_time_to_maintenance", "long");

    private final ObjectMapper json = new ObjectMapper();

    @ParameterizedTest
    @FieldSource("INDICES")
    void templateIsAComposableTemplateForItsIndex(String index) throws Exception {
        JsonNode body = json.readTree(ElasticsearchTemplates.templateJson(index));
        List<String> patterns = new ArrayList<>();
        body.path("index_patterns").forEach(p -> patterns.add(p.asText()));
        assertTrue(patterns.contains(index), index + " patterns " + patterns);
        assertTrue(body.path("priority").asInt() > 200, "priority must beat Elasticsearch's built-in templates");
        JsonNode mappings = body.path("template").path("mappings");
        assertTrue(mappings.path("properties").isObject(), "explicit mappings for " + index);
        assertEquals("false", mappings.path("dynamic").asText(), "unknown fields must not grow the mapping");
        JsonNode timestamp = mappings.path("properties").path("timestamp");
        assertEquals("date", timestamp.path("type").asText());
        assertEquals(
                "epoch_millis||strict_date_optional_time",
                timestamp.path("format").asText());
        Set<String> allowed = Set.of("keyword", "date", "double", "float", "long", "boolean", "text");
        mappings.path("properties")
                .properties()
                .forEach(e -> assertTrue(
                        allowed.contains(e.getValue().path("type").asText()),
                        index + "." + e.getKey() + " has no known type"));
    }

    @Test
    void readingsAndAnomaliesMapEveryReadingField() {
        for (String index : List.of(ElasticsearchTemplates.READINGS, ElasticsearchTemplates.ANOMALIES)) {
            Map<String, String> mapped = ElasticsearchTemplates.mappedFields(index);
            READING_FIELDS.forEach(
                    (field, type) -> assertEquals(type, mapped.get(field), index + "." + field + " mapped as"));
        }
    }

    @Test
    void alertsMapEveryAlertField() {
        Map<String, String> mapped = ElasticsearchTemplates.mappedFields(ElasticsearchTemplates.ALERTS);
        ALERT_FIELDS.forEach((field, type) -> assertEquals(type, mapped.get(field), "twin-alerts." + field));
    }

    /** The current alerts are the same events: same mappings, and a template that wins over twin-alerts-*. */
    @Test
    void currentAlertsMapLikeAlertsAndTheirTemplateWins() throws Exception {
        JsonNode alerts = json.readTree(ElasticsearchTemplates.templateJson(ElasticsearchTemplates.ALERTS));
        JsonNode current = json.readTree(ElasticsearchTemplates.templateJson(ElasticsearchTemplates.CURRENT_ALERTS));
        assertEquals(alerts.path("template"), current.path("template"));
        assertTrue(
                ElasticsearchTemplates.CURRENT_ALERTS.startsWith(ElasticsearchTemplates.ALERTS + "-"),
                "matched by twin-alerts-*");
        assertTrue(current.path("priority").asInt() > alerts.path("priority").asInt());
    }

    @Test
    void unknownIndexHasNoTemplate() {
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> ElasticsearchTemplates.templateJson("nope"));
        assertTrue(e.getMessage().contains("nope"), e.getMessage());
    }
}
