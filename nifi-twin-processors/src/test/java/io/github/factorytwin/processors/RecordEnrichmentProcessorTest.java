package io.github.factorytwin.processors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.nifi.flowfile.FlowFile;
import org.apache.nifi.processor.ProcessContext;
import org.apache.nifi.processor.ProcessSession;
import org.apache.nifi.processor.Relationship;
import org.apache.nifi.serialization.record.RecordField;
import org.apache.nifi.serialization.record.RecordFieldType;
import org.apache.nifi.serialization.record.RecordSchema;
import org.apache.nifi.util.MockFlowFile;
import org.apache.nifi.util.MockProcessSession;
import org.apache.nifi.util.TestRunner;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RecordEnrichmentProcessorTest {

    private static final RecordValues.Names DOUBLED = new RecordValues.Names(List.of("doubled"));

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Relationship HIGH =
            new Relationship.Builder().name("high").build();

    /**
     * Doubles "value"; rejects records without it; copies values above 10 to "high"; counts commits, and the
     * committed callbacks with the FlowFiles the session had transferred by then.
     */
    static class Doubler extends RecordEnrichmentProcessor {
        final AtomicInteger commits = new AtomicInteger();
        final AtomicInteger committed = new AtomicInteger();

        @Override
        protected List<org.apache.nifi.components.PropertyDescriptor> getSupportedPropertyDescriptors() {
            return List.of(RECORD_READER, RECORD_WRITER);
        }

        @Override
        public Set<Relationship> getRelationships() {
            return Set.of(REL_SUCCESS, REL_FAILURE, HIGH);
        }

        @Override
        protected Enrichment startEnrichment(ProcessContext context, FlowFile flowFile, RecordSchema inputSchema) {
            RecordSchema out = RecordSupport.withFields(
                    inputSchema, List.of(new RecordField("doubled", RecordFieldType.DOUBLE.getDataType(), true)));
            return new Enrichment() {
                @Override
                public RecordSchema schemaFor(Relationship relationship) {
                    return out;
                }

                @Override
                public void process(org.apache.nifi.serialization.record.Record record, Emitter emitter)
                        throws RecordRejectedException {
                    Double value = RecordSupport.number(record, "value");
                    if (value == null) {
                        throw new RecordRejectedException("Field 'value' is missing");
                    }
                    var enriched = RecordValues.overlay(out, record, DOUBLED, 2 * value);
                    emitter.emit(REL_SUCCESS, enriched);
                    if (value > 10) {
                        emitter.emit(HIGH, enriched);
                    }
                }

                @Override
                public void commit(ProcessSession session) {
                    commits.incrementAndGet();
                }

                @Override
                public void committed(ProcessSession session) {
                    ((MockProcessSession) session).assertCommitted();
                    committed.incrementAndGet();
                }
            };
        }
    }

    private Doubler processor;
    private TestRunner runner;

    @BeforeEach
    void setUp() throws Exception {
        processor = new Doubler();
        runner = JsonTestRunners.runner(processor, true);
    }

    private static List<JsonNode> records(MockFlowFile flowFile) throws Exception {
        List<JsonNode> list = new ArrayList<>();
        JSON.readTree(flowFile.getContent()).forEach(list::add);
        return list;
    }

    @Test
    void enrichesGoodRecordsAndRoutesBadOnesToFailureWithTheReason() throws Exception {
        runner.enqueue("[{\"id\":1,\"value\":2},{\"id\":2},{\"id\":3,\"value\":\"abc\"},{\"id\":4,\"value\":20}]");
        runner.run();

        runner.assertTransferCount(RecordEnrichmentProcessor.REL_SUCCESS, 1);
        runner.assertTransferCount(RecordEnrichmentProcessor.REL_FAILURE, 1);
        runner.assertTransferCount(HIGH, 1);
        MockFlowFile success = runner.getFlowFilesForRelationship(RecordEnrichmentProcessor.REL_SUCCESS)
                .get(0);
        success.assertAttributeEquals("record.count", "2");
        success.assertAttributeEquals("mime.type", "application/json");
        List<JsonNode> good = records(success);
        assertEquals(4.0, good.get(0).get("doubled").asDouble());
        assertEquals(40.0, good.get(1).get("doubled").asDouble());

        MockFlowFile failure = runner.getFlowFilesForRelationship(RecordEnrichmentProcessor.REL_FAILURE)
                .get(0);
        failure.assertAttributeEquals("record.error.message", "Field 'value' is missing");
        failure.assertAttributeEquals("record.error.count", "2");
        List<JsonNode> bad = records(failure);
        assertEquals(List.of(2, 3), bad.stream().map(n -> n.get("id").asInt()).toList());
        assertTrue(bad.get(0).get("doubled") == null, "failed records are passed on unchanged");

        assertEquals(1, records(runner.getFlowFilesForRelationship(HIGH).get(0)).size());
        assertEquals(1, processor.commits.get());
    }

    @Test
    void unreadableContentSendsTheOriginalToFailureIntactAndCommitsNothing() {
        String content = "[{\"value\":1},{\"value\": oops";
        runner.enqueue(content);
        runner.run();

        assertTheOriginalFailedWhole(content, "Could not read records");
    }

    @Test
    void aRecordWithAValueTheWriterCannotWriteFailsAloneAndReachesFailureAsText() throws Exception {
        // The reader infers a numeric type for "note" from 75.5 and 1e300 and turns "NaN" into a number the JSON
        // writer cannot write: that record alone fails, before it is processed.
        String content = "[{\"value\":1,\"note\":75.5},{\"value\":2,\"note\":\"NaN\"},{\"value\":3,\"note\":1e300}]";
        runner.enqueue(content);
        runner.run();

        runner.assertTransferCount(RecordEnrichmentProcessor.REL_SUCCESS, 1);
        runner.assertTransferCount(RecordEnrichmentProcessor.REL_FAILURE, 1);
        List<JsonNode> good = records(runner.getFlowFilesForRelationship(RecordEnrichmentProcessor.REL_SUCCESS)
                .get(0));
        assertEquals(
                List.of(1, 3), good.stream().map(n -> n.get("value").asInt()).toList());
        MockFlowFile failure = runner.getFlowFilesForRelationship(RecordEnrichmentProcessor.REL_FAILURE)
                .get(0);
        failure.assertAttributeEquals(
                "record.error.message",
                "Field 'note' holds NaN, not a finite number (the Record Writer cannot write it)");
        JsonNode bad = records(failure).get(0);
        assertEquals("NaN", bad.get("note").asText());
        assertEquals("2", bad.get("value").asText());
        assertEquals(1, processor.commits.get());
    }

    /** The original alone went to failure, unchanged, with the reason; nothing was committed or left behind. */
    private void assertTheOriginalFailedWhole(String content, String reason) {
        runner.assertAllFlowFilesTransferred(RecordEnrichmentProcessor.REL_FAILURE, 1);
        MockFlowFile failure = runner.getFlowFilesForRelationship(RecordEnrichmentProcessor.REL_FAILURE)
                .get(0);
        failure.assertContentEquals(content);
        assertTrue(failure.getAttribute("record.error.message").startsWith(reason));
        assertEquals(0, processor.commits.get());
        assertEquals(0, runner.getQueueSize().getObjectCount(), "nothing left behind");
    }

    @Test
    void aFlowFileWithNoRecordsFailsWholeSayingSo() {
        runner.enqueue("[]");
        runner.run();

        assertTheOriginalFailedWhole("[]", "Content holds no records");
    }

    @Test
    void committedIsCalledOnlyOnceTheSessionCommitted() throws Exception {
        runner.enqueue("[{\"id\":1,\"value\":2},{\"id\":2}]");
        runner.enqueue("[{\"id\":1,\"value\": oops");
        runner.run(2);
        runner.assertTransferCount(RecordEnrichmentProcessor.REL_SUCCESS, 1);
        runner.assertTransferCount(RecordEnrichmentProcessor.REL_FAILURE, 2);
        assertEquals(1, processor.commits.get());
        assertEquals(1, processor.committed.get(), "not for the unreadable FlowFile");
    }
}
