package io.github.factorytwin.processors;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.apache.nifi.json.JsonRecordSetWriter;
import org.apache.nifi.json.JsonTreeReader;
import org.apache.nifi.processor.Processor;
import org.apache.nifi.reporting.InitializationException;
import org.apache.nifi.util.TestRunner;
import org.apache.nifi.util.TestRunners;

/** TestRunners wired to NiFi's real JsonTreeReader (and JsonRecordSetWriter), as the flows configure them. */
final class JsonTestRunners {

    private JsonTestRunners() {}

    static TestRunner runner(Processor processor, boolean writer) throws InitializationException {
        TestRunner runner = TestRunners.newTestRunner(processor);
        if (processor instanceof ComputeHealthScore) {
            // Its default State Directory is relative to the working directory: keep test runs out of the checkout.
            runner.setProperty(
                    ComputeHealthScore.STATE_DIRECTORY, healthStateRoot().toString());
        }
        JsonTreeReader reader = new JsonTreeReader();
        runner.addControllerService("reader", reader);
        runner.enableControllerService(reader);
        runner.setProperty("Record Reader", "reader");
        if (writer) {
            JsonRecordSetWriter jsonWriter = new JsonRecordSetWriter();
            runner.addControllerService("writer", jsonWriter);
            runner.enableControllerService(jsonWriter);
            runner.setProperty("Record Writer", "writer");
        }
        return runner;
    }

    private static Path healthStateRoot;

    /** One temporary directory per test JVM (each processor uses a sub-directory named after its id). */
    static synchronized Path healthStateRoot() {
        if (healthStateRoot == null) {
            try {
                Path root = Files.createTempDirectory("health-state");
                Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(root)));
                healthStateRoot = root;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return healthStateRoot;
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // a temporary directory: best effort
        }
    }
}
