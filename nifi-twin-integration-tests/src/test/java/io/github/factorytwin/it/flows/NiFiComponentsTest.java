package io.github.factorytwin.it.flows;

import static io.github.factorytwin.it.flows.FlowFiles.all;
import static io.github.factorytwin.it.flows.FlowFiles.isOurs;
import static io.github.factorytwin.it.flows.FlowFiles.properties;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.nifi.components.ConfigurableComponent;
import org.apache.nifi.components.PropertyDescriptor;
import org.apache.nifi.json.JsonRecordSetWriter;
import org.apache.nifi.json.JsonTreeReader;
import org.apache.nifi.processor.Relationship;
import org.apache.nifi.processors.standard.MergeRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * NiFi's own components in the flows must be exactly those of the pinned release: type, bundle, and property NAMES
 * (a display name would silently become a dynamic property) as listed in flows/nifi-2.6.0-components.json, which
 * flows/tools/extract-nifi-components.py reads from NiFi's source at rel/nifi-2.6.0.
 */
class NiFiComponentsTest {

    static List<Path> flows() {
        return FlowFiles.flows();
    }

    @Test
    void componentListIsForThePinnedRelease() {
        JsonNode list = FlowFiles.components();
        assertEquals(FlowFiles.nifiVersion(), list.path("nifiVersion").asText());
        assertEquals("rel/nifi-" + FlowFiles.nifiVersion(), list.path("tag").asText());
        list.path("components")
                .forEach(c -> assertEquals(
                        FlowFiles.nifiVersion(),
                        c.path("bundle").path("version").asText(),
                        c.path("type").asText()));
    }

    @ParameterizedTest
    @MethodSource("flows")
    void nifiComponentsMatchThePinnedRelease(Path file) {
        JsonNode flow = FlowFiles.read(file);
        Map<String, JsonNode> known = FlowFiles.componentsByType();
        List<String> problems = new ArrayList<>();
        for (String kind : List.of("processors", "controllerServices")) {
            for (JsonNode c : all(flow, kind)) {
                if (isOurs(c)) {
                    continue;
                }
                String name = c.path("name").asText();
                JsonNode entry = known.get(c.path("type").asText());
                if (entry == null) {
                    problems.add(name + ": type " + c.path("type").asText() + " not in the component list");
                    continue;
                }
                if (!entry.path("bundle").equals(c.path("bundle"))) {
                    problems.add(name + ": bundle " + c.path("bundle") + ", NiFi " + FlowFiles.nifiVersion() + " has "
                            + entry.path("bundle"));
                }
                String expectedKind = kind.equals("processors") ? "PROCESSOR" : "CONTROLLER_SERVICE";
                if (!expectedKind.equals(entry.path("kind").asText())) {
                    problems.add(name + ": a " + entry.path("kind").asText() + " listed under " + kind);
                }
                Set<String> names = new TreeSet<>();
                Map<String, String> displayToName = new HashMap<>();
                entry.path("properties").forEach(p -> {
                    names.add(p.path("name").asText());
                    displayToName.put(
                            p.path("displayName").asText(), p.path("name").asText());
                });
                for (String property : properties(c).keySet()) {
                    if (!names.contains(property)) {
                        String hint = displayToName.containsKey(property)
                                ? " (a display name: use '" + displayToName.get(property) + "')"
                                : "";
                        problems.add(name + ": property '" + property + "' is not a descriptor name of "
                                + entry.path("type").asText() + hint);
                    }
                }
            }
        }
        assertTrue(problems.isEmpty(), file.getFileName() + ":\n  " + String.join("\n  ", problems));
    }

    /**
     * As NiFi 2.6.0 exports a component: every property it has, unset ones with their default (null without one).
     * A missing property is added on import, by migration possibly with another value than the default (the JSON
     * writer's 'Allow Scientific Notation' became true), and a freshly deployed group is then LOCALLY_MODIFIED.
     */
    @ParameterizedTest
    @MethodSource("flows")
    void nifiComponentsCarryEveryPropertyTheyHave(Path file) {
        Map<String, JsonNode> known = FlowFiles.componentsByType();
        List<String> problems = new ArrayList<>();
        for (String kind : List.of("processors", "controllerServices")) {
            for (JsonNode c : all(FlowFiles.read(file), kind)) {
                JsonNode entry = known.get(c.path("type").asText());
                if (isOurs(c) || entry == null) {
                    continue;
                }
                entry.path("properties").forEach(p -> {
                    if (!c.path("properties").has(p.path("name").asText())) {
                        problems.add(c.path("name").asText() + " lacks '"
                                + p.path("name").asText() + "' (default " + p.path("default") + ")");
                    }
                });
            }
        }
        assertTrue(problems.isEmpty(), file.getFileName() + ":\n  " + String.join("\n  ", problems));
    }

