package io.github.factorytwin.it.e2e;

import static io.github.factorytwin.it.e2e.TwinPipeline.countPerMachine;
import static io.github.factorytwin.it.e2e.TwinPipeline.machineId;
import static io.github.factorytwin.it.e2e.TwinPipeline.props;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.SortOrder;
import co.elastic.clients.elasticsearch._types.aggregations.Aggregate;
import co.elastic.clients.elasticsearch._types.aggregations.Aggregation;
import co.elastic.clients.elasticsearch._types.aggregations.DateHistogramBucket;
import co.elastic.clients.elasticsearch._types.aggregations.StringTermsBucket;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.util.ObjectBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.factorytwin.setup.ElasticsearchTemplates;
import io.github.factorytwin.setup.KafkaTopics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.nifi.serialization.RecordReaderFactory;
import org.apache.nifi.util.TestRunner;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The twin's data path end to end through a real Kafka broker and a real Elasticsearch node: simulator -> Kafka
 * {@code sensor-data} -> ScoreAnomaly -> ComputeHealthScore -> Elasticsearch {@code twin-readings},
 * {@code twin-anomalies}, {@code twin-alerts}, under the set-up tool's topics and index templates.
 */
class PipelineEndToEndTest {

    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker("pipeline");

    @RegisterExtension
    static final ElasticsearchNode ES = ElasticsearchNode.shared();

    private static final Duration TIMEOUT = Duration.ofMinutes(1);
    private static final int MACHINES = 8;
    private static final int READINGS = 4_000;
    private static final long HISTOGRAM_MILLIS = Duration.ofMinutes(10).toMillis();

    static final Map<String, String> GENERATOR = props(
            "Machine Count", String.valueOf(MACHINES),
            "Pacing", "AS_FAST_AS_POSSIBLE",
            "Random Seed", "20261125",
            "Reading Interval", "10 sec",
            "Mean Time Between Failures", "30 min",
            "Sensor Fault Probability", "0",
            "Batch Size", "500");
    static final Map<String, String> SCORER = props(
            "Warm-up Size", "300",
            "Random Seed", "7",
            "Machine ID Pattern", "M\\d{3}");
    static final Map<String, String> HEALTH =
            props("Baseline Size", "30", "Minimum Dwell Time", "30 sec", "Alert Confirmation Time", "30 sec");

    @BeforeAll
    static void setUpTopicsAndTemplates() throws Exception {
        KafkaTopics.create(KAFKA.bootstrapServers());
        ElasticsearchClient client = ES.client();
        for (String index : ElasticsearchTemplates.INDICES) {
            client.indices().delete(d -> d.index(index).ignoreUnavailable(true));
        }
        ElasticsearchTemplates.apply(ES.url());
    }

