package io.github.factorytwin.it.flows;

import static io.github.factorytwin.it.flows.FlowFiles.all;
import static io.github.factorytwin.it.flows.FlowFiles.parameters;
import static io.github.factorytwin.it.flows.FlowFiles.properties;
import static io.github.factorytwin.it.flows.FlowFiles.substitute;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.nifi.processor.Processor;
import org.apache.nifi.util.MockFlowFile;
import org.apache.nifi.util.TestRunner;
import org.apache.nifi.util.TestRunners;
import org.junit.jupiter.api.Test;

/**
 * Dropout readings (a null sensor) and complete readings in one batch go through ScoreAnomaly and ComputeHealthScore
 * configured as factory-twin.json configures them (its record services, the explicit Reading Schema, avro.schema
 * passed on by the writer): every reading comes out once, in the order it came in, none late, and a FlowFile of only
 * dropouts has the same schema as any other (with inference it had one of its own, which made ConsumeKafka and
 * MergeRecord split batches and reorder machines in a real NiFi).
 */
class DropoutReadingsKeepOrderTest {

    static final long T0 = 1_767_225_600_000L;

    @Test
    void dropoutAndCompleteReadingsKeepTheirOrderThroughScoringAndHealth() throws Exception {
        JsonNode flow = FlowFiles.read(FlowFiles.flowsDir().resolve("factory-twin.json"));
        TestRunner score = runner(flow, "Score Anomaly", Map.of("Warm-up Size", "20", "State Directory", ""));
        TestRunner health = runner(flow, "Compute Health Score", Map.of());

        ArrayNode mixed = FlowFiles.JSON.createArrayNode();
        ArrayNode onlyDropouts = FlowFiles.JSON.createArrayNode();
        List<String> expected = new ArrayList<>();
        int n = 0;
        for (int step = 0; step < 60; step++) {
            for (String machine : List.of("M001", "M002", "M003")) {
                mixed.add(reading(machine, T0 + step * 2_000L, n++ % 4 == 3));
                expected.add(machine + "@" + (T0 + step * 2_000L));
            }
        }
        for (String machine : List.of("M001", "M002", "M003")) {
            onlyDropouts.add(reading(machine, T0 + 60 * 2_000L, true));
            expected.add(machine + "@" + (T0 + 60 * 2_000L));
        }
        score.enqueue(mixed.toString());
        score.enqueue(onlyDropouts.toString());
        score.run(2);
        assertEquals(List.of(), failures(score), "ScoreAnomaly failures");
        List<MockFlowFile> scored = score.getFlowFilesForRelationship("success");
        assertEquals(2, scored.size(), "one output per input FlowFile");
        String schema = scored.get(0).getAttribute("avro.schema");
        assertFalse(schema == null || schema.isBlank(), "the writer passes the schema on as avro.schema");
        assertEquals(schema, scored.get(1).getAttribute("avro.schema"), "a FlowFile of dropouts has the same schema");
        assertEquals(expected, order(scored));

        for (MockFlowFile f : scored) {
            health.enqueue(f.toByteArray(), f.getAttributes());
        }
        health.run(2);
        // a reordered reading would be late here
        assertEquals(List.of(), failures(health), "ComputeHealthScore failures");
        List<MockFlowFile> healthy = health.getFlowFilesForRelationship("success");
        assertEquals(expected, order(healthy));
        int nulls = 0;
        for (JsonNode r : records(healthy)) {
            assertTrue(r.has("health_score") && r.has("anomaly_score"), r.toString());
            nulls += r.path("temperature").isNull() ? 1 : 0;
        }
        assertEquals(3 + 45, nulls, "dropouts keep their null");
    }

    static List<String> failures(TestRunner runner) {
        return runner.getFlowFilesForRelationship("failure").stream()
                .map(f -> f.getAttribute("record.error.message"))
                .toList();
    }

    static ObjectNode reading(String machine, long timestamp, boolean dropout) {
        ObjectNode r = FlowFiles.JSON.createObjectNode();
        r.put("machine_id", machine).put("machine_type", "pump").put("timestamp", timestamp);
        if (dropout) {
            r.putNull("temperature");
        } else {
            r.put("temperature", 60.0 + (timestamp / 1000 % 7) * 0.1);
        }
        r.put("vibration", 0.5 + (timestamp / 1000 % 5) * 0.01).put("rpm", 1500.0);
        r.put("state", "normal").put("failure_mode", "none").put("remaining_useful_life", 100_000L);
        r.put("sensor_fault", dropout ? "dropout" : "none");
        return r;
    }

    static List<JsonNode> records(List<MockFlowFile> flowFiles) throws Exception {
        List<JsonNode> records = new ArrayList<>();
        for (MockFlowFile f : flowFiles) {
            String text = f.getContent().trim();
            if (text.startsWith("[")) {
                FlowFiles.JSON.readTree(text).forEach(records::add);
            } else {
                FlowFiles.JSON
                        .readerFor(JsonNode.class)
                        .<JsonNode>readValues(text)
                        .forEachRemaining(records::add);
            }
        }
        return records;
    }

    static List<String> order(List<MockFlowFile> flowFiles) throws Exception {
        List<String> order = new ArrayList<>();
        for (JsonNode r : records(flowFiles)) {
            order.add(r.path("machine_id").asText() + "@" + r.path("timestamp").asLong());
        }
        return order;
    }

    /** The flow's processor of that name, with the flow's services and values (parameters substituted). */
    static TestRunner runner(JsonNode flow, String name, Map<String, String> overrides) throws Exception {
        Map<String, String> params = parameters(flow);
        JsonNode processor = all(flow, "processors").stream()
                .filter(p -> name.equals(p.path("name").asText()))
                .findFirst()
                .orElseThrow();
        TestRunner runner = TestRunners.newTestRunner(
                Class.forName(processor.path("type").asText()).asSubclass(Processor.class));
        Map<String, JsonNode> services = new HashMap<>();
        all(flow, "controllerServices")
                .forEach(s -> services.put(s.path("identifier").asText(), s));
        Map<String, String> props = new HashMap<>();
        properties(processor).forEach((k, v) -> props.put(k, substitute(v, params)));
        props.putAll(overrides);
        for (Map.Entry<String, String> e : props.entrySet()) {
            if (services.containsKey(e.getValue())) {
                OurProcessorsAcceptTheFlowsTest.addService(runner, services.get(e.getValue()), params);
            }
            if (e.getValue() == null || e.getValue().isEmpty()) {
                runner.removeProperty(e.getKey());
            } else {
                runner.setProperty(e.getKey(), e.getValue());
            }
        }
        runner.assertValid();
        return runner;
    }
}
