package io.github.factorytwin.processors;

import io.github.factorytwin.records.TwinFields;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.nifi.components.PropertyDescriptor;
import org.apache.nifi.flowfile.FlowFile;
import org.apache.nifi.flowfile.attributes.CoreAttributes;
import org.apache.nifi.processor.AbstractProcessor;
import org.apache.nifi.processor.ProcessContext;
import org.apache.nifi.processor.ProcessSession;
import org.apache.nifi.processor.Relationship;
import org.apache.nifi.schema.access.SchemaNotFoundException;
import org.apache.nifi.serialization.MalformedRecordException;
import org.apache.nifi.serialization.RecordReader;
import org.apache.nifi.serialization.RecordReaderFactory;
import org.apache.nifi.serialization.RecordSetWriter;
import org.apache.nifi.serialization.RecordSetWriterFactory;
import org.apache.nifi.serialization.WriteResult;
import org.apache.nifi.serialization.record.Record;
import org.apache.nifi.serialization.record.RecordSchema;

/**
 * Record plumbing shared by the processors that enrich readings (ScoreAnomaly, ComputeHealthScore).
 *
 * <p>Each incoming FlowFile is read record by record; the subclass's {@link Enrichment} turns each record into
 * zero or more output records on any of its relationships. Guarantees, so subclasses need not repeat them:
 *
 * <ul>
 *   <li>A record the enrichment rejects goes, unchanged, to {@code failure} in a FlowFile of its own with
 *       {@code record.error.message}; the other records of the same FlowFile still flow.
 *   <li>Content that cannot be read at all (not the reader's format, schema not found, a value the reader cannot
 *       convert), or records the Record Writer cannot write, send the original FlowFile to {@code failure} intact,
 *       with nothing written elsewhere and the enrichment not committed, so a retry of the same FlowFile neither
 *       duplicates output nor double-counts state, and a poison FlowFile cannot roll back and retry forever.
 *   <li>The original FlowFile is always either transferred to failure or removed once its children are out.
 * </ul>
 */
public abstract class RecordEnrichmentProcessor extends AbstractProcessor {

    public static final PropertyDescriptor RECORD_READER = new PropertyDescriptor.Builder()
            .name("Record Reader")
            .description("Reads the incoming readings. JsonTreeReader matches what GenerateSensorReadings and the"
                    + " Kafka topics carry.")
            .identifiesControllerService(RecordReaderFactory.class)
            .required(true)
            .build();

    public static final PropertyDescriptor RECORD_WRITER = new PropertyDescriptor.Builder()
            .name("Record Writer")
            .description("Writes the outgoing records. Its schema should be inherited from the record (the default of"
                    + " NiFi's writers), because this processor adds fields to every record.")
            .identifiesControllerService(RecordSetWriterFactory.class)
            .required(true)
            .build();

    public static final Relationship REL_SUCCESS = new Relationship.Builder()
            .name("success")
            .description("Every record that was processed, enriched with this processor's fields.")
            .build();

    public static final Relationship REL_FAILURE = new Relationship.Builder()
            .name("failure")
            .description("Records that could not be processed, unchanged, with the reason in the"
                    + " 'record.error.message' attribute; or the whole FlowFile when its content could not be read.")
            .build();

    /** Thrown by an {@link Enrichment} for a record it cannot process; the message tells an operator why. */
    public static class RecordRejectedException extends Exception {
        public RecordRejectedException(String message) {
            super(message);
        }
    }

    /** Where an {@link Enrichment} sends its output records. */
    @FunctionalInterface
    public interface Emitter {
        void emit(Relationship relationship, Record record);
    }

    /** The work on one FlowFile's records. Created per FlowFile, used by one thread. */
    public interface Enrichment {
        /** Schema of the records this enrichment emits to {@code relationship} (not called for failure). */
        RecordSchema schemaFor(Relationship relationship);

        /** Processes one record, emitting its output; throws to send the record itself to failure. */
        void process(Record record, Emitter emitter) throws RecordRejectedException;

        /**
         * Called once every record of the FlowFile was read, before the session commits. Changes to shared state
         * belong here (or in {@link #committed}), not in {@link #process}: a FlowFile whose content turns out
         * unreadable is never committed.
         */
        default void commit(ProcessSession session) {}

        /**
         * Called after the session committed this FlowFile's outputs, never when it was rolled back: where work
         * kept outside the session (in memory, in files of its own) is applied, so it cannot diverge from what
         * was committed. Must not throw.
         */
        default void committed(ProcessSession session) {}
    }

    /** Starts the work on one FlowFile whose records have {@code inputSchema}. */
    protected abstract Enrichment startEnrichment(ProcessContext context, FlowFile flowFile, RecordSchema inputSchema);

