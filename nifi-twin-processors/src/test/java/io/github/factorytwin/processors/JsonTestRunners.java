package io.github.factorytwin.processors;

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
}
