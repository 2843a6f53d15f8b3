package io.github.factorytwin.processors;

import io.github.factorytwin.anomaly.FeatureSpec;
import io.github.factorytwin.anomaly.FeatureState;
import io.github.factorytwin.anomaly.IsolationForestModel;
import io.github.factorytwin.anomaly.MissingFeatureException;
import io.github.factorytwin.anomaly.MissingValueStrategy;
import io.github.factorytwin.anomaly.ModelFormat;
import io.github.factorytwin.processors.AnomalyProperties.DerivedFeatures;
import io.github.factorytwin.processors.RecordEnrichmentProcessor.RecordRejectedException;
import io.github.factorytwin.records.TwinFields;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.nifi.annotation.behavior.InputRequirement;
import org.apache.nifi.annotation.behavior.Restricted;
import org.apache.nifi.annotation.behavior.Restriction;
import org.apache.nifi.annotation.behavior.WritesAttribute;
import org.apache.nifi.annotation.behavior.WritesAttributes;
import org.apache.nifi.annotation.documentation.CapabilityDescription;
import org.apache.nifi.annotation.documentation.SeeAlso;
import org.apache.nifi.annotation.documentation.Tags;
import org.apache.nifi.annotation.documentation.UseCase;
import org.apache.nifi.components.PropertyDescriptor;
import org.apache.nifi.components.RequiredPermission;
import org.apache.nifi.components.ValidationContext;
import org.apache.nifi.components.ValidationResult;
import org.apache.nifi.flowfile.FlowFile;
import org.apache.nifi.processor.AbstractProcessor;
import org.apache.nifi.processor.ProcessContext;
import org.apache.nifi.processor.ProcessSession;
import org.apache.nifi.processor.Relationship;
import org.apache.nifi.processor.util.StandardValidators;
import org.apache.nifi.schema.access.SchemaNotFoundException;
import org.apache.nifi.serialization.MalformedRecordException;
import org.apache.nifi.serialization.RecordReader;
import org.apache.nifi.serialization.RecordReaderFactory;
import org.apache.nifi.serialization.record.Record;

@Tags({"anomaly", "isolation forest", "machine learning", "train", "model", "predictive maintenance"})
@CapabilityDescription("Fits an Isolation Forest on the historical readings of each incoming FlowFile, with the same"
        + " feature extraction as ScoreAnomaly, and writes it atomically to the Model File that ScoreAnomaly (Model"
        + " Source MODEL_FILE) loads and hot-reloads. The FlowFile passes unchanged to success with the model's"
        + " details as attributes. Records with a missing or non-numeric feature value are skipped and counted.")
@InputRequirement(InputRequirement.Requirement.INPUT_REQUIRED)
@Restricted(
        restrictions = {
            @Restriction(
                    requiredPermission = RequiredPermission.WRITE_FILESYSTEM,
                    explanation = "Writes the trained model to the Model File, a path an operator chooses.")
        })
@SeeAlso(ScoreAnomaly.class)
@WritesAttributes({
    @WritesAttribute(
            attribute = TrainAnomalyModel.MODEL_PATH_ATTRIBUTE,
            description = "Absolute path of the model file written"),
    @WritesAttribute(
            attribute = TrainAnomalyModel.TRAINING_COUNT_ATTRIBUTE,
            description = "Readings the model was fitted on"),
    @WritesAttribute(
            attribute = TrainAnomalyModel.TRAINING_SKIPPED_ATTRIBUTE,
            description = "Readings skipped for a missing, non-finite or non-numeric feature value"),
    @WritesAttribute(
            attribute = TrainAnomalyModel.MODEL_FEATURES_ATTRIBUTE,
            description = "The model's feature names, comma-separated"),
    @WritesAttribute(attribute = TrainAnomalyModel.MODEL_TREES_ATTRIBUTE, description = "Number of trees"),
    @WritesAttribute(
            attribute = TwinFields.ERROR_MESSAGE_ATTRIBUTE,
            description = "On failure: why no model was written")
})
@UseCase(
        description = "Train the anomaly model from historical readings inside NiFi (the canvas equivalent of a"
                + " train_model.py script).",
        keywords = {"train", "model", "isolation forest", "history"},
        configuration =
                """
                Feed the historical readings (for example ListFile/FetchFile, or QueryRecord on stored data;
                use MergeRecord first so one FlowFile holds the whole training set). Set 'Model File' to the path
                ScoreAnomaly reads, and the same 'Feature Fields' and 'Derived Features' as ScoreAnomaly.
                """)