    @Override
    public void onTrigger(ProcessContext context, ProcessSession session) {
        FlowFile original = session.get();
        if (original == null) {
            return;
        }
        RecordReaderFactory readers = context.getProperty(RECORD_READER).asControllerService(RecordReaderFactory.class);
        RecordSetWriterFactory writers =
                context.getProperty(RECORD_WRITER).asControllerService(RecordSetWriterFactory.class);
        Outputs outputs = new Outputs(session, original, writers);
        Enrichment enrichment;
        try (InputStream in = session.read(original);
                RecordReader reader = readers.createRecordReader(original, in, getLogger())) {
            RecordSchema inputSchema = reader.getSchema();
            Enrichment started = startEnrichment(context, original, inputSchema);
            enrichment = started;
            Emitter emitter =
                    (relationship, record) -> outputs.write(relationship, started.schemaFor(relationship), record);
            Record record;
            while ((record = RecordSupport.nextRecord(reader)) != null) {
                try {
                    enrichment.process(record, emitter);
                } catch (RecordRejectedException e) {
                    outputs.reject(inputSchema, record, e.getMessage());
                }
            }
            outputs.finish();
            enrichment.commit(session);
        } catch (MalformedRecordException | SchemaNotFoundException | IOException e) {
            outputs.discard();
            String reason = "Could not read records: " + RecordSupport.describe(e);
            getLogger().error("Routing {} to failure: {}", original, reason, e);
            original = session.putAttribute(original, TwinFields.ERROR_MESSAGE_ATTRIBUTE, reason);
            session.transfer(original, REL_FAILURE);
            return;
        } catch (WriteFailure e) {
            outputs.discard();
            String reason = "Could not write records: " + RecordSupport.describe(e.getCause());
            getLogger().error("Routing {} to failure: {}", original, reason, e.getCause());
            original = session.putAttribute(original, TwinFields.ERROR_MESSAGE_ATTRIBUTE, reason);
            session.transfer(original, REL_FAILURE);
            return;
        } catch (RuntimeException e) {
            outputs.discard();
            throw e;
        }
        outputs.transfer();
        session.remove(original);
        session.commitAsync(() -> enrichment.committed(session));
    }

    /** The Record Writer failed on a record: the outputs may hold half a record, so the FlowFile fails whole. */
    private static final class WriteFailure extends RuntimeException {
        WriteFailure(Exception cause) {
            super(cause);
        }
    }

    /** The child FlowFiles of one incoming FlowFile, one writer per relationship, created on first use. */
    private final class Outputs {
        private final ProcessSession session;
        private final FlowFile original;
        private final RecordSetWriterFactory writers;
        private final Map<Relationship, Output> open = new LinkedHashMap<>();
        private String firstError;

        Outputs(ProcessSession session, FlowFile original, RecordSetWriterFactory writers) {
            this.session = session;
            this.original = original;
            this.writers = writers;
        }

        void write(Relationship relationship, RecordSchema schema, Record record) {
            try {
                Output output = open.get(relationship);
                if (output == null) {
                    output = new Output(session.create(original), schema);
                    open.put(relationship, output);
                }
                output.writer.write(record);
            } catch (IOException | SchemaNotFoundException | RuntimeException e) {
                throw new WriteFailure(e);
            }
        }

        void reject(RecordSchema inputSchema, Record record, String reason) {
            if (firstError == null) {
                firstError = reason;
            }
            write(REL_FAILURE, inputSchema, record);
        }

        void finish() throws IOException {
            for (Map.Entry<Relationship, Output> entry : open.entrySet()) {
                Output output = entry.getValue();
                WriteResult result = output.writer.finishRecordSet();
                String mimeType = output.writer.getMimeType();
                output.close();
                Map<String, String> attributes = new HashMap<>(result.getAttributes());
                attributes.put(TwinFields.RECORD_COUNT_ATTRIBUTE, String.valueOf(result.getRecordCount()));
                attributes.put(CoreAttributes.MIME_TYPE.key(), mimeType);
                if (entry.getKey().equals(REL_FAILURE)) {
                    attributes.put(TwinFields.ERROR_MESSAGE_ATTRIBUTE, firstError);
                    attributes.put(TwinFields.ERROR_COUNT_ATTRIBUTE, String.valueOf(result.getRecordCount()));
                }
                output.flowFile = session.putAllAttributes(output.flowFile, attributes);
            }
        }

        void transfer() {
            open.forEach((relationship, output) -> session.transfer(output.flowFile, relationship));
        }

        void discard() {
            for (Output output : open.values()) {
                output.closeQuietly();
                session.remove(output.flowFile);
            }
            open.clear();
        }

        private final class Output {
            FlowFile flowFile;
            final OutputStream stream;
            final RecordSetWriter writer;

            Output(FlowFile flowFile, RecordSchema schema) throws IOException, SchemaNotFoundException {
                this.flowFile = flowFile;
                this.stream = session.write(flowFile);
                RecordSchema writeSchema = writers.getSchema(original.getAttributes(), schema);
                this.writer = writers.createWriter(getLogger(), writeSchema, stream, original);
                writer.beginRecordSet();
            }

            void close() throws IOException {
                writer.close();
                stream.close();
            }

            void closeQuietly() {
                try {
                    close();
                } catch (IOException | RuntimeException ignored) {
                    // Discarded output: nothing left to save.
                }
            }
        }
    }

    /** The reader and writer properties, for subclasses to list first among their own. */
    protected static List<PropertyDescriptor> recordProperties() {
        return List.of(RECORD_READER, RECORD_WRITER);
    }
}
