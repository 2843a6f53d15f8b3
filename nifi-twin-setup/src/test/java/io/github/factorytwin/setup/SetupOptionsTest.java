package io.github.factorytwin.setup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SetupOptionsTest {

    @Test
    void defaultsTargetALocalStack() {
        SetupOptions o = SetupOptions.parse();
        assertEquals("localhost:9092", o.bootstrapServers());
        assertEquals("http://localhost:9200", o.elasticsearchUrl());
        assertEquals(3, o.kafka().partitions());
        assertEquals(1, o.kafka().replicationFactor());
        assertEquals(Duration.ofDays(7), o.kafka().retention());
        assertEquals(Duration.ofDays(14), o.kafka().deadLetterRetention());
        assertTrue(o.elasticsearch().createIndices());
        assertNull(o.elasticsearch().replicas());
        assertEquals(Duration.ZERO, o.retryFor());
        assertFalse(o.skipKafka() || o.skipElasticsearch() || o.help());
    }

    @Test
    void everyOptionIsRead() {
        SetupOptions o = SetupOptions.parse(
                "--bootstrap-servers",
                "kafka:9092",
                "--elasticsearch-url=http://es:9200",
                "--partitions",
                "6",
                "--replication-factor",
                "3",
                "--retention",
                "12h",
                "--dead-letter-retention=forever",
                "--index-replicas",
                "1",
                "--no-indices",
                "--timeout",
                "PT5S",
                "--wait",
                "2m",
                "--skip-kafka");
        assertEquals("kafka:9092", o.bootstrapServers());
        assertEquals("http://es:9200", o.elasticsearchUrl());
        assertEquals(6, o.kafka().partitions());
        assertEquals(3, o.kafka().replicationFactor());
        assertEquals(Duration.ofHours(12), o.kafka().retention());
        assertNull(o.kafka().deadLetterRetention());
        assertEquals(1, o.elasticsearch().replicas());
        assertFalse(o.elasticsearch().createIndices());
        assertEquals(Duration.ofSeconds(5), o.kafka().timeout());
        assertEquals(Duration.ofSeconds(5), o.elasticsearch().timeout());
        assertEquals(Duration.ofMinutes(2), o.retryFor());
        assertTrue(o.skipKafka());
        assertFalse(o.skipElasticsearch());
    }

    @Test
    void durationsInEveryUnit() {
        assertEquals(Duration.ofMillis(500), SetupOptions.duration("--x", "500ms"));
        assertEquals(Duration.ofSeconds(30), SetupOptions.duration("--x", "30s"));
        assertEquals(Duration.ofMinutes(5), SetupOptions.duration("--x", "5m"));
        assertEquals(Duration.ofDays(7), SetupOptions.duration("--x", "7d"));
        assertEquals(Duration.ofMinutes(90), SetupOptions.duration("--x", "PT1H30M"));
    }

    @Test
    void badArgumentsNameTheOption() {
        assertMessage("Unknown option: --partition", "--partition", "3");
        assertMessage("--partitions must be at least 1", "--partitions", "0");
        assertMessage("--partitions needs a whole number", "--partitions", "three");
        assertMessage("--retention needs a duration", "--retention", "a week");
        assertMessage("Option --timeout needs a value", "--timeout");
        assertMessage("--timeout must be positive", "--timeout", "0s");
        assertMessage("leave nothing to do", "--skip-kafka", "--skip-elasticsearch");
        assertMessage("--bootstrap-servers must not be empty", "--bootstrap-servers", " ");
    }

    private static void assertMessage(String expected, String... args) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SetupOptions.parse(args));
        assertTrue(e.getMessage().contains(expected), "'" + e.getMessage() + "' should contain '" + expected + "'");
    }
}
