package io.github.factorytwin.setup;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The command line of {@link TwinSetup}, parsed. Unknown options and bad values throw
 * {@link IllegalArgumentException} with a message naming the option.
 *
 * @param bootstrapServers Kafka bootstrap servers
 * @param elasticsearchUrl Elasticsearch base URL(s), comma-separated
 * @param kafka Kafka topic settings
 * @param elasticsearch Elasticsearch template settings
 * @param skipKafka do not touch Kafka
 * @param skipElasticsearch do not touch Elasticsearch
 * @param retryFor keep retrying an unreachable service for this long (zero: one attempt)
 * @param help print usage and exit
 */
public record SetupOptions(
        String bootstrapServers,
        String elasticsearchUrl,
        KafkaTopics.Settings kafka,
        ElasticsearchTemplates.Settings elasticsearch,
        boolean skipKafka,
        boolean skipElasticsearch,
        Duration retryFor,
        boolean help) {

    public static final String USAGE =
            """
            Usage: java -jar nifi-twin-setup-<version>-all.jar [options]

            Creates the twin's Kafka topics (sensor-data, anomalies, alerts, twin-dead-letter) and the
            Elasticsearch index templates and indices (twin-readings, twin-anomalies, twin-alerts,
            twin-alerts-current).
            Idempotent: existing topics and indices are left as they are; templates are replaced.

              --bootstrap-servers HOST:PORT[,...]  Kafka (default localhost:9092)
              --elasticsearch-url URL[,...]        Elasticsearch (default http://localhost:9200)
              --partitions N                       partitions per topic (default 3)
              --replication-factor N               replicas per partition (default 1)
              --retention DURATION                 data topics' retention, or 'forever' (default 7d)
              --dead-letter-retention DURATION     twin-dead-letter's retention, or 'forever' (default 14d)
              --index-replicas N                   override the templates' number_of_replicas (default 0)
              --no-indices                         put the templates only; do not create the indices
              --skip-kafka                         leave Kafka alone
              --skip-elasticsearch                 leave Elasticsearch alone
              --timeout DURATION                   bound on each connection and request (default 30s)
              --wait DURATION                      retry an unreachable service this long (default 0: no retry)
              --help                               this text

            DURATION: 500ms, 30s, 5m, 12h, 7d or ISO-8601 (PT30S).
            Exit codes: 0 done, 1 a service was unreachable or refused a request, 2 bad arguments.
            """;

    private static final Pattern SIMPLE_DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

    /** Parses {@code args}; see {@link #USAGE}. */
    public static SetupOptions parse(String... args) {
        String bootstrap = "localhost:9092";
        String esUrl = "http://localhost:9200";
        KafkaTopics.Settings kafka = KafkaTopics.Settings.defaults();
        ElasticsearchTemplates.Settings es = ElasticsearchTemplates.Settings.defaults();
        boolean skipKafka = false;
        boolean skipEs = false;
        boolean help = false;
        Duration wait = Duration.ZERO;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String option = arg;
            String inline = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                option = arg.substring(0, eq);
                inline = arg.substring(eq + 1);
            }
            switch (option) {
                case "--help", "-h" -> help = true;
                case "--skip-kafka" -> skipKafka = true;
                case "--skip-elasticsearch" -> skipEs = true;
                case "--no-indices" -> es = es.withCreateIndices(false);
                default -> {
                    String value = inline;
                    if (value == null) {
                        if (i + 1 >= args.length) {
                            throw new IllegalArgumentException(
                                    isKnown(option)
                                            ? "Option " + option + " needs a value"
                                            : "Unknown option: " + option);
                        }
                        if (!isKnown(option)) {
                            throw new IllegalArgumentException("Unknown option: " + option);
                        }
                        value = args[++i];
                    }
                    switch (option) {
                        case "--bootstrap-servers" -> bootstrap = nonBlank(option, value);
                        case "--elasticsearch-url" -> esUrl = nonBlank(option, value);
                        case "--partitions" -> kafka = kafka.withPartitions(positiveInt(option, value));
                        case "--replication-factor" -> {
                            int rf = positiveInt(option, value);
                            if (rf > Short.MAX_VALUE) {
                                throw new IllegalArgumentException(option + " too large: " + value);
                            }
                            kafka = kafka.withReplicationFactor((short) rf);
                        }
                        case "--retention" -> kafka = kafka.withRetention(retention(option, value));
                        case "--dead-letter-retention" ->
                            kafka = kafka.withDeadLetterRetention(retention(option, value));
                        case "--index-replicas" -> {
                            int replicas = nonNegativeInt(option, value);
                            es = es.withReplicas(replicas);
                        }
                        case "--timeout" -> {
                            Duration timeout = duration(option, value);
                            if (timeout.isZero()) {
                                throw new IllegalArgumentException(option + " must be positive: " + value);
                            }
                            kafka = kafka.withTimeout(timeout);
                            es = es.withTimeout(timeout);
                        }
                        case "--wait" -> wait = duration(option, value);
                        default -> throw new IllegalArgumentException("Unknown option: " + option);
                    }
                }
            }
        }
        if (skipKafka && skipEs && !help) {
            throw new IllegalArgumentException("--skip-kafka and --skip-elasticsearch together leave nothing to do");
        }
        return new SetupOptions(bootstrap, esUrl, kafka, es, skipKafka, skipEs, wait, help);
    }

    private static boolean isKnown(String option) {
        return switch (option) {
            case "--bootstrap-servers",
                    "--elasticsearch-url",
                    "--partitions",
                    "--replication-factor",
                    "--retention",
                    "--dead-letter-retention",
                    "--index-replicas",
                    "--timeout",
                    "--wait" -> true;
            default -> false;
        };
    }

    private static String nonBlank(String option, String value) {
        if (value.isBlank()) {
            throw new IllegalArgumentException(option + " must not be empty");
        }
        return value.trim();
    }

    private static int positiveInt(String option, String value) {
        int n = nonNegativeInt(option, value);
        if (n < 1) {
            throw new IllegalArgumentException(option + " must be at least 1: " + value);
        }
        return n;
    }

    private static int nonNegativeInt(String option, String value) {
        try {
            int n = Integer.parseInt(value.trim());
            if (n < 0) {
                throw new IllegalArgumentException(option + " must not be negative: " + value);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " needs a whole number: " + value, e);
        }
    }

    /** A retention: a duration, or {@code null} for "forever" / "-1". */
    static Duration retention(String option, String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        if (v.equals("forever") || v.equals("-1") || v.equals("infinite")) {
            return null;
        }
        Duration d = duration(option, value);
        if (d.isZero()) {
            throw new IllegalArgumentException(option + " must be positive or 'forever': " + value);
        }
        return d;
    }

    /** {@code 500ms}, {@code 30s}, {@code 5m}, {@code 12h}, {@code 7d} or ISO-8601 such as {@code PT30S}. */
    static Duration duration(String option, String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        Matcher m = SIMPLE_DURATION.matcher(v);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        }
        try {
            Duration d = Duration.parse(value.trim().toUpperCase(Locale.ROOT));
            if (d.isNegative()) {
                throw new IllegalArgumentException(option + " must not be negative: " + value);
            }
            return d;
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(
                    option + " needs a duration such as 30s, 5m, 12h, 7d or PT30S: " + value, e);
        }
    }
}
