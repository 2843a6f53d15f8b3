package io.github.factorytwin.it.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * registry/import-flows.sh against a stand-in of the NiFi and NiFi Registry REST API (the calls the script makes,
 * answered as NiFi 2.6.0 answers them, with the state they change): an unsecured NiFi (no login offered), a secured
 * one (login offered, bearer token required; plain HTTP here, so TLS itself is not covered), a re-run that changes
 * nothing, and the upgrade path (only when asked; refused over local changes). Needs bash, curl, jq, sha256sum.
 */
class ImportFlowsScriptTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String TOKEN = "token-for-twin";
    static final String ROOT = "0a1b2c3d-root";

    @TempDir
    Path flows;

    FakeNiFi fake;

    @BeforeEach
    void start() throws IOException {
        try (Stream<Path> files = Files.list(StackFilesTest.root().resolve("flows"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".json")).toList()) {
                Files.copy(f, flows.resolve(f.getFileName()));
            }
        }
        fake = new FakeNiFi();
    }

    @AfterEach
    void stop() {
        fake.server.stop(0);
    }

    @Test
    void deploysToAnUnsecuredNiFiWithoutLoggingInAndSaysSo() throws Exception {
        fake.loginSupported = false;
        Run run = run(Map.of());
        assertEquals(0, run.exit, run.output);
        assertTrue(run.output.contains("is unsecured"), run.output);
        assertFalse(fake.requests.stream().anyMatch(r -> r.contains("/access/token")), "no login attempted");
        assertFalse(fake.requests.stream().anyMatch(r -> r.contains("Bearer")), "no token sent");
        assertEquals(1, fake.groups.size(), "factory-twin deployed");
        assertEquals(3, fake.versions.size(), "three flows imported");
        assertTrue(run.output.contains("NiFi says UP_TO_DATE"), run.output);
    }

    @Test
    void treatsTheHttpsOnlyTokenAnswerAsUnsecured() throws Exception {
        fake.loginSupported = true;
        fake.tokenOverHttps = false;
        Run run = run(Map.of("NIFI_USERNAME", "twin", "NIFI_PASSWORD", "a-long-password"));
        assertEquals(0, run.exit, run.output);
        assertTrue(run.output.contains("treating it as unsecured"), run.output);
        assertEquals(1, fake.groups.size());
    }

    @Test
    void logsIntoASecuredNiFiAndSendsTheTokenOnEveryCall() throws Exception {
        fake.loginSupported = true;
        Run run = run(Map.of("NIFI_USERNAME", "twin", "NIFI_PASSWORD", "a-long-password"));
        assertEquals(0, run.exit, run.output);
        assertTrue(run.output.contains("is secured"), run.output);
        assertEquals(0, fake.unauthorized, "every NiFi call carried the token");
        assertEquals(1, fake.groups.size());
    }

    @Test
    void wrongCredentialsStopWithAClearMessage() throws Exception {
        fake.loginSupported = true;
        Run run = run(Map.of("NIFI_USERNAME", "twin", "NIFI_PASSWORD", "wrong"));
        assertNotEquals(0, run.exit);
        assertTrue(run.output.contains("refused the login"), run.output);
        assertTrue(fake.groups.isEmpty());
    }

    @Test
    void aSecondRunChangesNothing() throws Exception {
        assertEquals(0, run(Map.of()).exit);
        int posts = fake.posts();
        Run again = run(Map.of());
        assertEquals(0, again.exit, again.output);
        assertEquals(posts, fake.posts(), "no new bucket, flow, version, client or group: " + fake.requests);
        assertEquals(1, fake.groups.size());
    }

    @Test
    void upgradesADeployedGroupOnlyWhenAskedAndNeverOverLocalChanges() throws Exception {
        assertEquals(0, run(Map.of()).exit);
        Group group = fake.groups.values().iterator().next();
        assertEquals("1", group.version);

        // A changed flow file becomes version 2 in the Registry; the group stays where it is unless asked.
        Path twin = flows.resolve("factory-twin.json");
        ObjectNode flow = (ObjectNode) JSON.readTree(twin.toFile());
        ((ObjectNode) flow.path("flowContents")).put("comments", "changed");
        JSON.writeValue(twin.toFile(), flow);
        Run plain = run(Map.of());
        assertEquals(0, plain.exit, plain.output);
        assertEquals("1", group.version);
        assertTrue(plain.output.contains("run with --upgrade"), plain.output);

        Run upgrade = run(Map.of(), "--upgrade");
        assertEquals(0, upgrade.exit, upgrade.output);
        assertEquals("2", group.version, upgrade.output);
        assertTrue(upgrade.output.contains("upgraded from version 1 to 2"), upgrade.output);
        assertTrue(fake.deletedRequests > 0, "the update request is cleaned up");
        // NiFi 2.6.0 refuses to change an enabled service in an update request (seen in a real NiFi)
        assertTrue(upgrade.output.contains("controller services disabled for the upgrade"), upgrade.output);
        assertEquals("ENABLED", fake.serviceStates.get(group.id), "services are enabled again after the upgrade");
        assertFalse(
                fake.requests.stream().anyMatch(r -> r.contains("parameter-contexts")),
                "the operator's parameter values are left to NiFi's upgrade, which keeps them");

        ((ObjectNode) flow.path("flowContents")).put("comments", "changed again");
        JSON.writeValue(twin.toFile(), flow);
        group.modified = true;
        Run refused = run(Map.of("UPGRADE_FLOWS", "true"));
        assertNotEquals(0, refused.exit, refused.output);
        assertTrue(refused.output.contains("has local changes"), refused.output);
        assertEquals("2", group.version);
    }

    record Run(int exit, String output) {}

    Run run(Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                "bash",
                StackFilesTest.root().resolve("registry/import-flows.sh").toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().remove("NIFI_USERNAME");
        pb.environment().remove("NIFI_PASSWORD");
        pb.environment().remove("UPGRADE_FLOWS");
        pb.environment().put("NIFI_URL", fake.url());
        pb.environment().put("REGISTRY_URL", fake.url());
        pb.environment().put("FLOWS_DIR", flows.toString());
        pb.environment().put("WAIT_SECONDS", "5");
        pb.environment().putAll(env);
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the script finishes");
        return new Run(p.exitValue(), output);
    }

    record Status(int code, String body) {}

    static final class Group {
        final String id;
        final String name;
        final String flowId;
        String version;
        boolean modified;

        Group(String id, String name, String flowId, String version) {
            this.id = id;
            this.name = name;
            this.flowId = flowId;
            this.version = version;
        }
    }

    /** The REST calls of the script, with the state they read and change. */
    static final class FakeNiFi {
        final HttpServer server;
        final List<String> requests = new ArrayList<>();
        final Map<String, String> buckets = new LinkedHashMap<>();
        final Map<String, String> flowsByName = new LinkedHashMap<>();
        final Map<String, List<String>> versions = new LinkedHashMap<>(); // flow id -> comments per version
        final Map<String, String> clients = new LinkedHashMap<>();
        final Map<String, Group> groups = new LinkedHashMap<>();
        boolean loginSupported;
        boolean tokenOverHttps = true;
        int unauthorized;
        int deletedRequests;
        final Map<String, String> serviceStates = new java.util.HashMap<>();
        int ids;

        FakeNiFi() throws IOException {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/", this::handle);
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }

        int posts() {
            return (int) requests.stream().filter(r -> r.startsWith("POST")).count();
        }

        String id(String prefix) {
            return prefix + "-" + (++ids);
        }

        void handle(HttpExchange ex) throws IOException {
            try (ex) {
                String method = ex.getRequestMethod();
                String path = ex.getRequestURI().getPath();
                String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                String auth = ex.getRequestHeaders().getFirst("Authorization");
                synchronized (this) {
                    requests.add(method + " " + path + (auth == null ? "" : " " + auth));
                    Object answer = answer(ex, method, path, body, auth);
                    if (answer instanceof Integer status) {
                        send(ex, status, "stand-in says " + status);
                    } else if (answer instanceof Status status) {
                        send(ex, status.code(), status.body());
                    } else {
                        send(ex, 200, answer instanceof String s ? s : JSON.writeValueAsString(answer));
                    }
                }
            }
        }

        static void send(HttpExchange ex, int status, String body) throws IOException {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        }

        Object answer(HttpExchange ex, String method, String path, String body, String auth) throws IOException {
            String reg = "/nifi-registry-api";
            Matcher m;
            if (path.startsWith(reg)) {
                String p = path.substring(reg.length());
                if (p.equals("/buckets")) {
                    if (method.equals("POST")) {
                        String id = id("bucket");
                        buckets.put(id, JSON.readTree(body).path("name").asText());
                        return Map.of("identifier", id);
                    }
                    ArrayNode list = JSON.createArrayNode();
                    buckets.forEach(
                            (id, name) -> list.addObject().put("identifier", id).put("name", name));
                    return list;
                }
                if ((m = Pattern.compile("/buckets/[^/]+/flows").matcher(p)).matches()) {
                    if (method.equals("POST")) {
                        String id = id("flow");
                        flowsByName.put(JSON.readTree(body).path("name").asText(), id);
                        versions.put(id, new ArrayList<>());
                        return Map.of("identifier", id);
                    }
                    ArrayNode list = JSON.createArrayNode();
                    flowsByName.forEach(
                            (name, id) -> list.addObject().put("identifier", id).put("name", name));
                    return list;
                }
                if ((m = Pattern.compile("/buckets/[^/]+/flows/([^/]+)/versions")
                                .matcher(p))
                        .matches()) {
                    ArrayNode list = JSON.createArrayNode();
                    List<String> comments = versions.get(m.group(1));
                    for (int i = 0; i < comments.size(); i++) {
                        list.addObject().put("version", i + 1).put("comments", comments.get(i));
                    }
                    return list;
                }
                if ((m = Pattern.compile("/buckets/[^/]+/flows/([^/]+)/versions/import")
                                .matcher(p))
                        .matches()) {
                    JSON.readTree(body).path("flowContents").path("name").asText(); // must be a flow definition
                    List<String> comments = versions.get(m.group(1));
                    comments.add(ex.getRequestHeaders().getFirst("Comments"));
                    return Map.of("snapshotMetadata", Map.of("version", comments.size()));
                }
                return 404;
            }
            String p = path.substring("/nifi-api".length());
            if (p.equals("/authentication/configuration")) {
                return Map.of("authenticationConfiguration", Map.of("loginSupported", loginSupported));
            }
            if (p.equals("/access/token")) {
                if (!tokenOverHttps) {
                    return new Status(409, "Access tokens are only issued over HTTPS.");
                }
                return body.contains("password=a-long-password") ? TOKEN : new Status(400, "wrong credentials");
            }
            if (loginSupported && tokenOverHttps && !("Bearer " + TOKEN).equals(auth)) {
                unauthorized++;
                return 401;
            }
            if (p.equals("/flow/registries")) {
                ArrayNode list = JSON.createArrayNode();
                clients.forEach((id, name) ->
                        list.addObject().put("id", id).putObject("component").put("name", name));
                return JSON.createObjectNode().set("registries", list);
            }
            if (p.equals("/controller/registry-clients")) {
                String id = id("client");
                clients.put(
                        id, JSON.readTree(body).path("component").path("name").asText());
                return Map.of("id", id);
            }
            if (p.equals("/flow/process-groups/root")) {
                return Map.of("processGroupFlow", Map.of("id", ROOT));
            }
            if (p.equals("/process-groups/" + ROOT + "/process-groups") && method.equals("POST")) {
                JsonNode vci = JSON.readTree(body).path("component").path("versionControlInformation");
                String flowId = vci.path("flowId").asText();
                String name = flowsByName.entrySet().stream()
                        .filter(e -> e.getValue().equals(flowId))
                        .findFirst()
                        .orElseThrow()
                        .getKey();
                Group g =
                        new Group(id("group"), name, flowId, vci.path("version").asText());
                groups.put(g.id, g);
                return Map.of("id", g.id);
            }
            if ((m = Pattern.compile("/flow/process-groups/([^/]+)").matcher(p)).matches()) {
                if (m.group(1).equals(ROOT)) {
                    ArrayNode list = JSON.createArrayNode();
                    for (Group g : groups.values()) {
                        ObjectNode c = list.addObject().put("id", g.id).putObject("component");
                        c.put("name", "Factory Twin")
                                .putObject("versionControlInformation")
                                .put("flowId", g.flowId);
                    }
                    ObjectNode flow = JSON.createObjectNode();
                    flow.putObject("processGroupFlow").putObject("flow").set("processGroups", list);
                    return flow;
                }
                return Map.of(); // PUT: run state
            }
            if ((m = Pattern.compile("/flow/process-groups/([^/]+)/controller-services")
                            .matcher(p))
                    .matches()) {
                if (method.equals("PUT")) {
                    serviceStates.put(
                            m.group(1), JSON.readTree(body).path("state").asText());
                }
                String state = serviceStates.getOrDefault(m.group(1), "ENABLED");
                return Map.of("controllerServices", List.of(Map.of("component", Map.of("state", state))));
            }
            if ((m = Pattern.compile("/flow/process-groups/([^/]+)/status").matcher(p)).matches()) {
                return Map.of(
                        "processGroupStatus",
                        Map.of("aggregateSnapshot", Map.of("runningCount", 0, "activeThreadCount", 0)));
            }
            if ((m = Pattern.compile("/versions/process-groups/([^/]+)").matcher(p)).matches()) {
                Group g = groups.get(m.group(1));
                int latest = versions.get(g.flowId).size();
                boolean stale = Integer.parseInt(g.version) < latest;
                String state = g.modified
                        ? (stale ? "LOCALLY_MODIFIED_AND_STALE" : "LOCALLY_MODIFIED")
                        : (stale ? "STALE" : "UP_TO_DATE");
                return Map.of(
                        "processGroupRevision", Map.of("version", 3),
                        "versionControlInformation", Map.of("version", g.version, "state", state));
            }
            if ((m = Pattern.compile("/versions/update-requests/process-groups/([^/]+)")
                            .matcher(p))
                    .matches()) {
                Group g = groups.get(m.group(1));
                JsonNode request = JSON.readTree(body);
                if (request.path("processGroupRevision").path("version").asInt() != 3) {
                    return 409;
                }
                g.version = request.path("versionControlInformation")
                        .path("version")
                        .asText();
                return Map.of("request", Map.of("requestId", "update-" + g.id, "complete", false));
            }
            if ((m = Pattern.compile("/versions/update-requests/([^/]+)").matcher(p)).matches()) {
                if (method.equals("DELETE")) {
                    deletedRequests++;
                }
                return Map.of("request", Map.of("requestId", m.group(1), "complete", true));
            }
            return 404;
        }
    }
}
