package io.github.factorytwin.it.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.github.factorytwin.setup.ElasticsearchTemplates;
import io.github.factorytwin.setup.KafkaTopics;
import java.io.File;
import java.io.IOException;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The deployable stack as files: docker-compose.yml validates with docker-compose and pins the versions the build
 * pins; no secret is committed; the NiFi image is built from the pinned NiFi; the flows use the set-up tool's
 * topics and indices. Needs the docker-compose binary (Debian's 1.29 is enough; .ci/run installs it).
 */
class StackFilesTest {

    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    static Path root() {
        return Path.of(System.getProperty("twin.root", "..")).toAbsolutePath().normalize();
    }

    static String prop(String name) {
        String value = System.getProperty(name);
        assertNotNull(value, name + " system property (set by the POM's surefire configuration)");
        return value;
    }

    static JsonNode compose() throws IOException {
        return YAML.readTree(root().resolve("docker-compose.yml").toFile());
    }

    /** KEY=value lines of .env.example. */
    static Map<String, String> envExample() throws IOException {
        return envFile(root().resolve(".env.example"));
    }

    static Map<String, String> envFile(Path file) throws IOException {
        Map<String, String> env = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String l = line.trim();
            if (!l.isEmpty() && !l.startsWith("#") && l.contains("=")) {
                env.put(l.substring(0, l.indexOf('=')), l.substring(l.indexOf('=') + 1));
            }
        }
        return env;
    }

    static Path dockerCompose() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir, "docker-compose");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    record Result(int code, String output) {}

    static Result composeConfig(Map<String, String> env) throws Exception {
        Path binary = dockerCompose();
        if (binary == null) {
            fail(
                    "docker-compose is not on the PATH: install it (Debian: apt-get install -y docker-compose; .ci/run does"
                            + " this) so that `docker-compose -f docker-compose.yml config -q` can validate the stack");
        }
        ProcessBuilder pb = new ProcessBuilder(binary.toString(), "-f", "docker-compose.yml", "config", "-q")
                .directory(root().toFile())
                .redirectErrorStream(true);
        // Only .env.example's values, never the caller's (a developer's real .env must not make this pass).
        for (String key : envExample().keySet()) {
            pb.environment().remove(key);
        }
        pb.environment().putAll(env);
        pb.environment().put("COMPOSE_PROJECT_NAME", "factorytwincheck");
        Process process = pb.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("docker-compose config did not finish");
        }
        return new Result(process.exitValue(), output);
    }

    @Test
    void composeFileValidatesWithTheExampleEnvironment() throws Exception {
        assertTrue(
                Files.readAllLines(root().resolve(".gitignore")).contains(".env"),
                ".env (the stack's secrets) must be git-ignored");
        Result result = composeConfig(envExample());
        assertEquals(0, result.code(), "docker-compose -f docker-compose.yml config -q:\n" + result.output());
    }

    @Test
    void composeRefusesToStartWithoutTheSecrets() throws Exception {
        Map<String, String> env = new LinkedHashMap<>(envExample());
        env.remove("NIFI_PASSWORD");
        Result result = composeConfig(env);
        assertNotEquals(0, result.code(), "compose must refuse an unset NIFI_PASSWORD instead of defaulting one");
        assertTrue(result.output().contains("NIFI_PASSWORD"), result.output());
    }

    @Test
    void imageTagsMatchThePinnedVersions() throws IOException {
        String nifi = prop("nifi.version");
        Map<String, String> images = new LinkedHashMap<>();
        compose().path("services").properties().forEach(e -> {
            if (e.getValue().has("image")) {
                images.put(e.getKey(), e.getValue().path("image").asText());
            }
        });
        for (Map.Entry<String, String> e : images.entrySet()) {
            String image = e.getValue();
            assertFalse(
                    image.endsWith(":latest")
                            || !image.substring(image.lastIndexOf('/') + 1).contains(":"),
                    e.getKey() + " image must carry a pinned tag: " + image);
            assertFalse(image.contains("${"), e.getKey() + ": tags are literal so this test can check them: " + image);
        }
        assertEquals("apache/kafka:" + prop("kafka.version"), images.get("kafka"));
        assertEquals(
                "docker.elastic.co/elasticsearch/elasticsearch:" + prop("elasticsearch.version"),
                images.get("elasticsearch"));
        assertTrue(
                Files.readString(root().resolve("registry/Dockerfile"))
                        .contains("\nFROM apache/nifi-registry:" + nifi + "\n"),
                "registry/Dockerfile FROM apache/nifi-registry:" + nifi);
        assertEquals("apache/nifi:" + nifi, images.get("nifi-flows"));
        assertEquals("apache/nifi:" + nifi, images.get("nifi-metrics-token"));
        assertEquals(
                nifi,
                compose()
                        .path("services")
                        .path("nifi")
                        .path("build")
                        .path("args")
                        .path("NIFI_VERSION")
                        .asText(),
                "nifi build arg");
        String dockerfile = Files.readString(root().resolve("docker/nifi/Dockerfile"));
        assertTrue(
                dockerfile.contains("ARG NIFI_VERSION=" + nifi + "\n"),
                "docker/nifi/Dockerfile ARG NIFI_VERSION=" + nifi);
        assertTrue(
                dockerfile.contains("FROM apache/nifi:${NIFI_VERSION} AS nifi"),
                "the NiFi stage is built FROM the pinned NiFi");
        assertTrue(
                dockerfile.contains("/opt/nifi/nifi-current/nar_extensions/"),
                "the NAR goes where NiFi's image autoloads NARs");
        Matcher superset = Pattern.compile("(?m)^FROM apache/superset:(\\S+)")
                .matcher(Files.readString(root().resolve("superset/Dockerfile")));
        assertTrue(
                superset.find() && superset.group(1).matches("\\d+\\.\\d+\\.\\d+"),
                "superset/Dockerfile FROM apache/superset:<x.y.z>");
    }

    @Test
    void noSecretIsCommittedToCompose() throws IOException {
        List<String> literal = new ArrayList<>();
        compose().path("services").properties().forEach(service -> service.getValue()
                .path("environment")
                .properties()
                .forEach(e -> {
                    String key = e.getKey().toUpperCase();
                    if ((key.contains("PASSWORD") || key.contains("SECRET") || key.contains("PROPS_KEY"))
                            && !e.getValue().asText().contains("${")) {
                        literal.add(service.getKey() + "." + e.getKey());
                    }
                }));
        assertTrue(literal.isEmpty(), "secrets must come from the environment (.env): " + literal);
        for (String line : Files.readAllLines(root().resolve(".env.example"))) {
            if (line.matches("[A-Z_]*(PASSWORD|SECRET|PROPS_KEY)[A-Z_]*=.*")) {
                assertTrue(line.contains("change-me"), ".env.example holds placeholders only: " + line);
            }
        }
    }

    /** Issue 13 §8: nothing is published beyond this host unless .env says so. */
    @Test
    void hostPortsBindToLoopbackUnlessTheEnvironmentSaysOtherwise() throws IOException {
        List<String> open = new ArrayList<>();
        compose().path("services").properties().forEach(service -> service.getValue()
                .path("ports")
                .forEach(port -> {
                    if (!port.asText().startsWith("${TWIN_BIND_ADDRESS:-127.0.0.1}:")) {
                        open.add(service.getKey() + ": " + port.asText());
                    }
                }));
        assertTrue(open.isEmpty(), "ports not bound to ${TWIN_BIND_ADDRESS:-127.0.0.1}: " + open);
        assertEquals("127.0.0.1", envExample().get("TWIN_BIND_ADDRESS"));
    }

    @Test
    void everyServiceWaitsForTheSecretsCheck() throws IOException {
        JsonNode services = compose().path("services");
        assertEquals(
                "bash /twin/check-secrets.sh",
                String.join(
                        " ", YAML.convertValue(services.path("check-secrets").path("entrypoint"), List.class)));
        services.properties().forEach(e -> {
            if (!e.getKey().equals("check-secrets")) {
                assertEquals(
                        "service_completed_successfully",
                        condition(services, e.getKey(), "check-secrets"),
                        e.getKey() + " waits for check-secrets");
            }
        });
    }

    record Check(int code, String output) {}

    static Check checkSecrets(Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(
                        "bash", root().resolve("docker/check-secrets.sh").toString())
                .redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        pb.environment().putAll(env);
        Process process = pb.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "check-secrets.sh finishes");
        return new Check(process.exitValue(), output);
    }

    @Test
    void theSecretsCheckRefusesPlaceholdersAndShortSecrets() throws Exception {
        List<String> secrets = List.of(
                "NIFI_PASSWORD",
                "NIFI_SENSITIVE_PROPS_KEY",
                "SUPERSET_SECRET_KEY",
                "SUPERSET_ADMIN_PASSWORD",
                "GRAFANA_ADMIN_PASSWORD");
        Check placeholders = checkSecrets(envExample());
        assertNotEquals(0, placeholders.code(), "the placeholders of .env.example must not start the stack");
        for (String name : secrets) {
            assertTrue(placeholders.output().contains(name + " is still the placeholder"), placeholders.output());
        }
        Map<String, String> real = new LinkedHashMap<>();
        for (String name : secrets) {
            real.put(name, "x7Qp2LrV9sKd4WmZ8tBn3YhF6cJg1NaE");
        }
        Check ok = checkSecrets(real);
        assertEquals(0, ok.code(), ok.output());
        Map<String, String> shortOne = new LinkedHashMap<>(real);
        shortOne.put("NIFI_PASSWORD", "short");
        Check tooShort = checkSecrets(shortOne);
        assertNotEquals(0, tooShort.code());
        assertTrue(tooShort.output().contains("NIFI_PASSWORD has 5 characters"), tooShort.output());
        Map<String, String> unset = new LinkedHashMap<>(real);
        unset.remove("SUPERSET_SECRET_KEY");
        assertNotEquals(0, checkSecrets(unset).code(), "an unset secret");
    }

    /** README's first command: docker/new-env.sh writes a .env whose generated secrets the check accepts. */
    @Test
    void newEnvWritesSecretsTheCheckAccepts(@TempDir Path dir) throws Exception {
        Path env = dir.resolve(".env");
        Process process = new ProcessBuilder(
                        "bash", root().resolve("docker/new-env.sh").toString(), env.toString())
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "new-env.sh finishes");
        assertEquals(0, process.exitValue(), output);
        Map<String, String> written = envFile(env);
        assertEquals(envExample().keySet(), written.keySet(), "every variable of .env.example, no more");
        Check check = checkSecrets(written);
        assertEquals(0, check.code(), check.output());
        assertNotEquals(
                written.get("NIFI_PASSWORD"),
                envFile(runNewEnv(dir.resolve("second"))).get("NIFI_PASSWORD"),
                "every .env gets secrets of its own");
    }

    private static Path runNewEnv(Path env) throws Exception {
        Process process =
                new ProcessBuilder("bash", root().resolve("docker/new-env.sh").toString(), env.toString()).start();
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "new-env.sh finishes");
        return env;
    }

    /** The condition on which compose service {@code service} waits for {@code dependency}. */
    private static String condition(JsonNode services, String service, String dependency) {
        return services.path(service)
                .path("depends_on")
                .path(dependency)
                .path("condition")
                .asText();
    }

    @Test
    void initJobsRunInOrder() throws IOException {
        JsonNode services = compose().path("services");
        assertEquals("service_completed_successfully", condition(services, "nifi", "twin-setup"));
        assertEquals("service_healthy", condition(services, "nifi-flows", "nifi"));
        assertEquals("service_healthy", condition(services, "nifi-flows", "nifi-registry"));
        assertEquals("service_completed_successfully", condition(services, "superset", "superset-init"));
        for (String s : List.of("kafka", "elasticsearch", "nifi", "nifi-registry", "superset")) {
            assertTrue(services.path(s).has("healthcheck"), s + " has a health check");
        }
        assertEquals(
                List.of("monitoring"),
                YAML.convertValue(services.path("prometheus").path("profiles"), List.class));
        assertEquals(
                List.of("monitoring"),
                YAML.convertValue(services.path("grafana").path("profiles"), List.class));
    }

    @Test
    void prometheusScrapesNiFisMetricsEndpoint() throws IOException {
        JsonNode prometheus = YAML.readTree(
                root().resolve("monitoring/prometheus/prometheus.yml").toFile());
        JsonNode nifi = prometheus.path("scrape_configs").get(0);
        assertEquals(
                "/nifi-api/flow/metrics/prometheus", nifi.path("metrics_path").asText());
        assertEquals(
                "nifi:8443",
                nifi.path("static_configs").get(0).path("targets").get(0).asText());
        JsonNode dashboard = new ObjectMapper()
                .readTree(root().resolve("monitoring/grafana/dashboards/factory-twin-nifi.json")
                        .toFile());
        String exprs = dashboard.path("panels").findValuesAsText("expr").toString();
        for (String metric :
                List.of("nifi_amount_flowfiles_received", "nifi_backpressure_enabled", "nifi_processor_counters")) {
            assertTrue(exprs.contains(metric), "Grafana dashboard charts " + metric);
        }
    }

    @Test
    void flowsUseTheSetUpToolsTopicsAndIndices() throws IOException {
        for (String flow : List.of("factory-twin.json", "model-training.json", "mongodb-sink.json")) {
            Map<String, String> params = new LinkedHashMap<>();
            new ObjectMapper()
                    .readTree(root().resolve("flows").resolve(flow).toFile())
                    .path("parameterContexts")
                    .forEach(ctx -> ctx.path("parameters")
                            .forEach(p -> params.put(
                                    p.path("name").asText(), p.path("value").asText())));
            assertEquals(KafkaTopics.SENSOR_DATA, params.get("Sensor Topic"), flow);
            assertEquals(KafkaTopics.ANOMALIES, params.get("Anomalies Topic"), flow);
            assertEquals(KafkaTopics.ALERTS, params.get("Alerts Topic"), flow);
            assertEquals(KafkaTopics.DEAD_LETTER, params.get("Dead Letter Topic"), flow);
            assertEquals(ElasticsearchTemplates.READINGS, params.get("Readings Index"), flow);
            assertEquals(ElasticsearchTemplates.ANOMALIES, params.get("Anomalies Index"), flow);
            assertEquals(ElasticsearchTemplates.ALERTS, params.get("Alerts Index"), flow);
            assertEquals(ElasticsearchTemplates.CURRENT_ALERTS, params.get("Current Alerts Index"), flow);
            assertEquals("kafka:9092", params.get("Kafka Bootstrap Servers"), flow + ": the compose service name");
            assertEquals(
                    "http://elasticsearch:9200", params.get("Elasticsearch URL"), flow + ": the compose service name");
        }
    }
}
