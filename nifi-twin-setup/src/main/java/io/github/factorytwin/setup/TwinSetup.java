package io.github.factorytwin.setup;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Map;

/**
 * Command-line entry point: creates the Kafka topics ({@link KafkaTopics}) and the Elasticsearch index templates
 * and indices ({@link ElasticsearchTemplates}). Run {@code java -jar nifi-twin-setup-<version>-all.jar --help}.
 *
 * <p>Exit codes: 0 done; 1 a service was unreachable (after {@code --wait}) or refused a request; 2 bad arguments.
 */
public final class TwinSetup {

    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;

    private TwinSetup() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /**
     * Runs the set-up as the command line would, without exiting the JVM.
     *
     * @return the exit code: {@link #OK}, {@link #FAILED} or {@link #USAGE}
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        SetupOptions options;
        try {
            options = SetupOptions.parse(args);
        } catch (IllegalArgumentException e) {
            err.println("nifi-twin-setup: " + e.getMessage());
            err.println("Try --help.");
            return USAGE;
        }
        if (options.help()) {
            out.print(SetupOptions.USAGE);
            return OK;
        }
        try {
            if (!options.skipKafka()) {
                Map<String, Outcome> topics = retrying(
                        options.retryFor(),
                        err,
                        "Kafka",
                        () -> KafkaTopics.create(options.bootstrapServers(), options.kafka()));
                topics.forEach((topic, outcome) -> out.println(
                        "kafka topic " + topic + ": " + outcome.name().toLowerCase(java.util.Locale.ROOT)));
            }
            if (!options.skipElasticsearch()) {
                Map<String, Outcome> templates = retrying(
                        options.retryFor(),
                        err,
                        "Elasticsearch",
                        () -> ElasticsearchTemplates.apply(options.elasticsearchUrl(), options.elasticsearch()));
                templates.forEach((name, outcome) -> out.println((name.startsWith("index:")
                                ? "elasticsearch index " + name.substring("index:".length())
                                : "elasticsearch index template " + name)
                        + ": " + outcome.name().toLowerCase(java.util.Locale.ROOT)));
            }
            return OK;
        } catch (SetupException e) {
            err.println("nifi-twin-setup: " + e.getMessage());
            return FAILED;
        }
    }

    private interface Step<T> {
        T run();
    }

    /** Runs {@code step}, retrying a {@link SetupException} every few seconds until {@code wait} has passed. */
    private static <T> T retrying(Duration wait, PrintStream err, String service, Step<T> step) {
        long deadline = System.nanoTime() + wait.toNanos();
        int attempt = 1;
        while (true) {
            try {
                return step.run();
            } catch (SetupException e) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw e;
                }
                err.println("nifi-twin-setup: attempt " + attempt + " at " + service + " failed, retrying: "
                        + e.getMessage());
                attempt++;
                try {
                    Thread.sleep(Math.min(Duration.ofSeconds(5).toMillis(), Math.max(1, left / 1_000_000)));
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }
}
