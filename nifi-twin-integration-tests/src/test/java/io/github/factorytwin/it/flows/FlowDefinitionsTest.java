package io.github.factorytwin.it.flows;

import static io.github.factorytwin.it.flows.FlowFiles.all;
import static io.github.factorytwin.it.flows.FlowFiles.isOurs;
import static io.github.factorytwin.it.flows.FlowFiles.parameters;
import static io.github.factorytwin.it.flows.FlowFiles.properties;
import static io.github.factorytwin.it.flows.FlowFiles.substitute;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import org.apache.nifi.flow.VersionedConnection;
import org.apache.nifi.flow.VersionedControllerService;
import org.apache.nifi.flow.VersionedExternalFlow;
import org.apache.nifi.flow.VersionedProcessor;
import org.apache.nifi.registry.flow.RegisteredFlowSnapshot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Structural checks of every flow in flows/: what NiFi 2.6.0's upload needs, and what keeps a flow honest (no
 * dangling relationship, no unknown parameter, no display name used as a property name, no silent drop).
 */
class FlowDefinitionsTest {

    static final List<String> PROCESSOR_FIELDS = List.of(
            "identifier",
            "name",
            "bundle",
            "properties",
            "propertyDescriptors",
            "position",
            "schedulingStrategy",
            "schedulingPeriod",
            "executionNode",
            "penaltyDuration",
            "yieldDuration",
            "bulletinLevel",
            "runDurationMillis",
            "concurrentlySchedulableTaskCount",
            "autoTerminatedRelationships");
    static final List<String> SERVICE_FIELDS =
            List.of("identifier", "name", "bundle", "properties", "propertyDescriptors");
    static final List<String> CONNECTION_FIELDS = List.of(
            "selectedRelationships",
            "backPressureObjectThreshold",
            "backPressureDataSizeThreshold",
            "flowFileExpiration",
            "labelIndex",
            "zIndex",
            "source",
            "destination");

    /** Relationships that carry trouble: never auto-terminated, always routed somewhere visible. */
    static final Set<String> TROUBLE = Set.of("failure", "parse failure", "retry", "errors", "error_responses");

    static List<Path> flows() {
        return FlowFiles.flows();
    }

    @Test
    void theFlowsAreThere() {
        List<String> names =
                flows().stream().map(p -> p.getFileName().toString()).toList();
        assertTrue(
                names.containsAll(List.of("factory-twin.json", "model-training.json", "mongodb-sink.json")),
                names.toString());
    }

    @ParameterizedTest
    @MethodSource("flows")
    void parsesIntoNiFisFlowModel(Path file) throws Exception {
        // Strict: a misspelt field would be dropped silently by NiFi's lenient reader.
        ObjectMapper strict = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        RegisteredFlowSnapshot snapshot = strict.readValue(file.toFile(), RegisteredFlowSnapshot.class);
        assertNotNull(snapshot.getFlowContents(), "flowContents");
        assertFalse(snapshot.getFlowContents().getProcessors().isEmpty(), "processors");
        assertNotNull(snapshot.getParameterContexts(), "parameterContexts");
        assertNotNull(snapshot.getParameterProviders(), "parameterProviders");
        assertNotNull(snapshot.getExternalControllerServices(), "externalControllerServices");
        assertEquals("1.0", snapshot.getFlowEncodingVersion());
        VersionedExternalFlow external = new ObjectMapper()
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .readValue(file.toFile(), VersionedExternalFlow.class);
        assertEquals(
                snapshot.getFlowContents().getName(), external.getFlowContents().getName());
        for (VersionedProcessor p : snapshot.getFlowContents().getProcessors()) {
            assertNotNull(p.getBundle(), p.getName());
            assertNotNull(p.getSchedulingPeriod(), p.getName());
        }
        for (VersionedControllerService s : snapshot.getFlowContents().getControllerServices()) {
            assertFalse(s.getControllerServiceApis().isEmpty(), s.getName() + " declares its service API");
        }
        for (VersionedConnection c : snapshot.getFlowContents().getConnections()) {
            assertNotNull(c.getSource().getType(), c.getIdentifier());
        }
    }