    @Test
    void seededRunArrivesCompleteThroughRestartsAndDashboardsAggregateIt() throws Exception {
        // 1. Generate: a seeded factory, as fast as possible, restarting the generator half way with its state.
        TestRunner generator = TwinPipeline.runner(TwinPipeline.GENERATE, GENERATOR);
        List<ObjectNode> generated = new ArrayList<>(TwinPipeline.generate(generator, READINGS / 2));
        generator = TwinPipeline.restart(generator, TwinPipeline.GENERATE, GENERATOR);
        generated.addAll(TwinPipeline.generate(generator, READINGS / 2));
        Map<String, Long> generatedCounts = countPerMachine(generated);
        assertEquals(MACHINES, generatedCounts.size(), generatedCounts.toString());
        assertUniqueReadings(generated);
        // The restarted generator continued the same factory: the same readings as one uninterrupted run.
        assertSameFactory(
                TwinPipeline.generate(TwinPipeline.runner(TwinPipeline.GENERATE, GENERATOR), READINGS), generated);

        // 2. Publish to sensor-data, restarting the broker half way (acks=all, idempotent producer).
        try (KafkaProducer<String, byte[]> producer = KAFKA.producer()) {
            TwinPipeline.publish(producer, KafkaTopics.SENSOR_DATA, generated, KAFKA::restart);
        }
        List<ConsumerRecord<String, byte[]>> inKafka = KAFKA.readAll(KafkaTopics.SENSOR_DATA, TIMEOUT);
        Map<String, Long> kafkaCounts = TwinPipeline.countBy(inKafka, ConsumerRecord::key);
        assertEquals(generatedCounts, kafkaCounts, "generated = in Kafka (keyed by machine_id)");
        assertKeyedByMachineInOrder(inKafka);

        // 3. Consume (restarting the broker once more while the group is consuming) and score.
        RecordReaderFactory reader = TwinPipeline.jsonReader();
        AtomicBoolean restarted = new AtomicBoolean();
        TwinPipeline.Consumed consumed;
        try (KafkaConsumer<String, byte[]> consumer = KAFKA.consumer("twin-e2e")) {
            consumed = TwinPipeline.consume(consumer, KafkaTopics.SENSOR_DATA, READINGS, reader, seen -> {
                if (seen >= READINGS / 3 && restarted.compareAndSet(false, true)) {
                    KAFKA.restart();
                }
            });
        }
        assertTrue(restarted.get());
        assertTrue(consumed.parseFailures().isEmpty());
        assertEquals(READINGS, consumed.records());

        // ScoreAnomaly and ComputeHealthScore, each restarted half way (a processor that declares LOCAL state
        // gets it back; ScoreAnomaly declares none and starts learning again).
        List<byte[]> firstHalf =
                consumed.flowFiles().subList(0, consumed.flowFiles().size() / 2);
        List<byte[]> secondHalf = consumed.flowFiles()
                .subList(firstHalf.size(), consumed.flowFiles().size());
        TwinPipeline.Stage scored = new TwinPipeline.Stage(TwinPipeline.SCORE, TwinPipeline.props());
        scored.addAll(SCORER);
        scored.feed(firstHalf, false);
        scored.feed(secondHalf, true);
        assertEquals(List.of(), scored.of("failure"), "no scoring failures for clean readings");
        List<ObjectNode> scoredRecords = scored.of("success");
        assertEquals(generatedCounts, countPerMachine(scoredRecords), "in Kafka = scored");
        List<ObjectNode> anomalous = scored.of("anomalous");

        TwinPipeline.Stage health = new TwinPipeline.Stage(TwinPipeline.HEALTH, TwinPipeline.props());
        health.addAll(HEALTH);
        List<byte[]> scoredFlowFiles = scored.contents("success");
        health.feed(scoredFlowFiles.subList(0, scoredFlowFiles.size() / 2), false);
        health.feed(scoredFlowFiles.subList(scoredFlowFiles.size() / 2, scoredFlowFiles.size()), true);
        assertEquals(List.of(), health.of("failure"), "no health failures for clean readings");
        List<ObjectNode> readings = health.of("success");
        List<ObjectNode> alerts = health.of("alerts");
        assertFalse(alerts.isEmpty(), "a seeded run with failures raises alerts");
        assertEquals(generatedCounts, countPerMachine(readings), "scored = health-scored");
        assertUniqueReadings(readings);

        // The restarted health processor continued from its state: same result as one uninterrupted run.
        TwinPipeline.Stage continuous = new TwinPipeline.Stage(TwinPipeline.HEALTH, TwinPipeline.props());
        continuous.addAll(HEALTH);
        continuous.feed(scoredFlowFiles, false);
        assertSameHealth(continuous.of("success"), readings);
        assertEquals(continuous.of("alerts").size(), alerts.size(), "alerts with and without the restart");

        // 4. Index as PutElasticsearchRecord would.
        ElasticsearchClient client = ES.client();
        TwinPipeline.index(client, ElasticsearchTemplates.READINGS, readings);
        TwinPipeline.index(client, ElasticsearchTemplates.ANOMALIES, anomalous);
        TwinPipeline.index(client, ElasticsearchTemplates.ALERTS, alerts);
        TwinPipeline.index(client, ElasticsearchTemplates.CURRENT_ALERTS, alerts, "machine_id");

        assertEquals(generatedCounts, docsPerMachine(ElasticsearchTemplates.READINGS), "generated = indexed");
        assertEquals(countPerMachine(anomalous), docsPerMachine(ElasticsearchTemplates.ANOMALIES));
        assertEquals(countPerMachine(alerts), docsPerMachine(ElasticsearchTemplates.ALERTS));
        Map<String, Long> onePerMachine = new TreeMap<>();
        countPerMachine(alerts).keySet().forEach(machine -> onePerMachine.put(machine, 1L));
        assertEquals(onePerMachine, docsPerMachine(ElasticsearchTemplates.CURRENT_ALERTS), "the latest event each");

        // 5. Mapped types the dashboards need.
        for (String index : ElasticsearchTemplates.INDICES) {
            JsonNode properties = TwinPipeline.JSON
                    .readTree(ES.get("/" + index + "/_mapping"))
                    .path(index)
                    .path("mappings")
                    .path("properties");
            assertEquals("date", properties.path("timestamp").path("type").asText(), index + ".timestamp");
            assertEquals("keyword", properties.path("machine_id").path("type").asText(), index + ".machine_id");
        }

        // 6. The aggregations behind each dashboard chart, against values computed from the records sent.
        assertHealthPerMachine(client, readings);
        assertMachinesByHealthStatus(client, readings);
        assertAnomaliesPerMachineOverTime(client, anomalous, readings);
        assertAnomaliesPerMachineAndFeature(client, anomalous);
        int open = assertOpenAlerts(client, alerts);
        int estimated = assertTimeToMaintenance(client, readings);
        System.out.printf(
                "e2e pipeline: %d readings of %d machines, generated = Kafka = scored = indexed per machine;"
                        + " %d anomalous, %d alert events, %d open alerts, %d machines with a time to maintenance%n",
                READINGS, MACHINES, anomalous.size(), alerts.size(), open, estimated);
        System.out.printf(
                "e2e pipeline: %d readings with an anomaly score, %d with a time to maintenance%n",
                readings.stream()
                        .filter(r -> r.path("anomaly_score").isNumber())
                        .count(),
                readings.stream()
                        .filter(r -> r.path("estimated_time_to_maintenance").isNumber())
                        .count());
    }

