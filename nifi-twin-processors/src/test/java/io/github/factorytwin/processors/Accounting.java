package io.github.factorytwin.processors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.factorytwin.records.TwinFields;
import java.io.IOException;
import java.util.List;
import org.apache.nifi.util.MockFlowFile;
import org.apache.nifi.util.TestRunner;

/**
 * The invariants every run of an enriching processor must keep, whatever its input: one FlowFile in, and either
 * that FlowFile on failure whole (content unchanged, with a reason) or every record it held on success or failure,
 * nothing left in the queue (no rollback), and every failure carrying a bounded reason.
 */
final class Accounting {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Accounting() {}

    /** How the one FlowFile of a run was accounted for. */
    record Outcome(boolean failedWhole, int success, int failure, List<String> reasons) {
        String firstReason() {
            return reasons.isEmpty() ? null : reasons.get(0);
        }
    }

    /**
     * Records at the records level of {@code content} as NiFi's JSON readers see them (objects at the top level or
     * in top-level arrays), or -1 when the content is not all records (not JSON, or another value at that level).
     */
    static int records(byte[] content) {
        try (JsonParser parser = new JsonFactory().createParser(content)) {
            int records = 0;
            for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
                switch (token) {
                    case START_OBJECT -> {
                        records++;
                        parser.skipChildren();
                    }
                    case START_ARRAY, END_ARRAY -> {}
                    default -> {
                        return -1;
                    }
                }
            }
            return records;
        } catch (JsonProcessingException | java.io.CharConversionException e) {
            return -1;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Asserts the invariants after {@code runner} processed the one FlowFile holding {@code content}. */
    static Outcome check(TestRunner runner, byte[] content) throws IOException {
        assertEquals(0, runner.getQueueSize().getObjectCount(), "the FlowFile was not rolled back");
        List<MockFlowFile> failures = runner.getFlowFilesForRelationship(RecordEnrichmentProcessor.REL_FAILURE);
        List<MockFlowFile> successes = runner.getFlowFilesForRelationship(RecordEnrichmentProcessor.REL_SUCCESS);
        List<String> reasons = new java.util.ArrayList<>();
        for (MockFlowFile failure : failures) {
            String reason = failure.getAttribute(TwinFields.ERROR_MESSAGE_ATTRIBUTE);
            reasons.add(reason);
            assertTrue(reason != null && !reason.isBlank(), "every failure says why");
            assertTrue(reason.length() <= RecordSupport.MAX_MESSAGE_LENGTH, "reason of " + reason.length());
        }
        boolean whole = failures.size() == 1
                && failures.get(0).getAttribute(TwinFields.ERROR_COUNT_ATTRIBUTE) == null
                && java.util.Arrays.equals(failures.get(0).toByteArray(), content);
        int expected = records(content);
        if (whole) {
            assertEquals(0, successes.size(), "a FlowFile that failed whole has no other output");
            return new Outcome(true, 0, 0, reasons);
        }
        assertTrue(expected > 0, "content that is not all records fails whole");
        assertTrue(failures.size() <= 2, "at most two failure FlowFiles (as read, and with values as text)");
        int success = count(successes);
        int failure = count(failures);
        assertEquals(expected, success + failure, "records in = records out over success and failure");
        return new Outcome(false, success, failure, reasons);
    }

    private static int count(List<MockFlowFile> flowFiles) throws IOException {
        int n = 0;
        for (MockFlowFile flowFile : flowFiles) {
            JsonNode tree = JSON.readTree(flowFile.toByteArray());
            int records = tree.isArray() ? tree.size() : 1;
            assertEquals(String.valueOf(records), flowFile.getAttribute(TwinFields.RECORD_COUNT_ATTRIBUTE));
            n += records;
        }
        return n;
    }
}
