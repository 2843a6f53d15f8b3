package io.github.factorytwin.it.flows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The repository's flows/ directory, read as JSON trees, and the checked-in NiFi component list. */
final class FlowFiles {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Pattern PARAMETER = Pattern.compile("#\\{([^}]+)}");
    static final String OUR_GROUP = "io.github.factorytwin";
    static final String OUR_ARTIFACT = "nifi-twin-nar";

    private FlowFiles() {}

    static Path root() {
        return Path.of(System.getProperty("twin.root", "..")).toAbsolutePath().normalize();
    }

    static Path flowsDir() {
        return root().resolve("flows");
    }

    static String nifiVersion() {
        return System.getProperty("nifi.version", "2.6.0");
    }

    static String twinVersion() {
        return System.getProperty("twin.version", "0.1.0-SNAPSHOT");
    }

    /** Every flow definition: flows/*.json except the component list. */
    static List<Path> flows() {
        try (Stream<Path> files = Files.list(flowsDir())) {
            return files.filter(p -> p.getFileName().toString().endsWith(".json"))
                    .filter(p -> !p.getFileName().toString().startsWith("nifi-"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode read(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(file.toString(), e);
        }
    }

    static JsonNode components() {
        return read(flowsDir().resolve("nifi-" + nifiVersion() + "-components.json"));
    }

    /** Component list entries by type. */
    static Map<String, JsonNode> componentsByType() {
        Map<String, JsonNode> byType = new LinkedHashMap<>();
        components().path("components").forEach(c -> byType.put(c.path("type").asText(), c));
        return byType;
    }

    /** Every process group of the flow, the root first. */
    static List<JsonNode> groups(JsonNode flow) {
        List<JsonNode> groups = new ArrayList<>();
        collect(flow.path("flowContents"), groups);
        return groups;
    }

    private static void collect(JsonNode group, List<JsonNode> into) {
        into.add(group);
        group.path("processGroups").forEach(g -> collect(g, into));
    }

    static List<JsonNode> all(JsonNode flow, String kind) {
        List<JsonNode> items = new ArrayList<>();
        for (JsonNode group : groups(flow)) {
            group.path(kind).forEach(items::add);
        }
        return items;
    }

    /** Parameter name to value, from every parameter context of the flow. */
    static Map<String, String> parameters(JsonNode flow) {
        Map<String, String> params = new LinkedHashMap<>();
        flow.path("parameterContexts").forEach(ctx -> ctx.path("parameters")
                .forEach(p -> params.put(
                        p.path("name").asText(),
                        p.path("value").isNull() ? null : p.path("value").asText())));
        return params;
    }

    /** {@code value} with every {@code #{name}} replaced from {@code params}; unknown names stay as they are. */
    static String substitute(String value, Map<String, String> params) {
        if (value == null) {
            return null;
        }
        Matcher m = PARAMETER.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String replacement = params.containsKey(m.group(1)) ? params.get(m.group(1)) : m.group();
            m.appendReplacement(out, Matcher.quoteReplacement(replacement == null ? "" : replacement));
        }
        m.appendTail(out);
        return out.toString();
    }

    static boolean isOurs(JsonNode component) {
        return OUR_GROUP.equals(component.path("bundle").path("group").asText());
    }

    static Map<String, String> properties(JsonNode component) {
        Map<String, String> props = new LinkedHashMap<>();
        component
                .path("properties")
                .properties()
                .forEach(e -> props.put(
                        e.getKey(), e.getValue().isNull() ? null : e.getValue().asText()));
        return props;
    }
}