public class TrainAnomalyModel extends AbstractProcessor {

    public static final String MODEL_PATH_ATTRIBUTE = "model.path";
    public static final String TRAINING_COUNT_ATTRIBUTE = "model.training.count";
    public static final String TRAINING_SKIPPED_ATTRIBUTE = "model.training.skipped";
    public static final String MODEL_FEATURES_ATTRIBUTE = "model.features";
    public static final String MODEL_TREES_ATTRIBUTE = "model.trees";

    /** Fewer usable readings than this cannot describe normal behaviour. */
    public static final int MIN_TRAINING_ROWS = 10;

    public static final PropertyDescriptor RECORD_READER = new PropertyDescriptor.Builder()
            .name("Record Reader")
            .description("Reads the historical readings.")
            .identifiesControllerService(RecordReaderFactory.class)
            .required(true)
            .build();

    public static final PropertyDescriptor FEATURE_FIELDS = AnomalyProperties.FEATURE_FIELDS;
    public static final PropertyDescriptor DERIVED_FEATURES = AnomalyProperties.DERIVED_FEATURES;

    public static final PropertyDescriptor MODEL_FILE = new PropertyDescriptor.Builder()
            .name("Model File")
            .description("Where to write the model. Written to a temporary file in the same directory and moved into"
                    + " place atomically, so a ScoreAnomaly reading the same path never sees half a model."
                    + " Missing directories are created; the processor is invalid when NiFi could not write there.")
            .required(true)
            .addValidator(Validation.WRITABLE_FILE)
            .build();

    public static final PropertyDescriptor NUMBER_OF_TREES = AnomalyProperties.NUMBER_OF_TREES;
    public static final PropertyDescriptor SUBSAMPLE_SIZE = AnomalyProperties.SUBSAMPLE_SIZE;
    public static final PropertyDescriptor RANDOM_SEED = AnomalyProperties.RANDOM_SEED;

    public static final PropertyDescriptor MACHINE_ID_FIELD = new PropertyDescriptor.Builder()
            .name("Machine ID Field")
            .description("Record field that identifies the machine, so derived features are computed per machine"
                    + " in the order of its readings. Records without it form one series.")
            .required(true)
            .defaultValue(TwinFields.MACHINE_ID)
            .addValidator(StandardValidators.NON_BLANK_VALIDATOR)
            .build();

    public static final Relationship REL_SUCCESS = new Relationship.Builder()
            .name("success")
            .description("The training FlowFile, unchanged, after the model file was written.")
            .build();

    public static final Relationship REL_FAILURE = new Relationship.Builder()
            .name("failure")
            .description("The training FlowFile when no model could be written (unreadable content, too few usable"
                    + " readings, the file cannot be written), with 'record.error.message'.")
            .build();

    private static final List<PropertyDescriptor> PROPERTIES = List.of(
            RECORD_READER,
            FEATURE_FIELDS,
            DERIVED_FEATURES,
            MODEL_FILE,
            NUMBER_OF_TREES,
            SUBSAMPLE_SIZE,
            RANDOM_SEED,
            MACHINE_ID_FIELD);

    private static final Set<Relationship> RELATIONSHIPS = Set.of(REL_SUCCESS, REL_FAILURE);

    @Override
    protected List<PropertyDescriptor> getSupportedPropertyDescriptors() {
        return PROPERTIES;
    }

    @Override
    public Set<Relationship> getRelationships() {
        return RELATIONSHIPS;
    }

    @Override
    protected Collection<ValidationResult> customValidate(ValidationContext context) {
        List<ValidationResult> results = new ArrayList<>();
        String fields = context.getProperty(FEATURE_FIELDS).getValue();
        try {
            List<String> names = AnomalyProperties.featureNames(
                    fields, context.getProperty(DERIVED_FEATURES).asAllowableValue(DerivedFeatures.class));
            String problem = IsolationForestModel.whyNotConfigurable(
                    names.size(),
                    context.getProperty(NUMBER_OF_TREES).asInteger(),
                    context.getProperty(SUBSAMPLE_SIZE).asInteger());
            if (problem != null) {
                results.add(Validation.result(
                        FEATURE_FIELDS.getDisplayName(), fields, "no model can be trained: " + problem));
            }
        } catch (IllegalArgumentException | NullPointerException e) {
            // reported by the properties' own validators (NumberFormatException is an IllegalArgumentException)
        }
        return results;
    }

