package io.github.factorytwin.evaluation.bench;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Set;
import org.apache.nifi.components.PropertyDescriptor;
import org.apache.nifi.flowfile.FlowFile;
import org.apache.nifi.processor.AbstractProcessor;
import org.apache.nifi.processor.ProcessContext;
import org.apache.nifi.processor.ProcessSession;
import org.apache.nifi.processor.Relationship;
import org.apache.nifi.serialization.RecordReader;
import org.apache.nifi.serialization.RecordReaderFactory;
import org.apache.nifi.serialization.RecordSetWriter;
import org.apache.nifi.serialization.RecordSetWriterFactory;
import org.apache.nifi.serialization.record.Record;
import org.apache.nifi.serialization.record.RecordSchema;

/**
 * The baseline every processor benchmark is compared to: reads each record with the Record Reader
 * and writes it unchanged with the Record Writer. What a processor costs beyond this is its own work.
 */
public class PassThroughRecordProcessor extends AbstractProcessor {

    public static final PropertyDescriptor RECORD_READER = new PropertyDescriptor.Builder()
            .name("Record Reader")
            .identifiesControllerService(RecordReaderFactory.class)
            .required(true)
            .build();
    public static final PropertyDescriptor RECORD_WRITER = new PropertyDescriptor.Builder()
            .name("Record Writer")
            .identifiesControllerService(RecordSetWriterFactory.class)
            .required(true)
            .build();
    public static final Relationship SUCCESS =
            new Relationship.Builder().name("success").build();

    @Override
    protected List<PropertyDescriptor> getSupportedPropertyDescriptors() {
        return List.of(RECORD_READER, RECORD_WRITER);
    }

    @Override
    public Set<Relationship> getRelationships() {
        return Set.of(SUCCESS);
    }

    @Override
    public void onTrigger(ProcessContext context, ProcessSession session) {
        FlowFile in = session.get();
        if (in == null) {
            return;
        }
        RecordReaderFactory readers = context.getProperty(RECORD_READER).asControllerService(RecordReaderFactory.class);
        RecordSetWriterFactory writers =
                context.getProperty(RECORD_WRITER).asControllerService(RecordSetWriterFactory.class);
        FlowFile out = session.create(in);
        try (InputStream is = session.read(in);
                RecordReader reader = readers.createRecordReader(in, is, getLogger());
                OutputStream os = session.write(out);
                RecordSetWriter writer = writers.createWriter(getLogger(), outputSchema(reader.getSchema()), os, out)) {
            RecordSchema schema = outputSchema(reader.getSchema());
            writer.beginRecordSet();
            Record record;
            while ((record = reader.nextRecord()) != null) {
                writer.write(output(record, schema));
            }
            writer.finishRecordSet();
        } catch (Exception e) {
            throw new IllegalStateException("pass-through failed", e);
        }
        session.remove(in);
        session.transfer(out, SUCCESS);
    }

    /** The schema records are written with: the input's here. */
    protected RecordSchema outputSchema(RecordSchema input) {
        return input;
    }

    /** The record written for {@code record}: itself here. */
    protected Record output(Record record, RecordSchema schema) {
        return record;
    }
}