    // ---- assertions on the aggregations ----

    private static void assertHealthPerMachine(ElasticsearchClient client, List<ObjectNode> readings) throws Exception {
        Map<String, double[]> sums = new TreeMap<>();
        Map<String, ObjectNode> latest = new TreeMap<>();
        Map<String, Double> minHealth = new TreeMap<>();
        Map<String, Double> maxAnomaly = new TreeMap<>();
        for (ObjectNode r : readings) {
            if (r.path("health_score").isNumber()) {
                minHealth.merge(machineId(r), r.path("health_score").asDouble(), Math::min);
            }
            if (r.path("anomaly_score").isNumber()) {
                maxAnomaly.merge(machineId(r), r.path("anomaly_score").asDouble(), Math::max);
            }
            if (r.path("health_score").isNumber()) {
                double[] acc = sums.computeIfAbsent(machineId(r), m -> new double[2]);
                acc[0] += r.path("health_score").asDouble();
                acc[1]++;
            }
            latest.merge(
                    machineId(r),
                    r,
                    (a, b) ->
                            b.path("timestamp").asLong() >= a.path("timestamp").asLong() ? b : a);
        }
        SearchResponse<Void> response = client.search(
                s -> s.index(ElasticsearchTemplates.READINGS).size(0).aggregations("machines", a -> a.terms(
                                t -> t.field("machine_id").size(1000))
                        .aggregations("avg_health", sub -> sub.avg(v -> v.field("health_score")))
                        .aggregations("min_health", sub -> sub.min(v -> v.field("health_score")))
                        .aggregations("max_anomaly", sub -> sub.max(v -> v.field("anomaly_score")))
                        .aggregations("scored", sub -> sub.valueCount(v -> v.field("anomaly_score")))
                        .aggregations("latest", PipelineEndToEndTest::latestByTimestamp)),
                Void.class);
        Map<String, StringTermsBucket> buckets = buckets(response.aggregations().get("machines"));
        assertEquals(latest.keySet(), buckets.keySet());
        for (Map.Entry<String, StringTermsBucket> e : buckets.entrySet()) {
            double[] acc = sums.get(e.getKey());
            assertNotNull(acc, "no health scores for " + e.getKey());
            assertEquals(
                    acc[0] / acc[1],
                    e.getValue().aggregations().get("avg_health").avg().value(),
                    1e-6,
                    "avg health of " + e.getKey());
            assertClose(
                    minHealth.get(e.getKey()),
                    e.getValue().aggregations().get("min_health").min().value());
            long scored = readings.stream()
                    .filter(r -> machineId(r).equals(e.getKey())
                            && r.path("anomaly_score").isNumber())
                    .count();
            assertEquals(
                    scored,
                    (long) e.getValue()
                            .aggregations()
                            .get("scored")
                            .valueCount()
                            .value(),
                    e.getKey());
            if (scored > 0) { // the client reads a max of no values as 0.0
                assertClose(
                        maxAnomaly.get(e.getKey()),
                        e.getValue().aggregations().get("max_anomaly").max().value());
            }
            JsonNode top = latestHit(e.getValue());
            ObjectNode expected = latest.get(e.getKey());
            assertEquals(
                    expected.path("timestamp").asLong(), top.path("timestamp").asLong(), e.getKey());
            assertEquals(
                    expected.path("health_score").asDouble(),
                    top.path("health_score").asDouble(),
                    1e-9);
            assertEquals(
                    expected.path("health_status").asText(),
                    top.path("health_status").asText());
        }
    }

