package io.github.factorytwin.it.flows;

import static io.github.factorytwin.it.flows.FlowFiles.all;
import static io.github.factorytwin.it.flows.FlowFiles.parameters;
import static io.github.factorytwin.it.flows.FlowFiles.properties;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.factorytwin.processors.GenerateSensorReadings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What keeps a machine's readings in order and the training bins whole in a real NiFi (issue 12): FIFO connections,
 * one explicit reading schema for every reader of readings (an inferred schema gave a null sensor a schema of its
 * own, which split ConsumeKafka's polls and MergeRecord's bins), no concurrency that can reorder a machine.
 */
class OrderAndSchemaTest {

    static final String FIFO = "org.apache.nifi.prioritizer.FirstInFirstOutPrioritizer";
    static final String JSON_READER = "org.apache.nifi.json.JsonTreeReader";
    static final String PUBLISH = "org.apache.nifi.kafka.processors.PublishKafka";
    static final String CONSUME = "org.apache.nifi.kafka.processors.ConsumeKafka";
    static final String MERGE = "org.apache.nifi.processors.standard.MergeRecord";
    static final String PUT_ES = "org.apache.nifi.processors.elasticsearch.PutElasticsearchRecord";
    static final String SCORE = "io.github.factorytwin.processors.ScoreAnomaly";
    static final String HEALTH = "io.github.factorytwin.processors.ComputeHealthScore";
    static final String TRAIN = "io.github.factorytwin.processors.TrainAnomalyModel";

    /** Record readers by property name of each processor type. */
    static final Map<String, String> READER_PROPERTY = Map.of(
            PUBLISH,
            "Record Reader",
            CONSUME,
            "Record Reader",
            MERGE,
            "record-reader",
            PUT_ES,
            "put-es-record-reader",
            SCORE,
            "Record Reader",
            HEALTH,
            "Record Reader",
            TRAIN,
            "Record Reader",
            "org.apache.nifi.processors.mongodb.PutMongoRecord",
            "record-reader");

    static List<Path> flows() {
        return FlowFiles.flows();
    }

    @ParameterizedTest
    @MethodSource("flows")
    void everyConnectionIsFirstInFirstOut(Path file) {
        List<String> unordered = new ArrayList<>();
        for (JsonNode c : all(FlowFiles.read(file), "connections")) {
            List<String> prioritizers = new ArrayList<>();
            c.path("prioritizers").forEach(p -> prioritizers.add(p.asText()));
            if (!prioritizers.equals(List.of(FIFO))) {
                unordered.add(c.path("source").path("name").asText() + " -> "
                        + c.path("destination").path("name").asText() + " " + prioritizers);
            }
        }
        assertTrue(unordered.isEmpty(), file.getFileName() + ": connections without FIFO " + unordered);
    }

    /** The processors that read raw readings: they must all read them with the one explicit schema. */
    static boolean readsReadings(JsonNode processor) {
        String type = processor.path("type").asText();
        Map<String, String> props = properties(processor);
        return switch (type) {
            case SCORE, MERGE, TRAIN -> true;
            case CONSUME -> "#{Sensor Topic}".equals(props.get("Topics"));
            case PUBLISH -> "#{Sensor Topic}".equals(props.get("Topic Name"));
            default -> false;
        };
    }

    static boolean isDeadLetterPublisher(JsonNode processor) {
        return PUBLISH.equals(processor.path("type").asText())
                && "#{Dead Letter Topic}".equals(properties(processor).get("Topic Name"));
    }

    @ParameterizedTest
    @MethodSource("flows")
    void everyReaderOfReadingsUsesTheExplicitReadingSchema(Path file) {
        JsonNode flow = FlowFiles.read(file);
        Map<String, JsonNode> services = services(flow);
        List<String> problems = new ArrayList<>();
        int readers = 0;
        for (JsonNode p : all(flow, "processors")) {
            if (!readsReadings(p)) {
                continue;
            }
            readers++;
            JsonNode reader = services.get(
                    properties(p).get(READER_PROPERTY.get(p.path("type").asText())));
            Map<String, String> props = reader == null ? Map.of() : properties(reader);
            if (reader == null
                    || !JSON_READER.equals(reader.path("type").asText())
                    || !"schema-text-property".equals(props.get("schema-access-strategy"))
                    || !"#{Reading Schema}".equals(props.get("schema-text"))) {
                problems.add(p.path("name").asText() + " reads readings with " + props);
            }
        }
        assertTrue(problems.isEmpty(), file.getFileName() + ": " + problems);
        if (!file.getFileName().toString().startsWith("mongodb")) {
            assertTrue(readers > 0, file.getFileName() + " reads readings");
        }
    }

