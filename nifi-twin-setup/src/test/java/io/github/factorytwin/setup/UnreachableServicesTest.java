package io.github.factorytwin.setup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.apache.http.HttpHost;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Nothing listens on a just-closed loopback port: each service must fail with a message that says where. */
class UnreachableServicesTest {

    private static int closedPort;

    @BeforeAll
    static void findClosedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
    }

    @Test
    void kafkaUnreachableSaysWhere() {
        String bootstrap = "127.0.0.1:" + closedPort;
        SetupException e = assertThrows(
                SetupException.class,
                () -> KafkaTopics.create(
                        bootstrap, KafkaTopics.Settings.defaults().withTimeout(Duration.ofSeconds(2))));
        assertTrue(e.getMessage().startsWith("Kafka not reachable at " + bootstrap), e.getMessage());
    }

    @Test
    void elasticsearchUnreachableSaysWhere() {
        String url = "http://127.0.0.1:" + closedPort;
        SetupException e = assertThrows(
                SetupException.class,
                () -> ElasticsearchTemplates.apply(
                        url, ElasticsearchTemplates.Settings.defaults().withTimeout(Duration.ofSeconds(2))));
        assertTrue(e.getMessage().startsWith("Elasticsearch not reachable at " + url), e.getMessage());
        assertTrue(e.getMessage().contains("Connect"), "names the cause: " + e.getMessage());
    }

    @Test
    void commandLineExitsNonZeroWithTheMessage() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = TwinSetup.run(
                new String[] {"--skip-kafka", "--elasticsearch-url", "http://127.0.0.1:" + closedPort, "--timeout", "2s"
                },
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(TwinSetup.FAILED, code);
        assertTrue(
                err.toString(StandardCharsets.UTF_8).contains("Elasticsearch not reachable at http://127.0.0.1:"),
                err.toString(StandardCharsets.UTF_8));
        assertEquals("", out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void badArgumentsExitWithUsageCode() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = TwinSetup.run(
                new String[] {"--partitions", "x"},
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertEquals(TwinSetup.USAGE, code);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--partitions"));
    }

    @Test
    void helpExitsZero() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = TwinSetup.run(
                new String[] {"--help"},
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        assertEquals(TwinSetup.OK, code);
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("--bootstrap-servers"));
    }

    @Test
    void hostsParseWithDefaults() {
        HttpHost[] hosts = ElasticsearchTemplates.parseHosts("es1:9201, https://es2 ,http://es3");
        assertEquals(3, hosts.length);
        assertEquals("http://es1:9201", hosts[0].toURI());
        assertEquals("https://es2:443", hosts[1].toURI());
        assertEquals("http://es3:9200", hosts[2].toURI());
        assertThrows(SetupException.class, () -> ElasticsearchTemplates.parseHosts(" , "));
    }

    @Test
    void topicsCarryRetention() {
        KafkaTopics.Settings s = KafkaTopics.Settings.defaults().withRetention(null);
        assertEquals(
                "-1", KafkaTopics.newTopic(KafkaTopics.SENSOR_DATA, s).configs().get("retention.ms"));
        assertEquals(
                Long.toString(Duration.ofDays(14).toMillis()),
                KafkaTopics.newTopic(KafkaTopics.DEAD_LETTER, s).configs().get("retention.ms"));
        assertEquals(3, KafkaTopics.newTopic(KafkaTopics.ALERTS, s).numPartitions());
    }
}
