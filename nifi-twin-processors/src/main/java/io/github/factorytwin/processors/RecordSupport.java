package io.github.factorytwin.processors;

import io.github.factorytwin.processors.RecordEnrichmentProcessor.RecordRejectedException;
import io.github.factorytwin.records.TwinFields;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.nifi.flowfile.FlowFile;
import org.apache.nifi.processor.ProcessSession;
import org.apache.nifi.serialization.MalformedRecordException;
import org.apache.nifi.serialization.RecordReader;
import org.apache.nifi.serialization.SimpleRecordSchema;
import org.apache.nifi.serialization.record.MapRecord;
import org.apache.nifi.serialization.record.Record;
import org.apache.nifi.serialization.record.RecordField;
import org.apache.nifi.serialization.record.RecordSchema;

/** Small record helpers the enriching processors share: schema extension and tolerant field access. */
public final class RecordSupport {

    private RecordSupport() {}

    /** {@code base} with {@code added} appended; a field of the same name in {@code base} is replaced. */
    public static RecordSchema withFields(RecordSchema base, List<RecordField> added) {
        List<String> addedNames = added.stream().map(RecordField::getFieldName).toList();
        List<RecordField> fields = new ArrayList<>();
        for (RecordField field : base.getFields()) {
            if (!addedNames.contains(field.getFieldName())) {
                fields.add(field);
            }
        }
        fields.addAll(added);
        return new SimpleRecordSchema(fields);
    }

    /** A copy of {@code record} under {@code schema} with {@code values} set (null values included). */
    public static Record enriched(RecordSchema schema, Record record, Map<String, Object> values) {
        Map<String, Object> source = record.toMap();
        // Sized once: this runs for every record ComputeHealthScore writes.
        Map<String, Object> all = new HashMap<>((source.size() + values.size()) * 4 / 3 + 1);
        all.putAll(source);
        all.putAll(values);
        return new MapRecord(schema, all);
    }

    /**
     * The numeric value of {@code field}: null when absent or null, NaN kept as NaN (the caller decides), a
     * numeric string parsed. Anything else (text, a boolean, a nested record) rejects the record.
     */
    public static Double number(Record record, String field) throws RecordRejectedException {
        Object value = record.getValue(field);
        if (value == null) {
            return null;
        }
        if (value instanceof Number n) {
            return n.doubleValue();
        }
        if (value instanceof String s) {
            String text = s.trim();
            if (text.isEmpty()) {
                return null;
            }
            try {
                return Double.parseDouble(text);
            } catch (NumberFormatException e) {
                throw new RecordRejectedException("Field '" + field + "' is not a number: '" + s + "'");
            }
        }
        throw new RecordRejectedException("Field '" + field + "' is not a number: " + value);
    }

    /** The text of {@code field}, or null when absent or blank. */
    public static String text(Record record, String field) {
        Object value = record.getValue(field);
        if (value == null) {
            return null;
        }
        String text = value.toString().trim();
        return text.isEmpty() ? null : text;
    }

    /** The {@code state} of the record written after a repair (GenerateSensorReadings writes one per repair). */
    public static final String MAINTENANCE = "maintenance";

    /** Whether the record marks a maintenance: its {@code state} field is {@value #MAINTENANCE} (any case). */
    public static boolean isMaintenance(Record record) {
        return MAINTENANCE.equalsIgnoreCase(text(record, TwinFields.STATE));
    }

    /**
     * Reads the record fields {@code fields} as numbers into {@code into} (NaN where a field is absent or null).
     *
     * @throws RecordRejectedException when a value is present but not a number
     */
    public static void numbers(Record record, List<String> fields, double[] into) throws RecordRejectedException {
        for (int i = 0; i < into.length; i++) {
            Double value = number(record, fields.get(i));
            into[i] = value == null ? Double.NaN : value;
        }
    }

    /** The reason given for content the reader found no record in. */
    public static final String NO_RECORDS = "Content holds no records (an empty document, a JSON value that is not"
            + " an object, or an array without objects)";

    /**
     * Why {@code flowFile}'s content cannot be read record for record (JSON that is not all records), or null; see
     * {@link RecordShape}.
     */
    public static String shapeProblem(ProcessSession session, FlowFile flowFile) throws IOException {
        try (InputStream in = session.read(flowFile)) {
            return RecordShape.problem(in);
        }
    }

    /** The reader's next record; a value the reader cannot convert makes the content unreadable, not a crash. */
    public static Record nextRecord(RecordReader reader) throws IOException, MalformedRecordException {
        try {
            return reader.nextRecord();
        } catch (RuntimeException e) {
            throw new MalformedRecordException("Could not read a record: " + describe(e), e);
        }
    }

    /** Longest value quoted whole in a message; longer ones are cut (see {@link #shorten}). */
    public static final int MAX_VALUE_LENGTH = 100;

    /**
     * Longest {@code record.error.message}: the flow turns error attributes into Kafka headers, and a message that
     * quotes a record's value must not grow with it.
     */
    public static final int MAX_MESSAGE_LENGTH = 1000;

    /** {@code value} as text, cut to {@value #MAX_VALUE_LENGTH} characters plus "…(N chars)" when longer. */
    public static String shorten(Object value) {
        String text = String.valueOf(value);
        if (text.length() <= MAX_VALUE_LENGTH) {
            return text;
        }
        return text.substring(0, MAX_VALUE_LENGTH) + "…(" + text.length() + " chars)";
    }

    /** {@code message} cut to at most {@value #MAX_MESSAGE_LENGTH} characters (ending in "…" when cut). */
    public static String message(String message) {
        if (message == null || message.length() <= MAX_MESSAGE_LENGTH) {
            return message;
        }
        return message.substring(0, MAX_MESSAGE_LENGTH - 1) + "…";
    }

    /** The root cause's message of {@code e} (or its type), for an operator. */
    public static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() != null ? root.getMessage() : e.getMessage();
        return message != null ? message : root.getClass().getSimpleName();
    }
}