    @ParameterizedTest
    @MethodSource("flows")
    void everyComponentHasTheFieldsNiFisUploadReads(Path file) {
        JsonNode flow = FlowFiles.read(file);
        List<String> missing = new ArrayList<>();
        for (JsonNode p : all(flow, "processors")) {
            PROCESSOR_FIELDS.stream()
                    .filter(f -> !p.has(f))
                    .forEach(f -> missing.add("processor " + p.path("name").asText() + ": " + f));
            for (String b : List.of("group", "artifact", "version")) {
                if (p.path("bundle").path(b).asText().isBlank()) {
                    missing.add("processor " + p.path("name").asText() + ": bundle." + b);
                }
            }
        }
        for (JsonNode s : all(flow, "controllerServices")) {
            SERVICE_FIELDS.stream()
                    .filter(f -> !s.has(f))
                    .forEach(f -> missing.add("service " + s.path("name").asText() + ": " + f));
        }
        for (JsonNode c : all(flow, "connections")) {
            CONNECTION_FIELDS.stream()
                    .filter(f -> !c.has(f))
                    .forEach(f ->
                            missing.add("connection " + c.path("identifier").asText() + ": " + f));
            if (c.path("source").path("type").asText().isBlank()) {
                missing.add("connection " + c.path("identifier").asText() + ": source.type");
            }
            if (c.path("destination").path("type").asText().isBlank()) {
                missing.add("connection " + c.path("identifier").asText() + ": destination.type");
            }
        }
        for (String f : List.of(
                "flowContents",
                "parameterContexts",
                "parameterProviders",
                "externalControllerServices",
                "flowEncodingVersion")) {
            if (!flow.has(f)) {
                missing.add(f);
            }
        }
        assertTrue(missing.isEmpty(), file.getFileName() + " misses " + missing);
    }

    @ParameterizedTest
    @MethodSource("flows")
    void identifiersAreUniqueAndConnectionsResolve(Path file) {
        JsonNode flow = FlowFiles.read(file);
        Map<String, String> typeById = new HashMap<>();
        Set<String> duplicates = new TreeSet<>();
        for (String kind : List.of(
                "processors", "funnels", "inputPorts", "outputPorts", "controllerServices", "labels", "connections")) {
            String type =
                    switch (kind) {
                        case "processors" -> "PROCESSOR";
                        case "funnels" -> "FUNNEL";
                        case "inputPorts" -> "INPUT_PORT";
                        case "outputPorts" -> "OUTPUT_PORT";
                        default -> kind;
                    };
            for (JsonNode c : all(flow, kind)) {
                if (typeById.put(c.path("identifier").asText(), type) != null) {
                    duplicates.add(c.path("identifier").asText());
                }
            }
        }
        assertTrue(duplicates.isEmpty(), "duplicate identifiers " + duplicates);
        for (JsonNode c : all(flow, "connections")) {
            for (String end : List.of("source", "destination")) {
                String id = c.path(end).path("id").asText();
                assertEquals(
                        typeById.get(id),
                        c.path(end).path("type").asText(),
                        file.getFileName() + ": connection " + c.path("name").asText() + " " + end + " " + id);
            }
            assertFalse(
                    c.path("selectedRelationships").isEmpty()
                            && "PROCESSOR".equals(c.path("source").path("type").asText()),
                    "a processor connection selects relationships");
        }
    }

    @ParameterizedTest
    @MethodSource("flows")
    void everyRelationshipIsRoutedAndEveryRoutedOneExists(Path file) {
        JsonNode flow = FlowFiles.read(file);
        Map<String, String> params = parameters(flow);
        Map<String, Set<String>> connected = new HashMap<>();
        for (JsonNode c : all(flow, "connections")) {
            Set<String> rels =
                    connected.computeIfAbsent(c.path("source").path("id").asText(), k -> new HashSet<>());
            c.path("selectedRelationships").forEach(r -> rels.add(r.asText()));
        }
        List<String> problems = new ArrayList<>();
        for (JsonNode p : all(flow, "processors")) {
            String name = p.path("name").asText();
            Set<String> available = Relationships.of(p, params);
            Set<String> auto = new HashSet<>();
            p.path("autoTerminatedRelationships").forEach(r -> auto.add(r.asText()));
            Set<String> routed = connected.getOrDefault(p.path("identifier").asText(), Set.of());
            for (String r : routed) {
                if (!available.contains(r)) {
                    problems.add(name + ": connection from relationship '" + r + "' it does not have " + available);
                }
            }
            for (String r : auto) {
                if (!available.contains(r)) {
                    problems.add(name + ": auto-terminates '" + r + "' it does not have " + available);
                }
                if (TROUBLE.contains(r)) {
                    problems.add(name + ": auto-terminates '" + r + "': route it somewhere visible (dead letter)");
                }
                if (routed.contains(r)) {
                    problems.add(name + ": '" + r + "' is both connected and auto-terminated");
                }
            }
            for (String r : available) {
                if (!routed.contains(r) && !auto.contains(r)) {
                    problems.add(name + ": relationship '" + r + "' is neither connected nor auto-terminated");
                }
            }
            p.path("retriedRelationships").forEach(r -> {
                if (!routed.contains(r.asText())) {
                    problems.add(name + ": retried relationship '" + r.asText()
                            + "' needs a connection for when retries run out");
                }
            });
        }
        assertTrue(problems.isEmpty(), file.getFileName() + ":\n  " + String.join("\n  ", problems));
    }

