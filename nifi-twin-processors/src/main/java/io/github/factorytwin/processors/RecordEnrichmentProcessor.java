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
import org.apache.nifi.processor.util.StandardValidators;
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
 *       {@code record.error.message}; the other records of the same FlowFile still flow. So does a record with a
 *       value the Record Writer cannot write (see {@link Writability}), before it is processed; such records are
 *       written with all their values as text, in a second failure FlowFile.
 *   <li>Content that cannot be read at all (not the reader's format, schema not found, a value the reader cannot
 *       convert), or records the Record Writer cannot write, send the original FlowFile to {@code failure} intact,
 *       with nothing written elsewhere and the enrichment not committed, so a retry of the same FlowFile neither
 *       duplicates output nor double-counts state, and a poison FlowFile cannot roll back and retry forever.
 *   <li>Every record read is accounted for: content that holds no records (an empty document, a bare JSON value,
 *       an array without objects) fails whole with a message saying so, and JSON that mixes records with other
 *       values fails whole before the reader can skip the record after such a value (see {@link RecordShape}).
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

    /** Default of {@link #MAX_MACHINE_ID_LENGTH}. */
    public static final int DEFAULT_MAX_MACHINE_ID_LENGTH = 128;

    public static final PropertyDescriptor MAX_MACHINE_ID_LENGTH = new PropertyDescriptor.Builder()
            .name("Maximum Machine ID Length")
            .description("Longest machine id (in characters, after trimming) a record may carry; a longer one sends"
                    + " the record to failure, so that stray or hostile ids cannot bloat the per-machine state. A"
                    + " machine id must be text or a number; a JSON object, array or boolean there also sends the"
                    + " record to failure.")
            .required(true)
            .defaultValue(String.valueOf(DEFAULT_MAX_MACHINE_ID_LENGTH))
            .addValidator(StandardValidators.createLongValidator(1, 10_000, true))
            .build();

    public static final PropertyDescriptor STATE_FIELD = new PropertyDescriptor.Builder()
            .name("State Field")
            .description("Record field that marks a repair: a record whose value there is '" + RecordSupport.MAINTENANCE
                    + "' (any case) starts its machine afresh. GenerateSensorReadings writes such a record after each"
                    + " repair; from a plant, merge one from the maintenance system into the stream. A record without"
                    + " the field is an ordinary reading.")
            .required(true)
            .defaultValue(TwinFields.STATE)
            .addValidator(StandardValidators.NON_BLANK_VALIDATOR)
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
        try {
            String shapeProblem = RecordSupport.shapeProblem(session, original);
            if (shapeProblem != null) {
                failWhole(session, original, shapeProblem, null);
                return;
            }
        } catch (IOException e) {
            failWhole(session, original, "Could not read records: " + RecordSupport.describe(e), e);
            return;
        }
        Enrichment enrichment;
        try (InputStream in = session.read(original);
                RecordReader reader = readers.createRecordReader(original, in, getLogger())) {
            RecordSchema inputSchema = reader.getSchema();
            Enrichment started = startEnrichment(context, original, inputSchema);
            enrichment = started;
            Emitter emitter =
                    (relationship, record) -> outputs.write(relationship, started.schemaFor(relationship), record);
            Record record;
            long read = 0;
            while ((record = RecordSupport.nextRecord(reader)) != null) {
                read++;
                // A value the writer cannot write fails its record here, before it is processed: written later,
                // it would break the output half-way and fail the whole FlowFile.
                String unwritable = Writability.problem(record, inputSchema);
                if (unwritable != null) {
                    outputs.reject(inputSchema, record, unwritable, false);
                    continue;
                }
                try {
                    enrichment.process(record, emitter);
                } catch (RecordRejectedException e) {
                    outputs.reject(inputSchema, record, e.getMessage(), true);
                }
            }
            if (read == 0) {
                // Nothing to account for: an empty document, a bare JSON value, an array without objects. The
                // FlowFile itself is the only trace of it, so it goes to failure rather than vanishing.
                failWhole(session, original, RecordSupport.NO_RECORDS, null);
                return;
            }
            outputs.finish();
            enrichment.commit(session);
        } catch (MalformedRecordException | SchemaNotFoundException | IOException e) {
            outputs.discard();
            failWhole(session, original, "Could not read records: " + RecordSupport.describe(e), e);
            return;
        } catch (WriteFailure e) {
            outputs.discard();
            failWhole(
                    session,
                    original,
                    "Could not write records: " + RecordSupport.describe(e.getCause()),
                    e.getCause());
            return;
        } catch (RuntimeException e) {
            outputs.discard();
            throw e;
        }
        outputs.transfer();
        session.remove(original);
        session.commitAsync(() -> enrichment.committed(session));
    }

    /** Sends the original, unchanged, to failure with {@code reason}; nothing else of it is kept. */
    private void failWhole(ProcessSession session, FlowFile original, String fullReason, Throwable cause) {
        String reason = RecordSupport.message(fullReason);
        if (cause == null) {
            getLogger().error("Routing {} to failure: {}", original, reason);
        } else {
            getLogger().error("Routing {} to failure: {}", original, reason, cause);
        }
        original = session.putAttribute(original, TwinFields.ERROR_MESSAGE_ATTRIBUTE, reason);
        session.transfer(original, REL_FAILURE);
    }

    /** The Record Writer failed on a record: the outputs may hold half a record, so the FlowFile fails whole. */
    private static final class WriteFailure extends RuntimeException {
        WriteFailure(Exception cause) {
            super(cause);
        }
    }

    /**
     * The child FlowFiles of one incoming FlowFile, one writer per relationship, created on first use; plus, for
     * rejected records whose values the writer cannot write as read, a second failure FlowFile that writes every
     * value as text.
     */
    private final class Outputs {
        private final ProcessSession session;
        private final FlowFile original;
        private final RecordSetWriterFactory writers;
        private final Map<Relationship, Output> open = new LinkedHashMap<>();
        private Output failureAsText;

        Outputs(ProcessSession session, FlowFile original, RecordSetWriterFactory writers) {
            this.session = session;
            this.original = original;
            this.writers = writers;
        }

        void write(Relationship relationship, RecordSchema schema, Record record) {
            try {
                Output output = open.get(relationship);
                if (output == null) {
                    output = new Output(relationship, session.create(original), schema);
                    open.put(relationship, output);
                }
                output.writer.write(record);
            } catch (IOException | SchemaNotFoundException | RuntimeException e) {
                throw new WriteFailure(e);
            }
        }

        /** Sends {@code record} to failure; {@code writable}: whether its values can be written as read. */
        void reject(RecordSchema inputSchema, Record record, String reason, boolean writable) {
            try {
                Output output = writable ? open.get(REL_FAILURE) : failureAsText;
                if (output == null) {
                    RecordSchema schema = writable ? inputSchema : Writability.asText(inputSchema);
                    output = new Output(REL_FAILURE, session.create(original), schema);
                    if (writable) {
                        open.put(REL_FAILURE, output);
                    } else {
                        failureAsText = output;
                    }
                }
                if (output.firstError == null) {
                    output.firstError = RecordSupport.message(reason);
                }
                output.writer.write(record);
            } catch (IOException | SchemaNotFoundException | RuntimeException e) {
                throw new WriteFailure(e);
            }
        }

        private List<Output> all() {
            List<Output> all = new java.util.ArrayList<>(open.values());
            if (failureAsText != null) {
                all.add(failureAsText);
            }
            return all;
        }

        void finish() throws IOException {
            for (Output output : all()) {
                WriteResult result = output.writer.finishRecordSet();
                String mimeType = output.writer.getMimeType();
                output.close();
                Map<String, String> attributes = new HashMap<>(result.getAttributes());
                attributes.put(TwinFields.RECORD_COUNT_ATTRIBUTE, String.valueOf(result.getRecordCount()));
                attributes.put(CoreAttributes.MIME_TYPE.key(), mimeType);
                if (output.relationship.equals(REL_FAILURE)) {
                    attributes.put(TwinFields.ERROR_MESSAGE_ATTRIBUTE, output.firstError);
                    attributes.put(TwinFields.ERROR_COUNT_ATTRIBUTE, String.valueOf(result.getRecordCount()));
                }
                output.flowFile = session.putAllAttributes(output.flowFile, attributes);
            }
        }

        void transfer() {
            for (Output output : all()) {
                session.transfer(output.flowFile, output.relationship);
            }
        }

        void discard() {
            for (Output output : all()) {
                output.closeQuietly();
                session.remove(output.flowFile);
            }
            open.clear();
            failureAsText = null;
        }

        private final class Output {
            final Relationship relationship;
            FlowFile flowFile;
            final OutputStream stream;
            final RecordSetWriter writer;
            String firstError;

            Output(Relationship relationship, FlowFile flowFile, RecordSchema schema)
                    throws IOException, SchemaNotFoundException {
                this.relationship = relationship;
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
