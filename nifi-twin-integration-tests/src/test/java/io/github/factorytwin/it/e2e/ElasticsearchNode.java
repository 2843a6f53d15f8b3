package io.github.factorytwin.it.e2e;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.json.jackson.JacksonJsonpMapper;
import co.elastic.clients.transport.rest_client.RestClientTransport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.http.HttpHost;
import org.elasticsearch.client.RestClient;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real Elasticsearch 8 node, started as a separate process from the integ-test distribution that the POM unpacks
 * under {@code target/elasticsearch} ({@code twin.es.home}), on free loopback ports, security off, single-node
 * discovery, 512 MB heap, data and logs under {@code target/e2e/elasticsearch-node}.
 *
 * <p>One node serves every test class of the JVM: register {@link #shared()} as an extension in each class,
 *
 * <pre>{@code
 * @RegisterExtension
 * static final ElasticsearchNode ES = ElasticsearchNode.shared();
 * ... ES.url() ... ES.client() ...
 * }</pre>
 *
 * <p>It starts before the first class that uses it and stops when the JUnit run ends (the root extension context
 * is closed), or at the latest when the JVM exits (a shutdown hook), also when a test fails. The process tree is
 * destroyed: the CLI launcher and the server JVM it forks.
 *
 * <p>Elasticsearch refuses to run as root and needs a JDK 17 to 21: as root the node runs as {@code nobody} through
 * {@code setpriv} (from a copy under the temp directory when {@code nobody} cannot enter the checkout); the JDK is {@code twin.es.java.home} (system property), else {@code ES_JAVA_HOME}, else the newest
 * 17..21 JDK under {@code /usr/lib/jvm}.
 */
public final class ElasticsearchNode implements BeforeAllCallback, AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(150);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    private static final int MIN_JAVA = 17;
    private static final int MAX_JAVA = 21;
    private static final ElasticsearchNode SHARED = new ElasticsearchNode("elasticsearch-node");

    private final String name;
    private Process process;
    private Path nodeDir;
    private int httpPort;
    private ElasticsearchClient client;
    private RestClientTransport transport;
    private RuntimeException startFailure;
    private Thread shutdownHook;

    private ElasticsearchNode(String name) {
        this.name = name;
    }

    /** The node shared by all test classes of this JVM. */
    public static ElasticsearchNode shared() {
        return SHARED;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        start();
        // Closed when the whole JUnit run ends, not after this class.
        context.getRoot()
                .getStore(ExtensionContext.Namespace.create(ElasticsearchNode.class))
                .getOrComputeIfAbsent(name, key -> new Stopper(this), Stopper.class);
    }

    /** Stops the node when the JUnit root context closes. */
    private record Stopper(ElasticsearchNode node) implements AutoCloseable {
        @Override
        public void close() {
            node.close();
        }
    }

    /** Starts the node once (later calls return at once, or repeat the first failure); waits for yellow health. */
    public synchronized ElasticsearchNode start() {
        if (startFailure != null) {
            throw startFailure;
        }
        if (process != null) {
            return this;
        }
        try {
            launch();
            return this;
        } catch (RuntimeException e) {
            String tail = logTail();
            close();
            startFailure = new IllegalStateException(e.getMessage() + "\n--- tail of the node's logs ---\n" + tail, e);
            System.err.println(startFailure.getMessage());
            throw startFailure;
        }
    }

    /** {@code http://127.0.0.1:<port>}. */
    public String url() {
        requireStarted();
        return "http://127.0.0.1:" + httpPort;
    }

    /** A client for the node, shared and closed with the node. */
    public synchronized ElasticsearchClient client() {
        requireStarted();
        if (client == null) {
            RestClient rest = RestClient.builder(new HttpHost("127.0.0.1", httpPort, "http"))
                    .setRequestConfigCallback(c -> c.setConnectTimeout(10_000).setSocketTimeout(60_000))
                    .build();
            transport = new RestClientTransport(rest, new JacksonJsonpMapper());
            client = new ElasticsearchClient(transport);
        }
        return client;
    }

    /** A plain GET against the node (e.g. {@code /twin-readings/_mapping}); returns the body, fails on non-2xx. */
    public String get(String path) {
        requireStarted();
        try {
            HttpResponse<String> response = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(url() + path))
                                    .timeout(Duration.ofSeconds(30))
                                    .GET()
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                throw new IllegalStateException(
                        "GET " + path + " -> " + response.statusCode() + ": " + response.body());
            }
            return response.body();
        } catch (IOException e) {
            throw new UncheckedIOException("GET " + path, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted", e);
        }
    }

    public Path nodeDir() {
        return nodeDir;
    }

    @Override
    public synchronized void close() {
        if (transport != null) {
            try {
                transport.close();
            } catch (IOException ignored) {
                // the node is going away anyway
            }
            transport = null;
            client = null;
        }
        if (process != null) {
            destroyTree(process);
            process = null;
        }
        if (shutdownHook != null && !Thread.currentThread().equals(shutdownHook)) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException ignored) {
                // already shutting down
            }
            shutdownHook = null;
        }
    }

    private void requireStarted() {
        if (process == null) {
            throw new IllegalStateException("Elasticsearch node not started");
        }
    }

    private void launch() {
        Path home = esHome();
        Path java = javaHome();
        nodeDir = Harness.freshDirectory(name);
        if (isRoot() && !nobodyCanRun(home)) {
            // The checkout lies under a directory the unprivileged node user cannot enter (e.g. /root): run a
            // copy of the distribution, and the node's files, from the system temp directory instead.
            Path outside = Path.of(System.getProperty("java.io.tmpdir"), "twin-e2e-elasticsearch");
            Path copy = outside.resolve(home.getFileName());
            if (!nobodyCanRun(copy)) {
                Harness.deleteRecursively(copy);
                run(List.of("mkdir", "-p", outside.toString()));
                run(List.of("cp", "-a", home.toString(), copy.toString()));
                run(List.of("chmod", "755", outside.toString()));
            }
            home = copy;
            nodeDir = outside.resolve(name);
            Harness.deleteRecursively(nodeDir);
        }
        Path conf = nodeDir.resolve("config");
        Path data = nodeDir.resolve("data");
        Path logs = nodeDir.resolve("logs");
        Path tmp = nodeDir.resolve("tmp");
        httpPort = Harness.freePort();
        int transportPort = Harness.freePort();
        try {
            Files.createDirectories(data);
            Files.createDirectories(logs);
            Files.createDirectories(tmp);
            copyTree(home.resolve("config"), conf);
            // The distribution's jvm.options writes GC logs, heap dumps and error files relative to ES_HOME,
            // which the unprivileged node user cannot write (and which is shared): point them at the node dir.
            Path jvmOptions = conf.resolve("jvm.options");
            Files.writeString(
                    jvmOptions,
                    Files.readString(jvmOptions, StandardCharsets.UTF_8)
                            .replace("file=logs/", "file=" + logs + "/")
                            .replace("ErrorFile=logs/", "ErrorFile=" + logs + "/")
                            .replace("HeapDumpPath=data", "HeapDumpPath=" + data),
                    StandardCharsets.UTF_8);
            Files.writeString(
                    conf.resolve("elasticsearch.yml"),
                    String.join(
                            "\n",
                            "cluster.name: twin-e2e",
                            "node.name: twin-e2e-node",
                            "network.host: 127.0.0.1",
                            "http.port: " + httpPort,
                            "transport.port: " + transportPort,
                            "discovery.type: single-node",
                            "path.data: " + data,
                            "path.logs: " + logs,
                            "xpack.security.enabled: false",
                            "cluster.routing.allocation.disk.threshold_enabled: false",
                            "action.destructive_requires_name: false",
                            // No xpack.ml.enabled / ingest.geoip.*: the integ-test distribution has no ML or
                            // geoip module, so Elasticsearch would refuse those as unknown settings.
                            ""),
                    StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot prepare " + nodeDir, e);
        }

        List<String> command = new ArrayList<>();
        if (isRoot()) {
            // Elasticsearch refuses to run as root.
            chownTree(nodeDir, "nobody:nogroup");
            command.addAll(List.of("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"));
        }
        command.add(home.resolve("bin/elasticsearch").toString());
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(nodeDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(nodeDir.resolve("console.log").toFile());
        Map<String, String> env = builder.environment();
        env.remove("JAVA_HOME");
        env.remove("JAVA_TOOL_OPTIONS");
        env.remove("JDK_JAVA_OPTIONS");
        env.put("ES_JAVA_HOME", java.toString());
        env.put("ES_PATH_CONF", conf.toString());
        env.put("ES_TMPDIR", tmp.toString());
        env.put("ES_JAVA_OPTS", "-Xms512m -Xmx512m -XX:ActiveProcessorCount=2");
        env.put("HOME", nodeDir.toString());
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start " + command, e);
        }
        shutdownHook = new Thread(this::close, "stop-elasticsearch-node");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        awaitHealthy();
    }

    private void awaitHealthy() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        "Elasticsearch exited with status " + process.exitValue() + " before it became healthy");
            }
            try {
                HttpResponse<String> response = http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort
                                        + "/_cluster/health?wait_for_status=yellow&timeout=2s"))
                                .timeout(Duration.ofSeconds(5))
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                last = response.statusCode() + " " + response.body();
                if (response.statusCode() == 200
                        && (response.body().contains("\"status\":\"green\"")
                                || response.body().contains("\"status\":\"yellow\""))) {
                    return;
                }
            } catch (IOException e) {
                last = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for Elasticsearch", e);
            }
            Harness.sleep(Duration.ofMillis(500));
        }
        throw new IllegalStateException(
                "Elasticsearch not healthy on port " + httpPort + " within " + START_TIMEOUT + " (last: " + last + ")");
    }

    private static void destroyTree(Process root) {
        List<ProcessHandle> tree = new ArrayList<>(root.toHandle().descendants().toList());
        tree.add(root.toHandle());
        // Children first (the server JVM), then the launcher: SIGTERM lets Elasticsearch shut down cleanly.
        for (ProcessHandle p : tree) {
            p.destroy();
        }
        long deadline = System.nanoTime() + STOP_TIMEOUT.toNanos();
        for (ProcessHandle p : tree) {
            long left = Math.max(1, deadline - System.nanoTime());
            try {
                p.onExit().get(left, TimeUnit.NANOSECONDS);
            } catch (Exception e) {
                p.destroyForcibly();
            }
        }
        try {
            root.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The last lines of the console output and of the node's server log, for a start failure's message. */
    String logTail() {
        if (nodeDir == null) {
            return "(no node directory)";
        }
        StringBuilder out = new StringBuilder();
        for (Path log : List.of(nodeDir.resolve("console.log"), nodeDir.resolve("logs/twin-e2e.log"))) {
            if (Files.isRegularFile(log)) {
                try {
                    List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
                    out.append("== ").append(log).append('\n');
                    lines.subList(Math.max(0, lines.size() - 40), lines.size())
                            .forEach(l -> out.append(l).append('\n'));
                } catch (IOException | UncheckedIOException e) {
                    out.append("(cannot read ")
                            .append(log)
                            .append(": ")
                            .append(e)
                            .append(")\n");
                }
            }
        }
        return out.isEmpty() ? "(no logs written)" : out.toString();
    }

    private static Path esHome() {
        Path home = Path.of(System.getProperty(
                        "twin.es.home",
                        "target/elasticsearch/elasticsearch-" + System.getProperty("elasticsearch.version", "8.17.0")))
                .toAbsolutePath();
        if (!Files.isExecutable(home.resolve("bin/elasticsearch"))) {
            throw new IllegalStateException("No Elasticsearch distribution at " + home
                    + " (the POM unpacks org.elasticsearch.distribution.integ-test-zip:elasticsearch there)");
        }
        return home;
    }

    /** A JDK Elasticsearch accepts: twin.es.java.home, ES_JAVA_HOME, or the newest 17..21 under /usr/lib/jvm. */
    static Path javaHome() {
        String configured = Optional.ofNullable(System.getProperty("twin.es.java.home"))
                .filter(s -> !s.isBlank())
                .orElse(System.getenv("ES_JAVA_HOME"));
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        Path jvms = Path.of("/usr/lib/jvm");
        if (Files.isDirectory(jvms)) {
            try (Stream<Path> dirs = Files.list(jvms)) {
                Optional<Path> best = dirs.filter(d -> Files.isExecutable(d.resolve("bin/java")))
                        .filter(d -> {
                            int v = javaMajor(d);
                            return v >= MIN_JAVA && v <= MAX_JAVA;
                        })
                        .max(Comparator.comparingInt(ElasticsearchNode::javaMajor)
                                .thenComparing(d -> !Files.isSymbolicLink(d))
                                .thenComparing(Path::toString));
                if (best.isPresent()) {
                    return best.get();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        throw new IllegalStateException("Elasticsearch 8 needs a JDK " + MIN_JAVA + " to " + MAX_JAVA
                + ": set -Dtwin.es.java.home or ES_JAVA_HOME, or install one under /usr/lib/jvm");
    }

    /** The JDK's major version from its {@code release} file, or -1. */
    static int javaMajor(Path jdk) {
        Path release = jdk.resolve("release");
        if (!Files.isRegularFile(release)) {
            return -1;
        }
        try {
            Matcher m = Pattern.compile("JAVA_VERSION=\"(1\\.)?(\\d+)")
                    .matcher(Files.readString(release, StandardCharsets.ISO_8859_1));
            return m.find() ? Integer.parseInt(m.group(2)) : -1;
        } catch (IOException e) {
            return -1;
        }
    }

    private static boolean isRoot() {
        try {
            return new com.sun.security.auth.module.UnixSystem().getUid() == 0;
        } catch (RuntimeException | LinkageError e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    private static void chownTree(Path dir, String owner) {
        run(List.of("chown", "-R", owner, dir.toString()));
    }

    /** Whether the unprivileged node user can reach and start the distribution at {@code home}. */
    private static boolean nobodyCanRun(Path home) {
        return exitCode(List.of(
                        "setpriv",
                        "--reuid=nobody",
                        "--regid=nogroup",
                        "--clear-groups",
                        "test",
                        "-x",
                        home.resolve("bin/elasticsearch").toString()))
                == 0;
    }

    private static void run(List<String> command) {
        if (exitCode(command) != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed");
        }
    }

    private static int exitCode(List<String> command) {
        try {
            Process process =
                    new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int code = process.waitFor();
            if (code != 0 && !output.isBlank()) {
                System.err.println(String.join(" ", command) + ": " + output.strip());
            }
            return code;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted", e);
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path p : paths.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }
}
