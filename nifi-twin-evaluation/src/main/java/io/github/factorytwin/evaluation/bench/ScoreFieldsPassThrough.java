package io.github.factorytwin.evaluation.bench;

import io.github.factorytwin.records.TwinFields;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.nifi.serialization.SimpleRecordSchema;
import org.apache.nifi.serialization.record.MapRecord;
import org.apache.nifi.serialization.record.Record;
import org.apache.nifi.serialization.record.RecordField;
import org.apache.nifi.serialization.record.RecordFieldType;
import org.apache.nifi.serialization.record.RecordSchema;

/**
 * The pass-through with ScoreAnomaly's five output fields added to every record, with the values of a normal reading
 * (a score, false, a feature name, its value, no explanation) and no work to find them: what reading and writing
 * ScoreAnomaly's records costs alone, so the ceiling of ScoreAnomaly's ratio to the plain pass-through.
 */
public final class ScoreFieldsPassThrough extends PassThroughRecordProcessor {

    private static final List<RecordField> SCORE_FIELDS = List.of(
            new RecordField(TwinFields.ANOMALY_SCORE, RecordFieldType.DOUBLE.getDataType(), true),
            new RecordField(TwinFields.IS_ANOMALY, RecordFieldType.BOOLEAN.getDataType(), false),
            new RecordField(TwinFields.ANOMALY_FEATURE, RecordFieldType.STRING.getDataType(), true),
            new RecordField(TwinFields.ANOMALY_FEATURE_VALUE, RecordFieldType.DOUBLE.getDataType(), true),
            new RecordField(TwinFields.ANOMALY_EXPLANATION, RecordFieldType.STRING.getDataType(), true));

    @Override
    protected RecordSchema outputSchema(RecordSchema input) {
        List<RecordField> fields = new ArrayList<>(input.getFields());
        fields.addAll(SCORE_FIELDS);
        return new SimpleRecordSchema(fields);
    }

    @Override
    protected Record output(Record record, RecordSchema schema) {
        Map<String, Object> values = new HashMap<>(record.toMap());
        values.put(TwinFields.ANOMALY_SCORE, 0.4512345678);
        values.put(TwinFields.IS_ANOMALY, false);
        values.put(TwinFields.ANOMALY_FEATURE, TwinFields.TEMPERATURE);
        values.put(TwinFields.ANOMALY_FEATURE_VALUE, 75.123);
        values.put(TwinFields.ANOMALY_EXPLANATION, null);
        return new MapRecord(schema, values, false, false);
    }
}
