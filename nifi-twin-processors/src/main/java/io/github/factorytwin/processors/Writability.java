package io.github.factorytwin.processors;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.nifi.serialization.SimpleRecordSchema;
import org.apache.nifi.serialization.record.DataType;
import org.apache.nifi.serialization.record.Record;
import org.apache.nifi.serialization.record.RecordField;
import org.apache.nifi.serialization.record.RecordFieldType;
import org.apache.nifi.serialization.record.RecordSchema;
import org.apache.nifi.serialization.record.type.ArrayDataType;
import org.apache.nifi.serialization.record.type.ChoiceDataType;
import org.apache.nifi.serialization.record.type.MapDataType;
import org.apache.nifi.serialization.record.type.RecordDataType;
import org.apache.nifi.serialization.record.util.DataTypeUtils;

/**
 * Whether a Record Writer can write a record's values under a schema, checked before the record is processed: a
 * writer that fails half-way through a record leaves its output unusable, so one bad value would otherwise send
 * the whole FlowFile to failure.
 *
 * <p>The check follows what NiFi's writers do with each value: a CHOICE takes the first compatible type (none:
 * null is written), a value must be compatible with its field's type, and a non-finite number (NaN, infinity;
 * the JSON reader turns the text "NaN" into one) cannot be written by the JSON writer at its default settings.
 * Dates and times are left to the writer, whose formats decide.
 */
final class Writability {

    private Writability() {}

    /** Why {@code record} cannot be written under {@code schema}, naming the field and value, or null. */
    static String problem(Record record, RecordSchema schema) {
        for (RecordField field : schema.getFields()) {
            Object value = record.getValue(field);
            String why = value == null ? null : problem(value, field.getDataType());
            if (why != null) {
                return "Field '" + RecordSupport.shorten(field.getFieldName()) + "' holds "
                        + RecordSupport.shorten(value) + ", " + why;
            }
        }
        return null;
    }

    private static String problem(Object value, DataType type) {
        if (value instanceof Double d && !Double.isFinite(d) || value instanceof Float f && !Float.isFinite(f)) {
            return "not a finite number (the Record Writer cannot write it)";
        }
        if (isExactly(value, type.getFieldType())) {
            return null;
        }
        switch (type.getFieldType()) {
            case CHOICE -> {
                DataType chosen = DataTypeUtils.chooseDataType(value, (ChoiceDataType) type);
                return chosen == null ? null : problem(value, chosen);
            }
            case DATE, TIME, TIMESTAMP -> {
                return null;
            }
            case RECORD -> {
                if (value instanceof Record nested) {
                    RecordSchema child = ((RecordDataType) type).getChildSchema();
                    return nestedProblem(nested, child == null ? nested.getSchema() : child);
                }
            }
            case ARRAY -> {
                if (value instanceof Object[] elements) {
                    DataType elementType = ((ArrayDataType) type).getElementType();
                    for (Object element : elements) {
                        String why = element == null ? null : problem(element, elementType);
                        if (why != null) {
                            return "an array whose element " + RecordSupport.shorten(element) + " is " + why;
                        }
                    }
                    return null;
                }
            }
            case MAP -> {
                if (value instanceof Map<?, ?> map) {
                    DataType valueType = ((MapDataType) type).getValueType();
                    for (Object element : map.values()) {
                        String why = element == null ? null : problem(element, valueType);
                        if (why != null) {
                            return "a map whose value " + RecordSupport.shorten(element) + " is " + why;
                        }
                    }
                    return null;
                }
            }
            default -> {}
        }
        return DataTypeUtils.isCompatibleDataType(value, type)
                ? null
                : "which the Record Writer cannot write as " + type.getFieldType();
    }

    /**
     * Whether {@code value} is the Java type a reader produces for {@code fieldType} (a finite number, checked above),
     * which every writer writes: most values of most records, answered without NiFi's general compatibility check.
     */
    private static boolean isExactly(Object value, RecordFieldType fieldType) {
        return switch (fieldType) {
            case STRING -> value instanceof String;
            case DOUBLE -> value instanceof Double;
            case LONG -> value instanceof Long;
            case INT -> value instanceof Integer;
            case BOOLEAN -> value instanceof Boolean;
            default -> false;
        };
    }

    private static String nestedProblem(Record record, RecordSchema schema) {
        for (RecordField field : schema.getFields()) {
            Object value = record.getValue(field);
            String why = value == null ? null : problem(value, field.getDataType());
            if (why != null) {
                return "a record whose field '" + RecordSupport.shorten(field.getFieldName()) + "' is " + why;
            }
        }
        return null;
    }

    /**
     * {@code schema} with every scalar type (at any depth) made STRING: any value a reader produces can be written
     * under it as text, so a record that cannot be written as read still reaches failure, its values as text.
     */
    static RecordSchema asText(RecordSchema schema) {
        return asText(schema, 0);
    }

    /** Deeper than this (a recursive schema) types are kept as they are. */
    private static final int MAX_DEPTH = 64;

    private static RecordSchema asText(RecordSchema schema, int depth) {
        List<RecordField> fields = new ArrayList<>();
        for (RecordField field : schema.getFields()) {
            fields.add(new RecordField(field.getFieldName(), asText(field.getDataType(), depth + 1), true));
        }
        return new SimpleRecordSchema(fields);
    }

    private static DataType asText(DataType type, int depth) {
        if (depth > MAX_DEPTH) {
            return type;
        }
        return switch (type.getFieldType()) {
            case RECORD -> {
                RecordSchema child = ((RecordDataType) type).getChildSchema();
                yield child == null ? type : RecordFieldType.RECORD.getRecordDataType(asText(child, depth));
            }
            case ARRAY ->
                RecordFieldType.ARRAY.getArrayDataType(asText(((ArrayDataType) type).getElementType(), depth + 1));
            case MAP -> RecordFieldType.MAP.getMapDataType(asText(((MapDataType) type).getValueType(), depth + 1));
            case CHOICE -> {
                List<DataType> options = new ArrayList<>();
                for (DataType option : ((ChoiceDataType) type).getPossibleSubTypes()) {
                    DataType text = asText(option, depth + 1);
                    if (!options.contains(text)) {
                        options.add(text);
                    }
                }
                yield options.size() == 1 ? options.get(0) : RecordFieldType.CHOICE.getChoiceDataType(options);
            }
            default -> RecordFieldType.STRING.getDataType();
        };
    }
}