    /**
     * Outside the MongoDB sink (order irrelevant, three topics of three schemas), no reader infers: an inferred schema
     * depends on the values, so the same records could be split or binned differently. Dead letters may infer.
     */
    @ParameterizedTest
    @MethodSource("flows")
    void onlyDeadLettersAndTheMongoSinkInferSchemas(Path file) {
        JsonNode flow = FlowFiles.read(file);
        Map<String, JsonNode> services = services(flow);
        boolean mongo = file.getFileName().toString().startsWith("mongodb");
        List<String> problems = new ArrayList<>();
        for (JsonNode p : all(flow, "processors")) {
            String readerProperty = READER_PROPERTY.get(p.path("type").asText());
            JsonNode reader =
                    readerProperty == null ? null : services.get(properties(p).get(readerProperty));
            if (reader == null) {
                continue;
            }
            String strategy = properties(reader).get("schema-access-strategy");
            if ("schema-text-property".equals(strategy)) {
                continue;
            }
            if (!(isDeadLetterPublisher(p) || mongo)) {
                problems.add(p.path("name").asText() + " reads with strategy " + strategy);
            }
        }
        assertTrue(problems.isEmpty(), file.getFileName() + ": " + problems);
    }

    /** Writers pass the record's schema on (avro.schema), so the next reader reads exactly what was written. */
    @ParameterizedTest
    @MethodSource("flows")
    void writersInheritTheRecordSchemaAndWriteItAsAttribute(Path file) {
        for (JsonNode s : all(FlowFiles.read(file), "controllerServices")) {
            if (s.path("type").asText().equals("org.apache.nifi.json.JsonRecordSetWriter")) {
                Map<String, String> props = properties(s);
                assertEquals(
                        "inherit-record-schema",
                        props.get("schema-access-strategy"),
                        s.path("name").asText());
                assertEquals(
                        "full-schema-attribute",
                        props.get("Schema Write Strategy"),
                        s.path("name").asText());
            }
            if (s.path("type").asText().equals(JSON_READER)
                    && "schema-text-property".equals(properties(s).get("schema-access-strategy"))) {
                String text = properties(s).get("schema-text");
                assertTrue(
                        "#{Reading Schema}".equals(text) || "${avro.schema}".equals(text),
                        s.path("name").asText() + ": " + text);
            }
        }
    }

    /** The schema covers what the generator writes, and a null in any field is still the same schema. */
    @Test
    void theReadingSchemaCoversTheGeneratorsReadingsWithEveryFieldNullable() throws Exception {
        for (Path file : flows()) {
            String text = parameters(FlowFiles.read(file)).get("Reading Schema");
            JsonNode schema = FlowFiles.JSON.readTree(text);
            Set<String> fields = new TreeSet<>();
            for (JsonNode f : schema.path("fields")) {
                fields.add(f.path("name").asText());
                List<String> types = new ArrayList<>();
                f.path("type").forEach(t -> types.add(t.asText()));
                assertTrue(types.contains("null"), file.getFileName() + ": " + f + " must be nullable");
            }
            assertEquals(
                    new TreeSet<>(GenerateSensorReadings.schema(true).getFieldNames()),
                    fields,
                    file.getFileName() + ": Reading Schema fields");
        }
    }

    /**
     * Concurrent tasks reorder FlowFiles of one queue. Only the bulk indexing of documents that are independent (own
     * ids) may run concurrently; what writes per machine (Kafka, ScoreAnomaly, ComputeHealthScore, one document per
     * machine) keeps one task.
     */
    @ParameterizedTest
    @MethodSource("flows")
    void concurrencyOnlyWhereItCannotReorderAMachine(Path file) {
        for (JsonNode p : all(FlowFiles.read(file), "processors")) {
            if (p.path("concurrentlySchedulableTaskCount").asInt() > 1) {
                assertEquals(PUT_ES, p.path("type").asText(), p.path("name").asText() + " runs concurrently");
                assertTrue(
                        properties(p).get("put-es-record-id-path") == null,
                        p.path("name").asText() + " replaces documents by id: concurrent bulks could reorder them");
            }
        }
    }

