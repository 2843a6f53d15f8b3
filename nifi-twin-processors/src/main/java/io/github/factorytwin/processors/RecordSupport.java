package io.github.factorytwin.processors;

import io.github.factorytwin.processors.RecordEnrichmentProcessor.RecordRejectedException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.nifi.flowfile.FlowFile;
import org.apache.nifi.processor.ProcessSession;
import org.apache.nifi.serialization.MalformedRecordException;
import org.apache.nifi.serialization.RecordReader;
import org.apache.nifi.serialization.SimpleRecordSchema;
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

    /** A plain decimal number: optional sign, digits with an optional fraction, an optional exponent. */
    private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

    /**
     * The numeric value of {@code field}: null when absent, null or blank text; a number or a plain decimal text
     * otherwise. Anything else rejects the record: text that is not a plain decimal (also "NaN", "Infinity", hex
     * floats such as "0x1p3"), a number beyond the range of a double ("1e309"), a NaN or infinite value, a
     * boolean, a nested record.
     */
    public static Double number(Record record, String field) throws RecordRejectedException {
        Object value = record.getValue(field);
        if (value == null) {
            return null;
        }
        double number;
        if (value instanceof Number n) {
            number = n.doubleValue();
        } else if (value instanceof String s) {
            String text = s.trim();
            if (text.isEmpty()) {
                return null;
            }
            if (text.length() > MAX_VALUE_LENGTH || !DECIMAL.matcher(text).matches()) {
                throw new RecordRejectedException(
                        "Field '" + shorten(field) + "' is not a decimal number: '" + shorten(s) + "'");
            }
            number = Double.parseDouble(text);
        } else {
            throw new RecordRejectedException("Field '" + shorten(field) + "' is not a number: " + shorten(value));
        }
        if (!Double.isFinite(number)) {
            throw new RecordRejectedException(
                    "Field '" + shorten(field) + "' is not a finite number: " + shorten(value));
        }
        return number;
    }

    /** {@code value}, or null when it is NaN or infinite: a computed output the writer must be able to write. */
    public static Double finiteOrNull(Double value) {
        return value == null || Double.isFinite(value) ? value : null;
    }

    /**
     * The identifier in {@code field} (a machine id or type), trimmed: text or a number; null when absent or blank.
     * A record, array, map or boolean there, or an id longer than {@code maxLength}, rejects the record: taken as
     * text, each such record would make a new machine.
     */
    public static String identifier(Record record, String field, String role, int maxLength)
            throws RecordRejectedException {
        Object value = record.getValue(field);
        if (value == null) {
            return null;
        }
        String id;
        if (value instanceof String s) {
            id = s.trim();
        } else if (value instanceof Number && !(value instanceof Double d && !Double.isFinite(d))) {
            id = value.toString();
        } else {
            throw new RecordRejectedException("Field '" + shorten(field) + "' (the " + role + ") must be text or a"
                    + " number, not " + kind(value) + ": " + shorten(value));
        }
        if (id.length() > maxLength) {
            throw new RecordRejectedException("Field '" + shorten(field) + "' (the " + role + ") is " + id.length()
                    + " characters long, more than the Maximum Machine ID Length (" + maxLength + "): "
                    + shorten(id));
        }
        return id.isEmpty() ? null : id;
    }

    private static String kind(Object value) {
        if (value instanceof Record) {
            return "a record";
        }
        if (value instanceof Object[]) {
            return "an array";
        }
        if (value instanceof Map<?, ?>) {
            return "a map";
        }
        if (value instanceof Boolean) {
            return "a boolean";
        }
        return "a " + value.getClass().getSimpleName();
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

    /** Whether the record marks a maintenance: its {@code stateField} is {@value #MAINTENANCE} (any case). */
    public static boolean isMaintenance(Record record, String stateField) {
        return MAINTENANCE.equalsIgnoreCase(text(record, stateField));
    }

    /**
     * Reads the record fields {@code fields} as numbers into {@code into} (NaN where a field is absent or null).
     *
     * @throws RecordRejectedException when a value is present but not a finite number (see {@link #number})
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
            if (RecordShape.onlyRecords(in)) {
                return null; // the usual case, found by the fast look alone
            }
        }
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
