package io.github.factorytwin.it.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.github.factorytwin.setup.ElasticsearchTemplates;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Superset bundle (superset/dashboards, Superset's export format) is consistent: charts point at datasets,
 * datasets at the database, the dashboard at the charts (all by uuid), and every dataset is an index of the set-up
 * tool's templates with only mapped columns.
 */
class SupersetBundleTest {

    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static Path bundle;
    static Map<String, JsonNode> databases;
    static Map<String, JsonNode> datasets;
    static Map<String, JsonNode> charts;
    static Map<String, JsonNode> dashboards;

    @BeforeAll
    static void read() throws IOException {
        bundle = StackFilesTest.root().resolve("superset/dashboards");
        databases = byUuid("databases");
        datasets = byUuid("datasets");
        charts = byUuid("charts");
        dashboards = byUuid("dashboards");
    }

    static Map<String, JsonNode> byUuid(String dir) throws IOException {
        Map<String, JsonNode> found = new HashMap<>();
        try (Stream<Path> files = Files.walk(bundle.resolve(dir))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).toList()) {
                JsonNode doc = YAML.readTree(f.toFile());
                assertFalse(doc.path("uuid").asText().isBlank(), f + " has a uuid");
                assertEquals("1.0.0", doc.path("version").asText(), f + " export version");
                assertTrue(found.put(doc.path("uuid").asText(), doc) == null, "duplicate uuid in " + f);
            }
        }
        return found;
    }

    /**
     * Keys Superset 4.1's ImportV1*Schema accept (marshmallow rejects unknown keys, failing the whole import).
     */
    static final Map<String, Set<String>> ALLOWED = Map.of(
            "databases",
            Set.of(
                    "database_name",
                    "sqlalchemy_uri",
                    "password",
                    "cache_timeout",
                    "expose_in_sqllab",
                    "allow_run_async",
                    "allow_ctas",
                    "allow_cvas",
                    "allow_dml",
                    "allow_csv_upload",
                    "impersonate_user",
                    "extra",
                    "uuid",
                    "version",
                    "is_managed_externally",
                    "external_url"),
            "datasets",
            Set.of(
                    "table_name",
                    "main_dttm_col",
                    "description",
                    "default_endpoint",
                    "offset",
                    "cache_timeout",
                    "schema",
                    "catalog",
                    "sql",
                    "params",
                    "template_params",
                    "filter_select_enabled",
                    "fetch_values_predicate",
                    "extra",
                    "uuid",
                    "columns",
                    "metrics",
                    "version",
                    "database_uuid",
                    "data",
                    "is_managed_externally",
                    "external_url",
                    "normalize_columns",
                    "always_filter_main_dttm"),
            "charts",
            Set.of(
                    "slice_name",
                    "description",
                    "certified_by",
                    "certification_details",
                    "viz_type",
                    "params",
                    "query_context",
                    "cache_timeout",
                    "uuid",
                    "version",
                    "dataset_uuid",
                    "is_managed_externally",
                    "external_url"),
            "dashboards",
            Set.of(
                    "dashboard_title",
                    "description",
                    "css",
                    "slug",
                    "uuid",
                    "position",
                    "metadata",
                    "version",
                    "is_managed_externally",
                    "external_url",
                    "certified_by",
                    "certification_details",
                    "published"));

    static final Set<String> COLUMN_KEYS = Set.of(
            "column_name",
            "extra",
            "verbose_name",
            "is_dttm",
            "is_active",
            "type",
            "advanced_data_type",
            "groupby",
            "filterable",
            "expression",
            "description",
            "python_date_format");
    static final Set<String> METRIC_KEYS = Set.of(
            "metric_name",
            "verbose_name",
            "metric_type",
            "expression",
            "description",
            "d3format",
            "currency",
            "extra",
            "warning_text");

    @Test
    void everyKeyIsOneSupersetsImportAccepts() {
        Map<String, Map<String, JsonNode>> kinds =
                Map.of("databases", databases, "datasets", datasets, "charts", charts, "dashboards", dashboards);
        kinds.forEach((kind, docs) -> docs.values().forEach(doc -> doc.fieldNames()
                .forEachRemaining(key -> assertTrue(
                        ALLOWED.get(kind).contains(key), kind + ": Superset's import rejects key '" + key + "'"))));
        datasets.values().forEach(d -> {
            d.path("columns").forEach(c -> c.fieldNames()
                    .forEachRemaining(k -> assertTrue(COLUMN_KEYS.contains(k), "column key " + k)));
            d.path("metrics").forEach(m -> m.fieldNames()
                    .forEachRemaining(k -> assertTrue(METRIC_KEYS.contains(k), "metric key " + k)));
        });
    }

    @Test
    void metadataSaysDashboardExport() throws IOException {
        JsonNode metadata = YAML.readTree(bundle.resolve("metadata.yaml").toFile());
        assertEquals("Dashboard", metadata.path("type").asText());
        assertEquals("1.0.0", metadata.path("version").asText());
        assertEquals(1, databases.size());
        assertEquals(1, dashboards.size());
    }

    @Test
    void databaseIsElasticsearchWithoutCredentials() {
        for (JsonNode db : databases.values()) {
            String uri = db.path("sqlalchemy_uri").asText();
            assertTrue(uri.startsWith("elasticsearch+http://elasticsearch:9200"), uri);
            assertFalse(uri.contains("@"), "no credentials in the bundle: " + uri);
        }
    }

    @Test
    void everyReferenceResolves() {
        datasets.values()
                .forEach(d -> assertTrue(
                        databases.containsKey(d.path("database_uuid").asText()),
                        d.path("table_name").asText() + " -> database"));
        charts.values()
                .forEach(c -> assertTrue(
                        datasets.containsKey(c.path("dataset_uuid").asText()),
                        c.path("slice_name").asText() + " -> dataset"));
        for (JsonNode dash : dashboards.values()) {
            Set<String> placed = new HashSet<>();
            dash.path("position").forEach(item -> {
                if ("CHART".equals(item.path("type").asText())) {
                    String uuid = item.path("meta").path("uuid").asText();
                    assertTrue(
                            charts.containsKey(uuid),
                            "dashboard position " + item.path("id").asText() + " -> chart " + uuid);
                    placed.add(uuid);
                }
                item.path("children")
                        .forEach(child -> assertTrue(
                                dash.path("position").has(child.asText()), "position child " + child.asText()));
            });
            assertEquals(charts.keySet(), placed, "every chart is on the dashboard");
            assertTrue(
                    dash.path("metadata").path("refresh_frequency").asInt() > 0, "the dashboard refreshes on its own");
        }
    }

    @Test
    void theDashboardShowsWhatTheIssueAsks() {
        Set<String> titles = new HashSet<>();
        charts.values().forEach(c -> titles.add(c.path("slice_name").asText()));
        for (String t : List.of(
                "Fleet Health Overview",
                "Live Sensor Trends",
                "Anomalies per Machine",
                "Open Alerts",
                "Time to Maintenance")) {
            assertTrue(titles.contains(t), t + " in " + titles);
        }
    }

    /** Superset's column type for each Elasticsearch field type the templates use. */
    private static final Map<String, String> SUPERSET_TYPES = Map.of(
            "keyword", "STRING",
            "text", "STRING",
            "date", "DATETIME",
            "double", "DOUBLE",
            "float", "FLOAT",
            "long", "LONG",
            "boolean", "BOOLEAN");

    @Test
    void everyDatasetIsAnIndexWithMappedColumns() {
        for (JsonNode d : datasets.values()) {
            String index = d.path("table_name").asText();
            assertTrue(ElasticsearchTemplates.INDICES.contains(index), index + " is one of the set-up tool's indices");
            Map<String, String> mapped = ElasticsearchTemplates.mappedFields(index);
            for (JsonNode col : d.path("columns")) {
                String name = col.path("column_name").asText();
                assertTrue(mapped.containsKey(name), index + "." + name + " is not mapped in the index template");
                assertEquals(
                        "date".equals(mapped.get(name)),
                        col.path("is_dttm").asBoolean(),
                        index + "." + name + " is_dttm");
                assertEquals(
                        SUPERSET_TYPES.get(mapped.get(name)),
                        col.path("type").asText(),
                        index + "." + name + " is mapped as " + mapped.get(name));
            }
            assertTrue(mapped.containsKey(d.path("main_dttm_col").asText()), index + " main_dttm_col");
        }
    }

    @Test
    void chartsUseOnlyTheirDatasetsColumns() {
        for (JsonNode c : charts.values()) {
            JsonNode dataset = datasets.get(c.path("dataset_uuid").asText());
            Set<String> columns = new HashSet<>();
            dataset.path("columns")
                    .forEach(col -> columns.add(col.path("column_name").asText()));
            Set<String> metrics = new HashSet<>();
            dataset.path("metrics")
                    .forEach(m -> metrics.add(m.path("metric_name").asText()));
            List<String> used = new ArrayList<>();
            JsonNode p = c.path("params");
            for (String key : List.of("groupby", "all_columns", "columns")) {
                p.path(key).forEach(v -> used.add(v.asText()));
            }
            if (p.has("x_axis")) {
                used.add(p.path("x_axis").asText());
            }
            p.findValues("column_name").forEach(v -> used.add(v.asText()));
            p.path("adhoc_filters").forEach(f -> used.add(f.path("subject").asText()));
            for (String col : used) {
                assertTrue(
                        columns.contains(col),
                        c.path("slice_name").asText() + " uses column " + col + " not in "
                                + dataset.path("table_name").asText());
            }
            List<JsonNode> ms = new ArrayList<>();
            p.path("metrics").forEach(ms::add);
            if (p.has("metric")) {
                ms.add(p.path("metric"));
            }
            for (JsonNode m : ms) {
                if (m.isTextual()) {
                    assertTrue(
                            metrics.contains(m.asText()),
                            c.path("slice_name").asText() + " uses saved metric " + m.asText());
                }
            }
            assertEquals(
                    c.path("viz_type").asText(),
                    p.path("viz_type").asText(),
                    c.path("slice_name").asText());
        }
    }
}