    /** Superset "Machines by Health Status": readings counted per health_status. */
    private static void assertMachinesByHealthStatus(ElasticsearchClient client, List<ObjectNode> readings)
            throws Exception {
        Map<String, Long> expected =
                TwinPipeline.countBy(readings, r -> r.path("health_status").asText());
        SearchResponse<Void> response = client.search(
                s -> s.index(ElasticsearchTemplates.READINGS)
                        .size(0)
                        .aggregations(
                                "status",
                                a -> a.terms(t -> t.field("health_status").size(10))),
                Void.class);
        Map<String, Long> actual = new TreeMap<>();
        buckets(response.aggregations().get("status")).forEach((k, b) -> actual.put(k, b.docCount()));
        assertEquals(expected, actual, "readings per health status");
        assertTrue(actual.size() > 1, "a seeded run with failures is not all one status: " + actual);
    }

    /** Superset "Anomalies per Machine": twin-anomalies counted per machine_id and anomaly_feature. */
    private static void assertAnomaliesPerMachineAndFeature(ElasticsearchClient client, List<ObjectNode> anomalous)
            throws Exception {
        Map<String, Long> expected = TwinPipeline.countBy(
                anomalous, r -> machineId(r) + "/" + r.path("anomaly_feature").asText());
        SearchResponse<Void> response = client.search(
                s -> s.index(ElasticsearchTemplates.ANOMALIES).size(0).aggregations("machines", a -> a.terms(
                                t -> t.field("machine_id").size(1000))
                        .aggregations(
                                "feature",
                                sub -> sub.terms(t -> t.field("anomaly_feature").size(100)))),
                Void.class);
        Map<String, Long> actual = new TreeMap<>();
        buckets(response.aggregations().get("machines"))
                .forEach((machine, bucket) -> buckets(bucket.aggregations().get("feature"))
                        .forEach((feature, b) -> actual.put(machine + "/" + feature, b.docCount())));
        assertEquals(expected, actual, "anomalies per machine and feature");
    }

    private static void assertAnomaliesPerMachineOverTime(
            ElasticsearchClient client, List<ObjectNode> anomalous, List<ObjectNode> readings) throws Exception {
        Map<String, Map<Long, Long>> expected = new TreeMap<>();
        for (ObjectNode r : anomalous) {
            long bucket = Math.floorDiv(r.path("timestamp").asLong(), HISTOGRAM_MILLIS) * HISTOGRAM_MILLIS;
            expected.computeIfAbsent(machineId(r), m -> new TreeMap<>()).merge(bucket, 1L, Long::sum);
        }
        long flagged = readings.stream()
                .filter(r -> r.path("is_anomaly").asBoolean(false))
                .count();
        assertEquals(anomalous.size(), flagged, "the anomalous copy holds exactly the is_anomaly readings");
        assertFalse(anomalous.isEmpty(), "a seeded run with failures has anomalies to chart");
        SearchResponse<Void> response = client.search(
                s -> s.index(ElasticsearchTemplates.ANOMALIES).size(0).aggregations("machines", a -> a.terms(
                                t -> t.field("machine_id").size(1000))
                        .aggregations(
                                "over_time",
                                sub -> sub.dateHistogram(h -> h.field("timestamp")
                                        .fixedInterval(i -> i.time(HISTOGRAM_MILLIS / 60_000 + "m"))
                                        .minDocCount(1)))),
                Void.class);
        Map<String, Map<Long, Long>> actual = new TreeMap<>();
        buckets(response.aggregations().get("machines")).forEach((machine, bucket) -> {
            Map<Long, Long> series = new TreeMap<>();
            for (DateHistogramBucket b : bucket.aggregations()
                    .get("over_time")
                    .dateHistogram()
                    .buckets()
                    .array()) {
                series.put(b.key(), b.docCount());
            }
            actual.put(machine, series);
        });
        assertEquals(expected, actual, "anomalies per machine per " + HISTOGRAM_MILLIS / 60_000 + " min");
    }