    /**
     * A FlowFile reaching PutElasticsearchRecord holds at most one Kafka poll; with more records than its batch size,
     * NiFi 2.6.0's PutElasticsearchRecord reads the FlowFile a second time, fails on the closed stream and retries,
     * indexing the bulks already sent again (seen in a real NiFi: 936,552 documents for ~412,600 readings).
     */
    @Test
    void bulksHoldWholeKafkaPolls() {
        Map<String, String> params =
                parameters(FlowFiles.read(FlowFiles.flowsDir().resolve("factory-twin.json")));
        assertTrue(
                Integer.parseInt(params.get("Elasticsearch Batch Size"))
                        >= Integer.parseInt(params.get("Kafka Max Poll Records")),
                "Elasticsearch Batch Size must be at least Kafka Max Poll Records");
    }

    /** TrainAnomalyModel gets bins of Training Batch Size: one bin at a time, completed by count (or by age). */
    @Test
    void trainingBinsAreFullBatches() {
        JsonNode flow = FlowFiles.read(FlowFiles.flowsDir().resolve("model-training.json"));
        JsonNode merge = all(flow, "processors").stream()
                .filter(p -> MERGE.equals(p.path("type").asText()))
                .findFirst()
                .orElseThrow();
        Map<String, String> props = properties(merge);
        assertEquals("#{Training Batch Size}", props.get("min-records"));
        assertEquals("#{Training Batch Size}", props.get("max-records"));
        assertEquals("#{Training Max Wait}", props.get("max-bin-age"));
        assertEquals("Bin-Packing Algorithm", props.get("merge-strategy"));
        String correlation = props.get("correlation-attribute-name");
        assertTrue(correlation == null || correlation.isEmpty(), "bins are not split by an attribute");
    }

    /**
     * Dead letters fit in Kafka whatever the batch size: what carries records is published one message per record;
     * only content that came from one Kafka message (ConsumeKafka's parse failure), or that the record publisher
     * could not publish, goes whole.
     */
    @ParameterizedTest
    @MethodSource("flows")
    void deadLettersArePublishedOneMessagePerRecord(Path file) {
        JsonNode flow = FlowFiles.read(file);
        Map<String, JsonNode> processors = new HashMap<>();
        all(flow, "processors").forEach(p -> processors.put(p.path("identifier").asText(), p));
        List<String> problems = new ArrayList<>();
        int recordPublishers = 0;
        for (JsonNode c : all(flow, "connections")) {
            JsonNode target = processors.get(c.path("destination").path("id").asText());
            if (target == null || !isDeadLetterPublisher(target)) {
                continue;
            }
            boolean perRecord = properties(target).get("Record Reader") != null;
            if (perRecord) {
                recordPublishers++;
                assertEquals(
                        "USE_VALUE",
                        properties(target).get("Publish Strategy"),
                        target.path("name").asText());
                assertTrue(
                        properties(target)
                                .getOrDefault("FlowFile Attribute Header Pattern", "")
                                .contains("error"),
                        "record.error.message travels as a header");
                continue;
            }
            JsonNode source = processors.get(c.path("source").path("id").asText());
            boolean oneKafkaMessage = CONSUME.equals(source.path("type").asText())
                    && List.of("parse failure").equals(selected(c));
            boolean recordPublisherFailed =
                    isDeadLetterPublisher(source) && properties(source).get("Record Reader") != null;
            if (!oneKafkaMessage && !recordPublisherFailed) {
                problems.add(source.path("name").asText() + " " + selected(c) + " -> "
                        + target.path("name").asText() + " publishes a whole FlowFile as one message");
            }
        }
        assertTrue(problems.isEmpty(), file.getFileName() + ": " + problems);
        assertTrue(recordPublishers > 0, file.getFileName() + " has a record-oriented dead letter");
    }

    static List<String> selected(JsonNode connection) {
        List<String> rels = new ArrayList<>();
        connection.path("selectedRelationships").forEach(r -> rels.add(r.asText()));
        return rels;
    }

    static Map<String, JsonNode> services(JsonNode flow) {
        Map<String, JsonNode> services = new HashMap<>();
        all(flow, "controllerServices")
                .forEach(s -> services.put(s.path("identifier").asText(), s));
        return services;
    }
}
