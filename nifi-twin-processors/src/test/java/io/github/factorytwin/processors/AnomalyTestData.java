package io.github.factorytwin.processors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.nifi.processor.Processor;
import org.apache.nifi.util.MockFlowFile;
import org.apache.nifi.util.TestRunner;

/** Readings as JSON and runners with the real JSON record services, for the anomaly processor tests. */
final class AnomalyTestData {

    static final ObjectMapper JSON = new ObjectMapper();

    private final Random random;
    private final ArrayNode records = JSON.createArrayNode();

    AnomalyTestData(long seed) {
        random = new Random(seed);
    }

    static TestRunner runner(Processor processor, boolean writer) throws Exception {
        return JsonTestRunners.runner(processor, writer);
    }

    /** A normal reading: temperature ~ N(75, 2), rpm ~ U(1500, 4500), vibration 0.2 + 0.25 * rpm/1000 +- 0.05. */
    AnomalyTestData normal(String machine, int count) {
        for (int i = 0; i < count; i++) {
            double rpm = 1500 + 3000 * random.nextDouble();
            add(machine, 75 + 2 * random.nextGaussian(), vibrationAt(rpm) + 0.05 * random.nextGaussian(), rpm);
        }
        return this;
    }

    static double vibrationAt(double rpm) {
        return 0.2 + 0.25 * rpm / 1000;
    }

    AnomalyTestData add(String machine, double temperature, double vibration, double rpm) {
        ObjectNode record = records.addObject();
        record.put("machine_id", machine);
        record.put("machine_type", machine.startsWith("P") ? "press" : "lathe");
        record.put("timestamp", 1_700_000_000_000L + records.size() * 2000L);
        record.put("temperature", temperature);
        record.put("vibration", vibration);
        record.put("rpm", rpm);
        return this;
    }

    /** Adds a raw JSON object (for malformed or incomplete readings). */
    AnomalyTestData addRaw(String json) throws Exception {
        records.add(JSON.readTree(json));
        return this;
    }

    /** Records [from, to) in order. */
    List<JsonNode> records(int from, int to) {
        List<JsonNode> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            out.add(records.get(i));
        }
        return out;
    }

    String json() {
        return records.toString();
    }

    int size() {
        return records.size();
    }

    static List<JsonNode> read(MockFlowFile flowFile) throws Exception {
        List<JsonNode> list = new ArrayList<>();
        JSON.readTree(flowFile.getContent()).forEach(list::add);
        return list;
    }

    static List<JsonNode> all(TestRunner runner, org.apache.nifi.processor.Relationship relationship) throws Exception {
        List<JsonNode> list = new ArrayList<>();
        for (MockFlowFile flowFile : runner.getFlowFilesForRelationship(relationship)) {
            list.addAll(read(flowFile));
        }
        return list;
    }
}