    @ParameterizedTest
    @MethodSource("flows")
    void everyParameterReferenceExists(Path file) {
        JsonNode flow = FlowFiles.read(file);
        Map<String, String> params = parameters(flow);
        assertEquals(1, flow.path("parameterContexts").size(), "one parameter context");
        assertTrue(flow.path("parameterContexts").has("Factory Twin"), "the context is 'Factory Twin'");
        for (JsonNode group : FlowFiles.groups(flow)) {
            assertEquals(
                    "Factory Twin",
                    group.path("parameterContextName").asText(),
                    group.path("name").asText());
        }
        Set<String> unknown = new TreeSet<>();
        Set<String> referenced = new TreeSet<>();
        for (String kind : List.of("processors", "controllerServices")) {
            for (JsonNode c : all(flow, kind)) {
                properties(c).values().forEach(v -> {
                    if (v != null) {
                        Matcher m = FlowFiles.PARAMETER.matcher(v);
                        while (m.find()) {
                            referenced.add(m.group(1));
                            if (!params.containsKey(m.group(1))) {
                                unknown.add(c.path("name").asText() + ": #{" + m.group(1) + "}");
                            }
                        }
                    }
                });
            }
        }
        assertTrue(unknown.isEmpty(), "parameters missing from the context: " + unknown);
        assertFalse(referenced.isEmpty(), "the flow uses its parameters");
        flow.path("parameterContexts").forEach(ctx -> ctx.path("parameters").forEach(p -> {
            assertFalse(p.path("sensitive").asBoolean(), p.path("name").asText() + ": no secrets in the flow files");
            assertFalse(
                    p.path("value").isNull() || p.path("value").asText().isBlank(),
                    p.path("name").asText() + " has a value");
        }));
    }

    @Test
    void everyFlowSharesOneParameterContextDefinition() {
        Map<String, String> first = null;
        for (Path file : flows()) {
            Map<String, String> params = parameters(FlowFiles.read(file));
            if (first == null) {
                first = params;
            }
            assertEquals(
                    first,
                    params,
                    file.getFileName()
                            + ": importing several flows shares the context by name, so every flow must define it the same");
        }
    }

    /** A parameter no flow uses would let an operator change a setting that changes nothing. */
    @Test
    void everyParameterOfTheContextIsUsedBySomeFlow() {
        Set<String> defined = new TreeSet<>();
        Set<String> used = new TreeSet<>();
        for (Path file : flows()) {
            JsonNode flow = FlowFiles.read(file);
            defined.addAll(parameters(flow).keySet());
            for (String kind : List.of("processors", "controllerServices")) {
                for (JsonNode c : all(flow, kind)) {
                    properties(c).values().forEach(v -> {
                        Matcher m = FlowFiles.PARAMETER.matcher(v == null ? "" : v);
                        while (m.find()) {
                            used.add(m.group(1));
                        }
                    });
                }
            }
        }
        defined.removeAll(used);
        assertTrue(defined.isEmpty(), "parameters no flow references: " + defined);
    }

    @ParameterizedTest
    @MethodSource("flows")
    void ourComponentsUseOurBundle(Path file) {
        for (JsonNode p : all(FlowFiles.read(file), "processors")) {
            if (p.path("type").asText().startsWith("io.github.factorytwin.")) {
                assertTrue(isOurs(p), p.path("name").asText());
                assertEquals(
                        FlowFiles.OUR_ARTIFACT,
                        p.path("bundle").path("artifact").asText());
                assertEquals(
                        FlowFiles.twinVersion(),
                        p.path("bundle").path("version").asText(),
                        p.path("name").asText() + ": bundle version must be the project version");
            }
        }
    }

    @ParameterizedTest
    @MethodSource("flows")
    void everyBackPressureIsBounded(Path file) {
        for (JsonNode c : all(FlowFiles.read(file), "connections")) {
            assertTrue(
                    c.path("backPressureObjectThreshold").asLong() > 0,
                    c.path("name").asText());
            assertTrue(
                    c.path("backPressureDataSizeThreshold").asText().matches("\\d+ (B|KB|MB|GB)"),
                    c.path("name").asText());
            assertEquals(
                    "0 sec",
                    c.path("flowFileExpiration").asText(),
                    "nothing expires silently: " + c.path("name").asText());
        }
    }

    @Test
    void parameterSubstitutionReplacesKnownNames() {
        assertEquals("a-x-b", substitute("a-#{p}-b", Map.of("p", "x")));
        assertEquals("#{q}", substitute("#{q}", Map.of("p", "x")));
        if (!FlowFiles.PARAMETER.matcher("#{x}").matches()) {
            fail("parameter pattern");
        }
    }
}