    @Test
    void theJsonWriterSaysAllowScientificNotationFalseAsNiFiExportsIt() {
        for (Path file : flows()) {
            for (JsonNode s : all(FlowFiles.read(file), "controllerServices")) {
                if (s.path("type").asText().equals(JsonRecordSetWriter.class.getName())) {
                    assertEquals(
                            "false",
                            properties(s).get("Allow Scientific Notation"),
                            file.getFileName() + ": " + s.path("name").asText());
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("flows")
    void controllerServiceReferencesResolveInTheFile(Path file) {
        JsonNode flow = FlowFiles.read(file);
        Map<String, JsonNode> services = new HashMap<>();
        all(flow, "controllerServices")
                .forEach(s -> services.put(s.path("identifier").asText(), s));
        Map<String, JsonNode> known = FlowFiles.componentsByType();
        List<String> problems = new ArrayList<>();
        for (String kind : List.of("processors", "controllerServices")) {
            for (JsonNode c : all(flow, kind)) {
                JsonNode entry = known.get(c.path("type").asText());
                Map<String, String> props = properties(c);
                if (entry != null) {
                    entry.path("properties").forEach(p -> {
                        String value = props.get(p.path("name").asText());
                        if (p.path("controllerService").asBoolean() && value != null && !services.containsKey(value)) {
                            problems.add(c.path("name").asText() + "."
                                    + p.path("name").asText() + " = '" + value
                                    + "' is no service identifier in the file");
                        }
                    });
                }
                // Our processors: every value that looks like a service name must be the identifier instead.
                for (Map.Entry<String, String> e : props.entrySet()) {
                    for (JsonNode s : services.values()) {
                        if (s.path("name").asText().equals(e.getValue())) {
                            problems.add(c.path("name").asText() + "." + e.getKey() + " names service '" + e.getValue()
                                    + "': use its identifier");
                        }
                    }
                }
            }
        }
        assertTrue(problems.isEmpty(), file.getFileName() + ":\n  " + String.join("\n  ", problems));
    }

    @ParameterizedTest
    @MethodSource("flows")
    void connectionsAreExplicitAboutSecurity(Path file) {
        for (JsonNode s : all(FlowFiles.read(file), "controllerServices")) {
            Map<String, String> props = properties(s);
            switch (s.path("type").asText()) {
                case "org.apache.nifi.kafka.service.Kafka3ConnectionService" ->
                    assertEquals(
                            "PLAINTEXT",
                            props.get("security.protocol"),
                            s.path("name").asText() + ": say PLAINTEXT explicitly (newer NiFi defaults differ)");
                case "org.apache.nifi.elasticsearch.ElasticSearchClientServiceImpl" ->
                    assertEquals(
                            "NONE",
                            props.get("authorization-scheme"),
                            s.path("name").asText() + ": say NONE explicitly");
                default -> {}
            }
        }
        for (JsonNode p : all(FlowFiles.read(file), "processors")) {
            if (p.path("type").asText().equals("org.apache.nifi.kafka.processors.ConsumeKafka")) {
                assertEquals(
                        "RECORD",
                        properties(p).get("Processing Strategy"),
                        p.path("name").asText());
            }
        }
    }

    /** The extractor read these from source; the real 2.6.0 classes on the test class path must agree. */
    @Test
    void componentListAgreesWithTheClassesOnTheClassPath() {
        Map<String, JsonNode> known = FlowFiles.componentsByType();
        check(known.get(JsonTreeReader.class.getName()), new JsonTreeReader(), null);
        check(known.get(JsonRecordSetWriter.class.getName()), new JsonRecordSetWriter(), null);
        MergeRecord merge = new MergeRecord();
        check(known.get(MergeRecord.class.getName()), merge, merge.getRelationships());
    }

    private static void check(JsonNode entry, ConfigurableComponent component, Set<Relationship> relationships) {
        Set<String> listed = new TreeSet<>();
        entry.path("properties").forEach(p -> listed.add(p.path("name").asText()));
        Set<String> actual = new TreeSet<>();
        Map<String, Boolean> serviceProperty = new HashMap<>();
        for (PropertyDescriptor d : component.getPropertyDescriptors()) {
            actual.add(d.getName());
            serviceProperty.put(d.getName(), d.getControllerServiceDefinition() != null);
        }
        assertEquals(actual, listed, entry.path("type").asText() + " property names");
        Map<String, String> defaults = new HashMap<>();
        for (PropertyDescriptor d : component.getPropertyDescriptors()) {
            defaults.put(d.getName(), d.getDefaultValue());
        }
        entry.path("properties")
                .forEach(p -> assertEquals(
                        defaults.get(p.path("name").asText()),
                        p.path("default").isNull() ? null : p.path("default").asText(),
                        entry.path("type").asText() + "." + p.path("name").asText() + " default"));
        entry.path("properties")
                .forEach(p -> assertEquals(
                        serviceProperty.get(p.path("name").asText()),
                        p.path("controllerService").asBoolean(),
                        entry.path("type").asText() + "." + p.path("name").asText()
                                + " identifies a controller service"));
        if (relationships != null) {
            Set<String> rels = new TreeSet<>();
            relationships.forEach(r -> rels.add(r.getName()));
            Set<String> listedRels = new TreeSet<>();
            entry.path("relationships")
                    .forEach(r -> listedRels.add(r.path("name").asText()));
            assertEquals(rels, listedRels, entry.path("type").asText() + " relationships");
        }
    }
}