    /** A sub-aggregation: each bucket's newest document by timestamp. */
    private static ObjectBuilder<Aggregation> latestByTimestamp(Aggregation.Builder sub) {
        return sub.topHits(
                h -> h.size(1).sort(so -> so.field(f -> f.field("timestamp").order(SortOrder.Desc))));
    }

    /** The document {@link #latestByTimestamp} found in a bucket. */
    private static JsonNode latestHit(StringTermsBucket bucket) throws Exception {
        return TwinPipeline.JSON.readTree(bucket.aggregations()
                .get("latest")
                .topHits()
                .hits()
                .hits()
                .get(0)
                .source()
                .toJson()
                .toString());
    }

    private static int assertOpenAlerts(ElasticsearchClient client, List<ObjectNode> alerts) throws Exception {
        // Expected: per machine, the last alert event (in emission order); open when RAISED or ESCALATED.
        Map<String, ObjectNode> last = new TreeMap<>();
        for (ObjectNode alert : alerts) {
            last.put(machineId(alert), alert);
        }
        Map<String, String> expectedOpen = new TreeMap<>();
        last.forEach((machine, alert) -> {
            String event = alert.path("alert_event").asText();
            if (!event.equals("RECOVERED")) {
                expectedOpen.put(machine, alert.path("severity").asText());
            }
        });
        SearchResponse<Void> response = client.search(
                s -> s.index(ElasticsearchTemplates.ALERTS).size(0).aggregations("machines", a -> a.terms(
                                t -> t.field("machine_id").size(1000))
                        .aggregations("latest", PipelineEndToEndTest::latestByTimestamp)),
                Void.class);
        Map<String, String> actualOpen = new TreeMap<>();
        for (Map.Entry<String, StringTermsBucket> e :
                buckets(response.aggregations().get("machines")).entrySet()) {
            JsonNode top = latestHit(e.getValue());
            assertEquals(
                    last.get(e.getKey()).path("timestamp").asLong(),
                    top.path("timestamp").asLong());
            if (!top.path("alert_event").asText().equals("RECOVERED")) {
                actualOpen.put(e.getKey(), top.path("severity").asText());
            }
        }
        assertEquals(expectedOpen, actualOpen, "open alerts per machine (severity)");
        // Superset "Open Alerts": the documents of twin-alerts-current whose event is not RECOVERED.
        SearchResponse<JsonNode> listed = client.search(
                q -> q.index(ElasticsearchTemplates.CURRENT_ALERTS)
                        .size(1000)
                        .query(b -> b.bool(n -> n.mustNot(
                                m -> m.term(t -> t.field("alert_event").value("RECOVERED"))))),
                JsonNode.class);
        Map<String, String> chart = new TreeMap<>();
        listed.hits()
                .hits()
                .forEach(h -> chart.put(
                        h.source().path("machine_id").asText(),
                        h.source().path("severity").asText()));
        assertEquals(expectedOpen, chart, "the Open Alerts chart: one row per machine with an open alert");
        return actualOpen.size();
    }

    private static int assertTimeToMaintenance(ElasticsearchClient client, List<ObjectNode> readings) throws Exception {
        Map<String, Long> expected = new TreeMap<>();
        for (ObjectNode r : readings) {
            JsonNode ttm = r.path("estimated_time_to_maintenance");
            if (ttm.isNumber()) {
                expected.merge(machineId(r), ttm.asLong(), Math::min);
            }
        }
        assertFalse(expected.isEmpty(), "a seeded run with degradation estimates a time to maintenance");
        SearchResponse<Void> response = client.search(
                s -> s.index(ElasticsearchTemplates.READINGS).size(0).aggregations("machines", a -> a.terms(
                                t -> t.field("machine_id").size(1000))
                        .aggregations("min_ttm", sub -> sub.min(m -> m.field("estimated_time_to_maintenance")))
                        .aggregations(
                                "ttm_count", sub -> sub.valueCount(m -> m.field("estimated_time_to_maintenance")))),
                Void.class);
        Map<String, Long> actual = new TreeMap<>();
        buckets(response.aggregations().get("machines")).forEach((machine, bucket) -> {
            // The client reads a min of no values as 0.0: only machines with estimates have a minimum.
            if (bucket.aggregations().get("ttm_count").valueCount().value() > 0) {
                actual.put(machine, (long)
                        bucket.aggregations().get("min_ttm").min().value());
            }
        });
        assertEquals(expected, actual, "min time to maintenance per machine");
        return actual.size();
    }

