package io.github.factorytwin.setup;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.json.JsonData;
import co.elastic.clients.json.jackson.JacksonJsonpMapper;
import co.elastic.clients.transport.rest_client.RestClientTransport;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.http.HttpHost;
import org.elasticsearch.client.RestClient;

/**
 * Puts the twin's Elasticsearch index templates (explicit mappings the flows write and the dashboards query) and
 * creates the indices when they are missing, so dashboards work before the first record arrives. Idempotent: a
 * template is replaced with the project's definition; an existing index is left as it is.
 *
 * <pre>{@code
 * Map<String, Outcome> done = ElasticsearchTemplates.apply("http://localhost:9200");
 * }</pre>
 *
 * <p>The templates are JSON resources on the class path, {@code elasticsearch/<index>.template.json}, in the body
 * format of Elasticsearch's {@code PUT _index_template/<name>}: read them with {@link #templateJson(String)}.
 */
public final class ElasticsearchTemplates {

    /** Every scored reading with its health (ComputeHealthScore {@code success}). */
    public static final String READINGS = "twin-readings";
    /** Anomalous readings (ScoreAnomaly {@code anomalous}). */
    public static final String ANOMALIES = "twin-anomalies";
    /** Alert events (ComputeHealthScore {@code alerts}). */
    public static final String ALERTS = "twin-alerts";
    /**
     * The latest alert event of each machine (the same events, document id = machine id): what is open now. Its
     * template has the alert mappings and a higher priority than the {@code twin-alerts-*} pattern of {@link
     * #ALERTS}.
     */
    public static final String CURRENT_ALERTS = "twin-alerts-current";
    /** Every index (and template of the same name), in creation order. */
    public static final List<String> INDICES = List.of(READINGS, ANOMALIES, ALERTS, CURRENT_ALERTS);

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * How to apply the templates.
     *
     * @param createIndices also create each index when it does not exist
     * @param replicas when not {@code null}, overrides the templates' {@code number_of_replicas} (0: single node)
     * @param timeout bound on connecting to and on each request to Elasticsearch
     */
    public record Settings(boolean createIndices, Integer replicas, Duration timeout) {

        public Settings {
            if (replicas != null && replicas < 0) {
                throw new IllegalArgumentException("replicas must be at least 0, got " + replicas);
            }
            if (timeout == null || timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout must be positive, got " + timeout);
            }
        }

        /** Create the indices, keep the templates' replica count (0), 30 s timeout. */
        public static Settings defaults() {
            return new Settings(true, null, Duration.ofSeconds(30));
        }

        public Settings withCreateIndices(boolean value) {
            return new Settings(value, replicas, timeout);
        }

        public Settings withReplicas(Integer value) {
            return new Settings(createIndices, value, timeout);
        }

        public Settings withTimeout(Duration value) {
            return new Settings(createIndices, replicas, value);
        }
    }

    private ElasticsearchTemplates() {}

    /**
     * Puts the templates and creates missing indices with {@link Settings#defaults()}.
     *
     * @param url Elasticsearch base URL, e.g. {@code http://localhost:9200}; several may be comma-separated
     * @return template or index name ({@code index:<name>} for indices) to what was done
     * @throws SetupException when Elasticsearch is unreachable within the timeout or refuses a request
     */
    public static Map<String, Outcome> apply(String url) {
        return apply(url, Settings.defaults());
    }

    /**
     * Puts the templates and, when {@link Settings#createIndices()}, creates missing indices.
     *
     * @param url Elasticsearch base URL, e.g. {@code http://elasticsearch:9200}; several may be comma-separated
     * @param settings index creation, replica override and timeout
     * @return template name to {@link Outcome#CREATED} / {@link Outcome#UPDATED}, then {@code index:<name>} to
     *     {@link Outcome#CREATED} / {@link Outcome#EXISTED}
     * @throws SetupException when Elasticsearch is unreachable within the timeout or refuses a request
     */
    public static Map<String, Outcome> apply(String url, Settings settings) {
        HttpHost[] hosts = parseHosts(url);
        int timeoutMs = (int) settings.timeout().toMillis();
        RestClient rest = RestClient.builder(hosts)
                .setRequestConfigCallback(config -> config.setConnectTimeout(timeoutMs)
                        .setSocketTimeout(timeoutMs)
                        .setConnectionRequestTimeout(timeoutMs))
                .build();
        try (RestClientTransport transport = new RestClientTransport(rest, new JacksonJsonpMapper())) {
            ElasticsearchClient client = new ElasticsearchClient(transport);
            String step = "reach the cluster";
            try {
                // cluster health rather than GET /: the minimal (integ-test) distribution has no GET /.
                client.cluster().health();
                Map<String, Outcome> outcomes = new LinkedHashMap<>();
                for (String index : INDICES) {
                    step = "put index template '" + index + "'";
                    outcomes.put(index, putTemplate(client, index, settings.replicas()));
                }
                if (settings.createIndices()) {
                    for (String index : INDICES) {
                        step = "create index '" + index + "'";
                        outcomes.put("index:" + index, createIndex(client, index));
                    }
                }
                return outcomes;
            } catch (ElasticsearchException e) {
                throw new SetupException("Elasticsearch at " + url + " refused to " + step + ": " + e.getMessage(), e);
            } catch (IOException | RuntimeException e) {
                throw new SetupException(
                        "Elasticsearch not reachable at " + url + ": could not " + step + " (timeout " + timeoutMs
                                + " ms). Is it running and is the URL right (http, not https, with security off)? ("
                                + SetupException.rootMessage(e) + ")",
                        e);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Closing the Elasticsearch client failed", e);
        }
    }

    /**
     * The template of one index as the JSON body of {@code PUT _index_template/<index>}.
     *
     * @param index one of {@link #INDICES}
     * @return the resource {@code elasticsearch/<index>.template.json}
     */
    public static String templateJson(String index) {
        String resource = "elasticsearch/" + index + ".template.json";
        try (InputStream in = ElasticsearchTemplates.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("No index template for '" + index + "': " + resource + " missing");
            }
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(resource, e);
        }
    }