    @Override
    public void onTrigger(ProcessContext context, ProcessSession session) {
        FlowFile flowFile = session.get();
        if (flowFile == null) {
            return;
        }
        FeatureSpec spec = AnomalyProperties.featureSpec(
                context.getProperty(FEATURE_FIELDS).getValue(),
                context.getProperty(DERIVED_FEATURES).asAllowableValue(DerivedFeatures.class));
        String idField = context.getProperty(MACHINE_ID_FIELD).getValue();
        RecordReaderFactory readers = context.getProperty(RECORD_READER).asControllerService(RecordReaderFactory.class);
        List<double[]> rows = new ArrayList<>();
        long skipped = 0;
        Map<String, FeatureState> machines = new HashMap<>();
        try {
            String shapeProblem = RecordSupport.shapeProblem(session, flowFile);
            if (shapeProblem != null) {
                fail(session, flowFile, "Could not read the training records: " + shapeProblem);
                return;
            }
        } catch (IOException e) {
            fail(session, flowFile, "Could not read the training records: " + RecordSupport.describe(e));
            return;
        }
        try (InputStream in = session.read(flowFile);
                RecordReader reader = readers.createRecordReader(flowFile, in, getLogger())) {
            Record record;
            double[] raw = new double[spec.rawCount()];
            while ((record = RecordSupport.nextRecord(reader)) != null) {
                String machine = RecordSupport.text(record, idField);
                FeatureState state =
                        machines.computeIfAbsent(machine == null ? "" : machine, m -> new FeatureState(spec));
                try {
                    RecordSupport.numbers(record, spec.fields(), raw);
                    double[] row =
                            state.extract(spec, raw, MissingValueStrategy.FAIL).values();
                    // finite but extreme values can make a derived feature (DELTA) infinite: no fit takes it
                    if (IsolationForestModel.isFinite(row)) {
                        rows.add(row);
                    } else {
                        skipped++;
                    }
                } catch (RecordRejectedException | MissingFeatureException e) {
                    skipped++;
                }
            }
        } catch (IOException | MalformedRecordException | SchemaNotFoundException e) {
            fail(session, flowFile, "Could not read the training records: " + e.getMessage());
            return;
        }
        if (rows.size() < MIN_TRAINING_ROWS) {
            fail(
                    session,
                    flowFile,
                    "Only " + rows.size() + " usable readings (" + skipped + " skipped for missing, non-numeric or"
                            + " non-finite values of " + spec.fields() + "); at least " + MIN_TRAINING_ROWS
                            + " are needed");
            return;
        }
        Long configured =
                AnomalyProperties.seed(context.getProperty(RANDOM_SEED).getValue());
        long seed =
                configured != null ? configured : ThreadLocalRandom.current().nextLong();
        IsolationForestModel model;
        try {
            model = IsolationForestModel.fit(
                    spec.names(),
                    rows.toArray(double[][]::new),
                    context.getProperty(NUMBER_OF_TREES).asInteger(),
                    context.getProperty(SUBSAMPLE_SIZE).asInteger(),
                    seed);
        } catch (RuntimeException e) {
            // the same data would fail again: to failure once, no retry loop
            fail(session, flowFile, "No model fitted: " + e.getMessage());
            return;
        }
        Path path = Path.of(context.getProperty(MODEL_FILE).getValue().trim()).toAbsolutePath();
        try {
            ModelFormat.writeAtomically(model, path);
        } catch (IOException e) {
            fail(session, flowFile, "Could not write the model file " + path + ": " + e);
            return;
        }
        Map<String, String> attributes = new HashMap<>();
        attributes.put(MODEL_PATH_ATTRIBUTE, path.toString());
        attributes.put(TRAINING_COUNT_ATTRIBUTE, String.valueOf(rows.size()));
        attributes.put(TRAINING_SKIPPED_ATTRIBUTE, String.valueOf(skipped));
        attributes.put(MODEL_FEATURES_ATTRIBUTE, String.join(",", model.featureNames()));
        attributes.put(MODEL_TREES_ATTRIBUTE, String.valueOf(model.numberOfTrees()));
        flowFile = session.putAllAttributes(flowFile, attributes);
        getLogger().info("Wrote model {} trained on {} readings ({} skipped)", path, rows.size(), skipped);
        session.transfer(flowFile, REL_SUCCESS);
    }

    private void fail(ProcessSession session, FlowFile flowFile, String reason) {
        getLogger().error("Routing {} to failure: {}", flowFile, reason);
        flowFile = session.putAttribute(flowFile, TwinFields.ERROR_MESSAGE_ATTRIBUTE, reason);
        session.transfer(flowFile, REL_FAILURE);
    }
}
