package io.github.factorytwin.it.e2e;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real Kafka 4 broker in KRaft mode (one node that is both broker and controller) running inside the test JVM
 * from the {@code kafka_2.13} jars, on free loopback ports, with its log directory under {@code target/}.
 *
 * <p>As a JUnit 5 extension it starts before the test class and stops after it:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final KafkaBroker KAFKA = new KafkaBroker("my-test");
 * ... KAFKA.bootstrapServers() ... KAFKA.restart() ...
 * }</pre>
 *
 * <p>It can also be used on its own ({@link #start()}, {@link #close()}). {@link #restart()} stops the broker
 * cleanly and starts it again on the same ports and the same log directory, so topics and records survive and
 * clients configured with {@link #bootstrapServers()} reconnect by themselves. Topics are not auto-created: tests
 * create them (with the project's set-up tool).
 */
public final class KafkaBroker implements BeforeAllCallback, AfterAllCallback, AutoCloseable {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final int NODE_ID = 1;

    private final String name;
    private Path logDir;
    private int brokerPort;
    private int controllerPort;
    private String clusterId;
    private KafkaRaftServer server;

    /** @param name names the log directory, {@code target/e2e/kafka-<name>}; use the test class's name */
    public KafkaBroker(String name) {
        this.name = name;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    /** Formats a fresh log directory and starts the broker; returns once it answers Admin requests. */
    public synchronized KafkaBroker start() {
        if (server != null) {
            return this;
        }
        logDir = Harness.freshDirectory("kafka-" + name);
        brokerPort = Harness.freePort();
        controllerPort = Harness.freePort();
        clusterId = Uuid.randomUuid().toString();
        format(config());
        launch();
        return this;
    }

    /** Stops the broker cleanly and starts it again on the same ports and data: records survive. */
    public synchronized void restart() {
        if (server == null) {
            throw new IllegalStateException("broker not started");
        }
        stop();
        launch();
    }

    /** Stops the broker cleanly, keeping its data (used by {@link #restart()} and {@link #close()}). */
    public synchronized void stop() {
        if (server != null) {
            KafkaRaftServer running = server;
            server = null;
            running.shutdown();
            running.awaitShutdown();
        }
    }

    @Override
    public synchronized void close() {
        try {
            stop();
        } finally {
            Exit.resetExitProcedure();
            Exit.resetHaltProcedure();
        }
    }

    /** {@code 127.0.0.1:<port>} of the broker listener; stays the same across restarts. */
    public String bootstrapServers() {
        if (logDir == null) {
            throw new IllegalStateException("broker not started");
        }
        return "127.0.0.1:" + brokerPort;
    }

    /** An Admin client for this broker (close it). */
    public Admin admin() {
        Map<String, Object> config = new HashMap<>();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
        return Admin.create(config);
    }

    /**
     * A producer configured like NiFi's PublishKafka with delivery guarantee "replicated" and idempotence on:
     * {@code acks=all}, {@code enable.idempotence=true}, retries across a broker restart.
     */
    public KafkaProducer<String, byte[]> producer() {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 30_000);
        config.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return new KafkaProducer<>(config);
    }

    /** A consumer in {@code group} reading from the earliest offset, committing manually (close it). */
    public KafkaConsumer<String, byte[]> consumer(String group) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return new KafkaConsumer<>(config);
    }

    /**
     * Reads everything currently in {@code topic} (all partitions, from the beginning to the end offsets taken
     * when called), without a consumer group. Bounded by {@code timeout}.
     */
    public List<ConsumerRecord<String, byte[]>> readAll(String topic, Duration timeout) {
        try (KafkaConsumer<String, byte[]> consumer = consumer("read-all-" + Uuid.randomUuid())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, timeout).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!reached(consumer, end)) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("Could not read " + topic + " to its end offsets " + end + " within "
                            + timeout + "; got " + records.size() + " records");
                }
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            return records;
        }
    }

    private static boolean reached(KafkaConsumer<String, byte[]> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    private Properties config() {
        Properties props = new Properties();
        props.put("process.roles", "broker,controller");
        props.put("node.id", Integer.toString(NODE_ID));
        props.put("controller.quorum.voters", NODE_ID + "@127.0.0.1:" + controllerPort);
        props.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
        props.put("controller.listener.names", "CONTROLLER");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.put("log.dirs", logDir.toString());
        props.put("auto.create.topics.enable", "false");
        props.put("num.partitions", "1");
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "1");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("transaction.state.log.num.partitions", "1");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        props.put("num.network.threads", "2");
        props.put("num.io.threads", "2");
        props.put("background.threads", "2");
        props.put("controlled.shutdown.enable", "true");
        return props;
    }

    private void format(Properties props) {
        KafkaConfig config = KafkaConfig.fromProps(props, false);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8)) {
            new Formatter()
                    .setPrintStream(print)
                    .setNodeId(NODE_ID)
                    .setClusterId(clusterId)
                    .setControllerListenerName("CONTROLLER")
                    .setMetadataLogDirectory(config.metadataLogDir())
                    .addDirectory(logDir.toString())
                    .run();
        } catch (Exception e) {
            throw new IllegalStateException(
                    "Formatting the KRaft log directory " + logDir + " failed: " + out.toString(StandardCharsets.UTF_8),
                    e);
        }
    }

    private void launch() {
        // Kafka calls Exit.exit/halt on fatal errors: fail the test instead of killing the test JVM.
        Exit.setExitProcedure((status, message) -> {
            throw new IllegalStateException("Kafka broker wanted to exit(" + status + "): " + message);
        });
        Exit.setHaltProcedure((status, message) -> {
            throw new IllegalStateException("Kafka broker wanted to halt(" + status + "): " + message);
        });
        KafkaConfig config = KafkaConfig.fromProps(config(), false);
        KafkaRaftServer started = null;
        RuntimeException last = null;
        // The previous incarnation's listening sockets may take a moment to be released after a restart.
        for (int attempt = 0; attempt < 20 && started == null; attempt++) {
            KafkaRaftServer candidate = new KafkaRaftServer(config, Time.SYSTEM);
            try {
                candidate.startup();
                started = candidate;
            } catch (RuntimeException e) {
                last = e;
                try {
                    candidate.shutdown();
                    candidate.awaitShutdown();
                } catch (RuntimeException ignored) {
                    // best effort
                }
                Harness.sleep(Duration.ofMillis(250));
            }
        }
        if (started == null) {
            throw new IllegalStateException("Kafka broker did not start on " + bootstrapServers(), last);
        }
        server = started;
        awaitReady();
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        Exception last = null;
        try (Admin admin = admin()) {
            while (System.nanoTime() < deadline) {
                try {
                    if (!admin.describeCluster()
                            .nodes()
                            .get(5, TimeUnit.SECONDS)
                            .isEmpty()) {
                        // A broker that has registered with the controller can also host new topics.
                        admin.listTopics().names().get(5, TimeUnit.SECONDS);
                        return;
                    }
                } catch (Exception e) {
                    last = e;
                    if (e instanceof InterruptedException) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                }
                Harness.sleep(Duration.ofMillis(100));
            }
        }
        throw new IllegalStateException(
                "Kafka broker at " + bootstrapServers() + " not ready within " + READY_TIMEOUT, last);
    }
}
