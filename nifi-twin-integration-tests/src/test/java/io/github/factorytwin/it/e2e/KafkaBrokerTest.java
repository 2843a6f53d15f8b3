package io.github.factorytwin.it.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.factorytwin.setup.KafkaTopics;
import io.github.factorytwin.setup.Outcome;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Kafka harness itself: topics from the set-up tool, keyed produce/consume, data surviving a restart. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KafkaBrokerTest {

    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker("harness");

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    @BeforeAll
    static void createTopics() {
        Map<String, Outcome> outcomes = KafkaTopics.create(KAFKA.bootstrapServers());
        assertEquals(KafkaTopics.ALL, List.copyOf(outcomes.keySet()));
        outcomes.values().forEach(o -> assertEquals(Outcome.CREATED, o));
    }

    @Test
    @Order(1)
    void setUpToolCreatesTheTopicsOnTheBrokerIdempotently() throws Exception {
        try (Admin admin = KAFKA.admin()) {
            assertTrue(admin.listTopics().names().get(30, TimeUnit.SECONDS).containsAll(KafkaTopics.ALL));
            int partitions = admin.describeTopics(List.of(KafkaTopics.SENSOR_DATA))
                    .allTopicNames()
                    .get(30, TimeUnit.SECONDS)
                    .get(KafkaTopics.SENSOR_DATA)
                    .partitions()
                    .size();
            assertEquals(KafkaTopics.Settings.defaults().partitions(), partitions);
        }
        KafkaTopics.create(KAFKA.bootstrapServers()).values().forEach(o -> assertEquals(Outcome.EXISTED, o));
    }

    @Test
    @Order(2)
    void keyedRecordsKeepPerKeyOrderAndSurviveABrokerRestart() throws Exception {
        String topic = KafkaTopics.ALERTS;
        Map<String, List<String>> sent = new LinkedHashMap<>();
        try (KafkaProducer<String, byte[]> producer = KAFKA.producer()) {
            List<Future<RecordMetadata>> acks = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                String key = "M00" + (i % 5);
                String value = key + "#" + i;
                sent.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
                acks.add(producer.send(new ProducerRecord<>(topic, key, value.getBytes(StandardCharsets.UTF_8))));
                if (i == 150) {
                    producer.flush();
                    KAFKA.restart(); // sends after this wait for the broker to come back, and are not lost
                }
            }
            producer.flush();
            for (Future<RecordMetadata> ack : acks) {
                ack.get(60, TimeUnit.SECONDS);
            }
        }
        KAFKA.restart(); // what was acknowledged is on disk and read back after another restart
        Map<String, List<String>> received = new TreeMap<>();
        for (ConsumerRecord<String, byte[]> r : KAFKA.readAll(topic, TIMEOUT)) {
            received.computeIfAbsent(r.key(), k -> new ArrayList<>())
                    .add(new String(r.value(), StandardCharsets.UTF_8));
        }
        assertEquals(new TreeMap<>(sent), received, "per-key sequences after two restarts");
    }
}
