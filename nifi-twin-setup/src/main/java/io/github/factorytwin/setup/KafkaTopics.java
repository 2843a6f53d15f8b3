package io.github.factorytwin.setup;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates the twin's Kafka topics with the Admin API. Idempotent: a topic that already exists is left as it is
 * (its partition count is never changed, since that would reorder a machine's readings).
 *
 * <pre>{@code
 * Map<String, Outcome> done = KafkaTopics.create("localhost:9092");
 * Map<String, Outcome> tuned = KafkaTopics.create("kafka:9092", KafkaTopics.Settings.defaults().withPartitions(6));
 * }</pre>
 *
 * <p>Records are keyed by {@code machine_id}, so one machine's readings stay in one partition, in order. More
 * partitions let more ConsumeKafka tasks share the load.
 */
public final class KafkaTopics {

    /** Raw readings from GenerateSensorReadings, keyed by machine_id. */
    public static final String SENSOR_DATA = "sensor-data";
    /** Anomalous readings from ScoreAnomaly. */
    public static final String ANOMALIES = "anomalies";
    /** Alert events from ComputeHealthScore. */
    public static final String ALERTS = "alerts";
    /** FlowFiles any step of the flows failed to handle, with the failure reason in a header. */
    public static final String DEAD_LETTER = "twin-dead-letter";
    /** Every topic this class creates, in creation order. */
    public static final List<String> ALL = List.of(SENSOR_DATA, ANOMALIES, ALERTS, DEAD_LETTER);

    /**
     * How to create the topics.
     *
     * @param partitions partitions of each topic (at least 1)
     * @param replicationFactor replicas of each partition (1 for a single broker)
     * @param retention how long the data topics keep records; {@code null} keeps them forever
     * @param deadLetterRetention how long {@value #DEAD_LETTER} keeps records; {@code null} keeps them forever
     * @param timeout bound on reaching the broker and on each Admin call
     */
    public record Settings(
            int partitions,
            short replicationFactor,
            Duration retention,
            Duration deadLetterRetention,
            Duration timeout) {

        public Settings {
            if (partitions < 1) {
                throw new IllegalArgumentException("partitions must be at least 1, got " + partitions);
            }
            if (replicationFactor < 1) {
                throw new IllegalArgumentException("replication factor must be at least 1, got " + replicationFactor);
            }
            if (timeout == null || timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout must be positive, got " + timeout);
            }
        }

        /** 3 partitions, replication 1, 7 days of data, 14 days of dead letters, 30 s timeout. */
        public static Settings defaults() {
            return new Settings(3, (short) 1, Duration.ofDays(7), Duration.ofDays(14), Duration.ofSeconds(30));
        }

        public Settings withPartitions(int value) {
            return new Settings(value, replicationFactor, retention, deadLetterRetention, timeout);
        }

        public Settings withReplicationFactor(short value) {
            return new Settings(partitions, value, retention, deadLetterRetention, timeout);
        }

        public Settings withRetention(Duration value) {
            return new Settings(partitions, replicationFactor, value, deadLetterRetention, timeout);
        }

        public Settings withDeadLetterRetention(Duration value) {
            return new Settings(partitions, replicationFactor, retention, value, timeout);
        }

        public Settings withTimeout(Duration value) {
            return new Settings(partitions, replicationFactor, retention, deadLetterRetention, value);
        }
    }

    private KafkaTopics() {}

    /**
     * Creates {@link #ALL} topics with {@link Settings#defaults()}.
     *
     * @param bootstrapServers Kafka bootstrap servers, e.g. {@code localhost:9092}
     * @return topic name to what was done, in {@link #ALL} order
     * @throws SetupException when the broker is unreachable within the timeout or refuses a topic
     */
    public static Map<String, Outcome> create(String bootstrapServers) {
        return create(bootstrapServers, Settings.defaults());
    }

    /**
     * Creates {@link #ALL} topics, leaving existing ones as they are.
     *
     * @param bootstrapServers Kafka bootstrap servers, e.g. {@code kafka:9092}
     * @param settings partitions, replication, retention and timeout
     * @return topic name to {@link Outcome#CREATED} or {@link Outcome#EXISTED}, in {@link #ALL} order
     * @throws SetupException when the broker is unreachable within the timeout or refuses a topic
     */
    public static Map<String, Outcome> create(String bootstrapServers, Settings settings) {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new SetupException("No Kafka bootstrap servers given (e.g. localhost:9092)");
        }
        long timeoutMs = settings.timeout().toMillis();
        try (Admin admin = Admin.create(adminConfig(bootstrapServers, timeoutMs))) {
            awaitCluster(admin, bootstrapServers, timeoutMs);
            Set<String> existing = call(
                    admin.listTopics(new ListTopicsOptions().timeoutMs((int) timeoutMs))
                            .names(),
                    bootstrapServers,
                    "list topics",
                    timeoutMs);
            List<NewTopic> toCreate = new ArrayList<>();
            for (String topic : ALL) {
                if (!existing.contains(topic)) {
                    toCreate.add(newTopic(topic, settings));
                }
            }
            Map<String, Outcome> outcomes = new LinkedHashMap<>();
            CreateTopicsResult result = toCreate.isEmpty()
                    ? null
                    : admin.createTopics(toCreate, new CreateTopicsOptions().timeoutMs((int) timeoutMs));
            for (String topic : ALL) {
                if (existing.contains(topic)) {
                    outcomes.put(topic, Outcome.EXISTED);
                    continue;
                }
                try {
                    result.values().get(topic).get(timeoutMs, TimeUnit.MILLISECONDS);
                    outcomes.put(topic, Outcome.CREATED);
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof TopicExistsException) {
                        outcomes.put(topic, Outcome.EXISTED); // created concurrently by another set-up run
                    } else {
                        throw new SetupException(
                                "Kafka at " + bootstrapServers + " refused to create topic '" + topic + "': "
                                        + SetupException.rootMessage(e),
                                e);
                    }
                } catch (TimeoutException e) {
                    throw unreachable(bootstrapServers, "create topic '" + topic + "'", timeoutMs, e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new SetupException("Interrupted while creating topic '" + topic + "'", e);
                }
            }
            return outcomes;
        } catch (org.apache.kafka.common.KafkaException e) {
            throw new SetupException(
                    "Cannot use Kafka bootstrap servers '" + bootstrapServers + "': " + SetupException.rootMessage(e),
                    e);
        }
    }

    static NewTopic newTopic(String topic, Settings settings) {
        Duration retention = DEAD_LETTER.equals(topic) ? settings.deadLetterRetention() : settings.retention();
        Map<String, String> config = new LinkedHashMap<>();
        config.put(TopicConfig.RETENTION_MS_CONFIG, retention == null ? "-1" : Long.toString(retention.toMillis()));
        config.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE);
        return new NewTopic(topic, settings.partitions(), settings.replicationFactor()).configs(config);
    }

    static Properties adminConfig(String bootstrapServers, long timeoutMs) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, "nifi-twin-setup");
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeoutMs);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeoutMs);
        props.put(AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MS_CONFIG, Math.min(10_000L, timeoutMs));
        props.put(AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MAX_MS_CONFIG, Math.min(10_000L, timeoutMs));
        props.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1_000L);
        return props;
    }

    private static void awaitCluster(Admin admin, String bootstrapServers, long timeoutMs) {
        call(
                admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) timeoutMs))
                        .nodes(),
                bootstrapServers,
                "reach the cluster",
                timeoutMs);
    }

    private static <T> T call(
            org.apache.kafka.common.KafkaFuture<T> future, String bootstrapServers, String what, long timeoutMs) {
        try {
            return future.get(timeoutMs + 1_000L, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException) {
                throw unreachable(bootstrapServers, what, timeoutMs, e);
            }
            throw new SetupException(
                    "Kafka at " + bootstrapServers + " failed to " + what + ": " + SetupException.rootMessage(e), e);
        } catch (TimeoutException e) {
            throw unreachable(bootstrapServers, what, timeoutMs, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SetupException("Interrupted while waiting to " + what + " at Kafka " + bootstrapServers, e);
        }
    }

    private static SetupException unreachable(String bootstrapServers, String what, long timeoutMs, Exception e) {
        return new SetupException(
                "Kafka not reachable at " + bootstrapServers + ": could not " + what + " within " + timeoutMs
                        + " ms. Is the broker running, and do its advertised listeners resolve from here? ("
                        + SetupException.rootMessage(e) + ")",
                e);
    }
}
