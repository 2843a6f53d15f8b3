package io.github.factorytwin.it.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.aggregations.StringTermsBucket;
import co.elastic.clients.elasticsearch.core.BulkRequest;
import co.elastic.clients.elasticsearch.core.BulkResponse;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.factorytwin.setup.ElasticsearchTemplates;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Elasticsearch harness itself: the set-up tool's templates, bulk indexing, mappings and an aggregation. */
class ElasticsearchNodeTest {

    @RegisterExtension
    static final ElasticsearchNode ES = ElasticsearchNode.shared();

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Matches the twin-readings template's {@code twin-readings-*} pattern, so it gets the same mapping. */
    private static final String INDEX = "twin-readings-harness";

    @BeforeAll
    static void applyTemplates() {
        ElasticsearchTemplates.apply(ES.url());
    }

    @Test
    void nodeRunsOnAJdkElasticsearchAccepts() throws Exception {
        int major = ElasticsearchNode.javaMajor(ElasticsearchNode.javaHome());
        assertTrue(major >= 17 && major <= 21, "ES 8.17 needs JDK 17..21, picked " + major);
        // The node answers with its version: the real 8.17.0 distribution, not a stand-in.
        JsonNode info = JSON.readTree(ES.get("/_nodes/_local/jvm"));
        JsonNode node = info.path("nodes").elements().next();
        assertEquals("8.17.0", node.path("version").asText());
        assertEquals(
                major,
                Integer.parseInt(node.path("jvm").path("version").asText().split("\\.")[0]));
    }

    @Test
    void setUpToolTemplatesGiveNewIndicesTheDashboardTypes() throws Exception {
        ElasticsearchClient client = ES.client();
        client.indices().delete(d -> d.index(INDEX).ignoreUnavailable(true));
        client.index(i -> i.index(INDEX)
                .id("probe")
                .document(Map.of("machine_id", "M001", "timestamp", 1_700_000_000_000L, "health_score", 90.0))
                .refresh(co.elastic.clients.elasticsearch._types.Refresh.True));
        JsonNode properties = JSON.readTree(ES.get("/" + INDEX + "/_mapping"))
                .path(INDEX)
                .path("mappings")
                .path("properties");
        assertEquals("date", properties.path("timestamp").path("type").asText());
        assertEquals("keyword", properties.path("machine_id").path("type").asText());
        assertEquals("double", properties.path("health_score").path("type").asText());
        for (String index : ElasticsearchTemplates.INDICES) {
            JsonNode mapping = JSON.readTree(ES.get("/" + index + "/_mapping"))
                    .path(index)
                    .path("mappings")
                    .path("properties");
            assertEquals("date", mapping.path("timestamp").path("type").asText(), index);
            assertEquals("keyword", mapping.path("machine_id").path("type").asText(), index);
        }
    }

    @Test
    void bulkIndexedDocumentsAggregatePerMachine() throws Exception {
        ElasticsearchClient client = ES.client();
        String index = INDEX + "-agg";
        client.indices().delete(d -> d.index(index).ignoreUnavailable(true));
        Map<String, double[]> expected = new TreeMap<>(); // machine -> {sum, count}
        BulkRequest.Builder bulk = new BulkRequest.Builder().index(index);
        long t0 = 1_700_000_000_000L;
        for (int i = 0; i < 500; i++) {
            String machine = "M00" + (i % 7);
            double health = 40 + (i * 37 % 60);
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("machine_id", machine);
            doc.put("timestamp", t0 + i * 2_000L);
            doc.put("health_score", health);
            bulk.operations(op -> op.index(ix -> ix.document(doc)));
            double[] acc = expected.computeIfAbsent(machine, m -> new double[2]);
            acc[0] += health;
            acc[1]++;
        }
        BulkResponse response = client.bulk(bulk.refresh(co.elastic.clients.elasticsearch._types.Refresh.True)
                .build());
        assertFalse(response.errors(), () -> response.items().toString());
        assertEquals(500, client.count(c -> c.index(index)).count());

        SearchResponse<Void> search = client.search(
                s -> s.index(index).size(0).aggregations("machines", a -> a.terms(
                                t -> t.field("machine_id").size(100))
                        .aggregations("avg_health", sub -> sub.avg(v -> v.field("health_score")))),
                Void.class);
        Map<String, Double> actual = new TreeMap<>();
        for (StringTermsBucket b :
                search.aggregations().get("machines").sterms().buckets().array()) {
            actual.put(
                    b.key().stringValue(),
                    b.aggregations().get("avg_health").avg().value());
            assertEquals((long) expected.get(b.key().stringValue())[1], b.docCount());
        }
        assertEquals(expected.keySet(), actual.keySet());
        expected.forEach((m, acc) -> assertEquals(acc[0] / acc[1], actual.get(m), 1e-9, m));
        // Under target/, or under the temp directory when the checkout is closed to the node's unprivileged user.
        Path outside = Path.of(System.getProperty("java.io.tmpdir"), "twin-e2e-elasticsearch");
        assertTrue(
                ES.nodeDir().startsWith(Harness.workDir()) || ES.nodeDir().startsWith(outside),
                "node data under target/ or " + outside + ": " + ES.nodeDir());
    }
}