    /** The mapped field names and their Elasticsearch types, from the template of {@code index}. */
    public static Map<String, String> mappedFields(String index) {
        JsonNode properties = parse(index).path("template").path("mappings").path("properties");
        Map<String, String> fields = new LinkedHashMap<>();
        properties
                .properties()
                .forEach(e -> fields.put(e.getKey(), e.getValue().path("type").asText()));
        return fields;
    }

    static HttpHost[] parseHosts(String url) {
        if (url == null || url.isBlank()) {
            throw new SetupException("No Elasticsearch URL given (e.g. http://localhost:9200)");
        }
        List<HttpHost> hosts = new ArrayList<>();
        for (String part : url.split(",")) {
            String trimmed = part.trim();
            if (trimmed.isEmpty()) {
                continue;
            }
            URI uri;
            try {
                uri = URI.create(trimmed.contains("://") ? trimmed : "http://" + trimmed);
            } catch (IllegalArgumentException e) {
                throw new SetupException("Not an Elasticsearch URL: '" + trimmed + "' (" + e.getMessage() + ")", e);
            }
            if (uri.getHost() == null) {
                throw new SetupException("Not an Elasticsearch URL: '" + trimmed + "' (no host)");
            }
            String scheme = uri.getScheme() == null ? "http" : uri.getScheme();
            int port = uri.getPort() == -1 ? ("https".equals(scheme) ? 443 : 9200) : uri.getPort();
            hosts.add(new HttpHost(uri.getHost(), port, scheme));
        }
        if (hosts.isEmpty()) {
            throw new SetupException("No Elasticsearch URL given (e.g. http://localhost:9200)");
        }
        return hosts.toArray(new HttpHost[0]);
    }

    private static ObjectNode parse(String index) {
        try {
            return (ObjectNode) JSON.readTree(templateJson(index));
        } catch (IOException e) {
            throw new UncheckedIOException("Index template of '" + index + "' is not JSON", e);
        }
    }

    private static Outcome putTemplate(ElasticsearchClient client, String index, Integer replicas) throws IOException {
        ObjectNode body = parse(index);
        ObjectNode template = (ObjectNode) body.path("template");
        if (replicas != null) {
            template.withObject("/settings").put("number_of_replicas", replicas);
        }
        List<String> patterns = new ArrayList<>();
        body.path("index_patterns").forEach(p -> patterns.add(p.asText()));
        Map<String, JsonData> meta = new LinkedHashMap<>();
        body.path("_meta")
                .properties()
                .forEach(e -> meta.put(e.getKey(), JsonData.of(e.getValue().asText())));
        boolean existed =
                client.indices().existsIndexTemplate(b -> b.name(index)).value();
        client.indices().putIndexTemplate(b -> b.name(index)
                .indexPatterns(patterns)
                .priority(body.path("priority").asLong(500))
                .version(body.path("version").asLong(1))
                .meta(meta)
                .template(t -> t.withJson(new StringReader(template.toString()))));
        return existed ? Outcome.UPDATED : Outcome.CREATED;
    }

    private static Outcome createIndex(ElasticsearchClient client, String index) throws IOException {
        if (client.indices().exists(b -> b.index(index)).value()) {
            return Outcome.EXISTED;
        }
        try {
            client.indices().create(b -> b.index(index));
            return Outcome.CREATED;
        } catch (ElasticsearchException e) {
            if ("resource_already_exists_exception".equals(e.error().type())) {
                return Outcome.EXISTED; // created concurrently, e.g. by the first record NiFi wrote
            }
            throw e;
        }
    }
}
