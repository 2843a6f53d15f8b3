package io.github.factorytwin.it.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.factorytwin.records.TwinFields;
import io.github.factorytwin.setup.ElasticsearchTemplates;
import io.github.factorytwin.setup.KafkaTopics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.nifi.serialization.RecordReaderFactory;
import org.apache.nifi.util.MockFlowFile;
import org.apache.nifi.util.TestRunner;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Bad input on the wire (a non-JSON message, a reading without a sensor, an unknown machine id) ends in a failure
 * relationship or the dead-letter topic, and every good reading around it still reaches Elasticsearch.
 */
class BadInputEndToEndTest {

    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker("bad-input");

    @RegisterExtension
    static final ElasticsearchNode ES = ElasticsearchNode.shared();

    private static final Duration TIMEOUT = Duration.ofMinutes(1);

    @BeforeAll
    static void setUpTopicsAndTemplates() {
        KafkaTopics.create(KAFKA.bootstrapServers());
        ElasticsearchTemplates.apply(ES.url());
    }

    @Test
    void badInputOnTheWireEndsInFailureOrDeadLetterAndEverythingElseArrives() throws Exception {
        String topic = KafkaTopics.SENSOR_DATA;
        TestRunner generator = TwinPipeline.runner(TwinPipeline.GENERATE, PipelineEndToEndTest.GENERATOR);
        List<ObjectNode> good = TwinPipeline.generate(generator, 600);

        ObjectNode missingSensor = good.get(0).deepCopy();
        missingSensor.remove("vibration");
        missingSensor.put("timestamp", good.get(0).path("timestamp").asLong() + 1);
        ObjectNode unknownMachine = good.get(1).deepCopy();
        unknownMachine.put("machine_id", "X-ROGUE");
        byte[] notJson = "temperature=81.2;vibration=oops".getBytes(StandardCharsets.UTF_8);

        String group = "twin-e2e-bad";
        try (KafkaProducer<String, byte[]> producer = KAFKA.producer()) {
            List<ObjectNode> firstPart = good.subList(0, 300);
            TwinPipeline.publish(producer, topic, firstPart, null);
            producer.send(new ProducerRecord<>(topic, "M001", notJson)).get();
            producer.send(new ProducerRecord<>(
                            topic, TwinPipeline.machineId(missingSensor), TwinPipeline.bytes(missingSensor)))
                    .get();
            producer.send(new ProducerRecord<>(topic, "X-ROGUE", TwinPipeline.bytes(unknownMachine)))
                    .get();
            TwinPipeline.publish(producer, topic, good.subList(300, good.size()), null);
        }
        RecordReaderFactory reader = TwinPipeline.jsonReader();
        TwinPipeline.Consumed consumed;
        try (KafkaConsumer<String, byte[]> consumer = KAFKA.consumer(group)) {
            consumed = TwinPipeline.consume(consumer, topic, good.size() + 3, reader, null);
        }
        // The non-JSON message goes to parse failure -> the dead-letter topic, as the flow routes it.
        List<ConsumerRecord<String, byte[]>> failures = consumed.parseFailures();
        assertEquals(1, failures.size(), "exactly the non-JSON message fails to parse");
        assertEquals(
                new String(notJson, StandardCharsets.UTF_8),
                new String(failures.get(0).value(), StandardCharsets.UTF_8));
        List<byte[]> flowFiles = consumed.flowFiles();
        assertEquals(good.size() + 2, TwinPipeline.parseArrays(flowFiles).size(), "all JSON messages consumed");

        TwinPipeline.Stage scored = new TwinPipeline.Stage(TwinPipeline.SCORE, TwinPipeline.props());
        scored.addAll(PipelineEndToEndTest.SCORER);
        scored.put("Missing Value Strategy", TwinPipeline.missingValueFailureToken());
        scored.feed(flowFiles, false);
        List<ObjectNode> scoreFailures = scored.of("failure");
        Set<String> failedIds = new HashSet<>();
        scoreFailures.forEach(r -> failedIds.add(PipelineEndToEndTest.key(r)));
        assertEquals(
                Set.of(PipelineEndToEndTest.key(missingSensor), PipelineEndToEndTest.key(unknownMachine)),
                failedIds,
                "failure relationship");

        for (MockFlowFile failure : scored.flowFiles("failure")) {
            String reason = failure.getAttribute(TwinFields.ERROR_MESSAGE_ATTRIBUTE);
            assertNotNull(reason, "failure FlowFiles say why");
            String machine = TwinPipeline.parseArray(failure.toByteArray())
                    .get(0)
                    .path("machine_id")
                    .asText();
            assertTrue(
                    machine.equals("X-ROGUE")
                            ? reason.toLowerCase().contains("unknown machine")
                            : reason.contains("vibration"),
                    machine + ": " + reason);
        }

        TwinPipeline.Stage health = new TwinPipeline.Stage(TwinPipeline.HEALTH, TwinPipeline.props());
        health.addAll(PipelineEndToEndTest.HEALTH);
        health.feed(scored.contents("success"), false);
        assertEquals(List.of(), health.of("failure"));
        List<ObjectNode> readings = health.of("success");
        assertEquals(
                TwinPipeline.countPerMachine(good),
                TwinPipeline.countPerMachine(readings),
                "every good reading still arrives");

        // Published to the dead-letter topic as the flow's PublishKafka twin-dead-letter does (one message per
        // record, the reason in a header; NiFi's Kafka processors are not available here, so the test publishes),
        // the failures are exactly the three bad messages, and each keeps its reason through Kafka.
        List<MockFlowFile> processorFailures = new ArrayList<>(scored.flowFiles("failure"));
        processorFailures.addAll(health.flowFiles("failure"));
        try (KafkaProducer<String, byte[]> producer = KAFKA.producer()) {
            for (ConsumerRecord<String, byte[]> failure : failures) {
                producer.send(deadLetter(failure.key(), failure.value(), "not JSON"))
                        .get();
            }
            for (MockFlowFile flowFile : processorFailures) {
                String reason = flowFile.getAttribute(TwinFields.ERROR_MESSAGE_ATTRIBUTE);
                for (ObjectNode record : TwinPipeline.parseArray(flowFile.toByteArray())) {
                    producer.send(deadLetter(TwinPipeline.machineId(record), TwinPipeline.bytes(record), reason))
                            .get();
                }
            }
        }
        List<ConsumerRecord<String, byte[]>> dead = KAFKA.readAll(KafkaTopics.DEAD_LETTER, TIMEOUT);
        List<String> deadLetters = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> letter : dead) {
            assertNotNull(letter.headers().lastHeader(TwinFields.ERROR_MESSAGE_ATTRIBUTE), "reason header");
            List<ObjectNode> record = TwinPipeline.parseWithReader(reader, letter.value());
            deadLetters.add(
                    record == null
                            ? new String(letter.value(), StandardCharsets.UTF_8)
                            : PipelineEndToEndTest.key(record.get(0)));
        }
        assertEquals(
                Set.of(
                        new String(notJson, StandardCharsets.UTF_8),
                        PipelineEndToEndTest.key(missingSensor),
                        PipelineEndToEndTest.key(unknownMachine)),
                Set.copyOf(deadLetters),
                "exactly the three bad messages are dead letters");
        assertEquals(3, deadLetters.size(), deadLetters.toString());

        String index = ElasticsearchTemplates.READINGS + "-bad-input";
        ES.client().indices().delete(d -> d.index(index).ignoreUnavailable(true));
        TwinPipeline.index(ES.client(), index, readings);
        assertEquals(
                TwinPipeline.countPerMachine(good),
                PipelineEndToEndTest.docsPerMachine(index),
                "every good reading indexed");
    }

    private static ProducerRecord<String, byte[]> deadLetter(String key, byte[] value, String reason) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(KafkaTopics.DEAD_LETTER, key, value);
        record.headers()
                .add(TwinFields.ERROR_MESSAGE_ATTRIBUTE, String.valueOf(reason).getBytes(StandardCharsets.UTF_8));
        return record;
    }
}