    // ---- helpers ----

    /** Equal within 1e-9, or both absent (Elasticsearch answers null, NaN or infinity for a metric of no values). */
    private static void assertClose(Double expected, Double actual) {
        boolean actualAbsent = actual == null || actual.isNaN() || actual.isInfinite();
        if (expected == null) {
            assertTrue(actualAbsent, "expected no value, got " + actual);
        } else {
            assertFalse(actualAbsent, "expected " + expected + ", got none");
            assertEquals(expected, actual, 1e-9);
        }
    }

    static Map<String, Long> docsPerMachine(String index) throws Exception {
        SearchResponse<Void> response = ES.client()
                .search(
                        s -> s.index(index)
                                .size(0)
                                .trackTotalHits(t -> t.enabled(true))
                                .aggregations(
                                        "machines",
                                        a -> a.terms(t -> t.field("machine_id").size(1000))),
                        Void.class);
        Map<String, Long> counts = new TreeMap<>();
        buckets(response.aggregations().get("machines")).forEach((m, b) -> counts.put(m, b.docCount()));
        assertEquals(
                counts.values().stream().mapToLong(Long::longValue).sum(),
                response.hits().total().value(),
                "every document of " + index + " has a machine_id");
        return counts;
    }

    private static Map<String, StringTermsBucket> buckets(Aggregate terms) {
        Map<String, StringTermsBucket> out = new TreeMap<>();
        for (StringTermsBucket b : terms.sterms().buckets().array()) {
            out.put(b.key().stringValue(), b);
        }
        return out;
    }

    static String key(JsonNode record) {
        return machineId(record) + "@" + record.path("timestamp").asLong();
    }

    private static void assertUniqueReadings(List<ObjectNode> records) {
        Set<String> keys = new HashSet<>();
        for (ObjectNode r : records) {
            assertTrue(keys.add(key(r)), "duplicate reading " + key(r));
        }
    }

    /** Per partition, each machine's readings come in event-time order: the key keeps a machine on one partition. */
    private static void assertKeyedByMachineInOrder(List<ConsumerRecord<String, byte[]>> records) {
        Map<String, Integer> partitionOf = new TreeMap<>();
        Map<String, Long> lastTimestamp = new TreeMap<>();
        for (ConsumerRecord<String, byte[]> r : records) {
            ObjectNode value = TwinPipeline.parseArray(r.value()).get(0);
            assertEquals(r.key(), machineId(value), "key = machine_id");
            Integer previous = partitionOf.putIfAbsent(r.key(), r.partition());
            assertTrue(previous == null || previous == r.partition(), r.key() + " spread over partitions");
            long ts = value.path("timestamp").asLong();
            Long before = lastTimestamp.put(r.key(), ts);
            assertTrue(before == null || before < ts, r.key() + " out of order at " + ts);
        }
    }

    /** Same machines, sensor values and states in the same order, timestamps shifted by the start time only. */
    private static void assertSameFactory(List<ObjectNode> uninterrupted, List<ObjectNode> restarted) {
        assertEquals(uninterrupted.size(), restarted.size());
        long shift = restarted.get(0).path("timestamp").asLong()
                - uninterrupted.get(0).path("timestamp").asLong();
        for (int i = 0; i < restarted.size(); i++) {
            ObjectNode expected = uninterrupted.get(i).deepCopy();
            expected.put("timestamp", expected.path("timestamp").asLong() + shift);
            assertEquals(expected, restarted.get(i), "reading " + i + " after the generator restart");
        }
    }

    private static void assertSameHealth(List<ObjectNode> continuous, List<ObjectNode> restarted) {
        assertEquals(continuous.size(), restarted.size());
        Map<String, ObjectNode> byKey = new TreeMap<>();
        continuous.forEach(r -> byKey.put(key(r), r));
        for (ObjectNode r : restarted) {
            ObjectNode c = byKey.get(key(r));
            assertNotNull(c, key(r));
            assertEquals(
                    c.path("health_status").asText(), r.path("health_status").asText(), key(r));
            assertEquals(
                    c.path("health_score").asDouble(), r.path("health_score").asDouble(), 0.5, key(r));
        }
    }
}
