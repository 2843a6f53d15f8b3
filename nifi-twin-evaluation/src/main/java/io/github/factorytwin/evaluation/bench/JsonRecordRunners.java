package io.github.factorytwin.evaluation.bench;

import org.apache.nifi.json.JsonRecordSetWriter;
import org.apache.nifi.json.JsonTreeReader;
import org.apache.nifi.processor.Processor;
import org.apache.nifi.reporting.InitializationException;
import org.apache.nifi.util.TestRunner;
import org.apache.nifi.util.TestRunners;

/** TestRunners wired to NiFi's real JsonTreeReader and JsonRecordSetWriter, as a flow would be. */
public final class JsonRecordRunners {

    public static final String READER_ID = "json-reader";
    public static final String WRITER_ID = "json-writer";

    private JsonRecordRunners() {}

    /** A runner with a JSON reader and writer enabled, referenced by "Record Reader"/"Record Writer". */
    public static TestRunner newRunner(Processor processor) {
        TestRunner runner = TestRunners.newTestRunner(processor);
        try {
            JsonTreeReader reader = new JsonTreeReader();
            runner.addControllerService(READER_ID, reader);
            runner.enableControllerService(reader);
            JsonRecordSetWriter writer = new JsonRecordSetWriter();
            runner.addControllerService(WRITER_ID, writer);
            runner.enableControllerService(writer);
        } catch (InitializationException e) {
            throw new IllegalStateException(e);
        }
        // getPropertyDescriptor answers any name with a dynamic descriptor, so ask the supported list.
        boolean hasReader = processor.getPropertyDescriptors().stream()
                .anyMatch(d -> d.getName().equals("Record Reader"));
        if (hasReader) {
            runner.setProperty("Record Reader", READER_ID);
        }
        runner.setProperty("Record Writer", WRITER_ID);
        return runner;
    }
}
