package io.github.factorytwin.processors;

import io.github.factorytwin.anomaly.AnomalyDetector;
import io.github.factorytwin.anomaly.AnomalyEngine;
import io.github.factorytwin.anomaly.FeatureSpec;
import io.github.factorytwin.anomaly.FeatureState;
import io.github.factorytwin.anomaly.IsolationForestModel;
import io.github.factorytwin.anomaly.MissingFeatureException;
import io.github.factorytwin.anomaly.ModelFileWatcher;
import io.github.factorytwin.anomaly.PostProcessingState;
import io.github.factorytwin.anomaly.ScopeRegimes;
import io.github.factorytwin.anomaly.ScorePostProcessing;
import io.github.factorytwin.anomaly.StateDirectory;
import io.github.factorytwin.context.OperatingContext;
import io.github.factorytwin.context.RegimeFinder;
import io.github.factorytwin.context.Regimes;
import io.github.factorytwin.processors.AnomalyProperties.DerivedFeatures;
import io.github.factorytwin.processors.AnomalyProperties.MissingValues;
import io.github.factorytwin.processors.AnomalyProperties.ModelScope;
import io.github.factorytwin.processors.AnomalyProperties.ModelSource;
import io.github.factorytwin.processors.AnomalyProperties.PostProcessing;
import io.github.factorytwin.records.TwinFields;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.nifi.annotation.behavior.InputRequirement;
import org.apache.nifi.annotation.behavior.Restricted;
import org.apache.nifi.annotation.behavior.Restriction;
import org.apache.nifi.annotation.behavior.WritesAttribute;
import org.apache.nifi.annotation.behavior.WritesAttributes;
import org.apache.nifi.annotation.documentation.CapabilityDescription;
import org.apache.nifi.annotation.documentation.SeeAlso;
import org.apache.nifi.annotation.documentation.Tags;
import org.apache.nifi.annotation.documentation.UseCase;
import org.apache.nifi.annotation.lifecycle.OnScheduled;
import org.apache.nifi.annotation.lifecycle.OnStopped;
import org.apache.nifi.components.ConfigVerificationResult;
import org.apache.nifi.components.PropertyDescriptor;
import org.apache.nifi.components.RequiredPermission;
import org.apache.nifi.components.ValidationContext;
import org.apache.nifi.components.ValidationResult;
import org.apache.nifi.components.Validator;
import org.apache.nifi.components.resource.ResourceCardinality;
import org.apache.nifi.components.resource.ResourceType;
import org.apache.nifi.flowfile.FlowFile;
import org.apache.nifi.logging.ComponentLog;
import org.apache.nifi.processor.ProcessContext;
import org.apache.nifi.processor.ProcessSession;
import org.apache.nifi.processor.Relationship;
import org.apache.nifi.processor.VerifiableProcessor;
import org.apache.nifi.processor.exception.ProcessException;
import org.apache.nifi.processor.util.StandardValidators;
import org.apache.nifi.serialization.record.Record;
import org.apache.nifi.serialization.record.RecordField;
import org.apache.nifi.serialization.record.RecordFieldType;
import org.apache.nifi.serialization.record.RecordSchema;

@Tags({"anomaly", "isolation forest", "machine learning", "predictive maintenance", "iot", "sensor", "record"})
@CapabilityDescription("Scores each sensor reading with an Isolation Forest and adds 'anomaly_score' (0..1, higher is"
        + " more anomalous; null while the model warms up), 'is_anomaly' (score >= Anomaly Threshold),"
        + " 'anomaly_feature', 'anomaly_feature_value' and 'anomaly_explanation' (the feature that contributed most,"
        + " against its normal range, e.g. 'vibration=3.20 above normal 0.20..1.10'; the text only on anomalous and"
        + " imputed readings). Every scored record goes to"
        + " success; a copy of each anomalous record also goes to anomalous. The model is learned from the stream"
        + " (after a warm-up, globally, per machine or per machine type, optionally retrained on a sliding sample) or"
        + " loaded from a file written by TrainAnomalyModel and reloaded when the file changes. With a State Directory"
        + " the learned models and each machine's state survive restarts; a record with state 'maintenance' starts"
        + " its machine afresh.")
@InputRequirement(InputRequirement.Requirement.INPUT_REQUIRED)
@Restricted(
        restrictions = {
            @Restriction(
                    requiredPermission = RequiredPermission.READ_FILESYSTEM,
                    explanation =
                            "Reads the Model File and the files in the State Directory, paths an operator chooses."),
            @Restriction(
                    requiredPermission = RequiredPermission.WRITE_FILESYSTEM,
                    explanation = "Writes learned models and per-machine state into the State Directory.")
        })
@SeeAlso(TrainAnomalyModel.class)
@WritesAttributes({
    @WritesAttribute(attribute = TwinFields.RECORD_COUNT_ATTRIBUTE, description = "Records in the outgoing FlowFile"),
    @WritesAttribute(attribute = TwinFields.MIME_TYPE_ATTRIBUTE, description = "The Record Writer's MIME type"),
    @WritesAttribute(
            attribute = TwinFields.ERROR_MESSAGE_ATTRIBUTE,
            description = "On failure: why the (first) record could not be scored"),
    @WritesAttribute(
            attribute = TwinFields.ERROR_COUNT_ATTRIBUTE,
            description = "On failure: number of records that failed")
})
@UseCase(
        description = "Learn what normal looks like from the live stream and flag anomalous sensor readings.",
        keywords = {"anomaly detection", "outlier", "sensor", "isolation forest"},
        configuration =
                """
                Set 'Model Source' to 'LEARN_FROM_STREAM' and 'Warm-up Size' to the number of readings that show
                normal operation (1000 by default). Use 'Model Scope' PER_MACHINE when machines differ a lot.
                Set 'State Directory' to a directory of its own so a restart keeps what was learned.
                Connect 'anomalous' to the flow that publishes to the anomalies topic and 'success' to storage.
                """)
@UseCase(
        description = "Score with a model trained offline from historical data, and swap models without stopping.",
        keywords = {"model file", "hot reload", "train model"},
        configuration =
                """
                Train with TrainAnomalyModel on historical records (same 'Feature Fields' and 'Derived Features').
                Set 'Model Source' to 'MODEL_FILE' and 'Model File' to the path it writes. Retraining writes the
                file atomically; ScoreAnomaly picks the new model up at its next trigger.
                """)
@UseCase(
        description = "Detect anomalies in univariate KPI series (one value per reading, e.g. a CPU load, a request"
                + " rate or one sensor; NAB-like series) and flag each change once, when it starts.",
        keywords = {"kpi", "univariate", "time series", "NAB", "anomaly likelihood", "change detection"},
        configuration =
                """
                Treat each series as a one-sensor machine: 'Machine ID Field' = the series name field,
                'Feature Fields' = the value field (e.g. value), 'Derived Features' = DELTA, 'Model Scope' =
                PER_MACHINE, 'Warm-up Size' = 150, 'Retrain Interval' = 100 ('Retraining Sample Size' at its
                default), 'Learning Guard' = 1, 'Subsample Size' = 128.
                Set 'Score Post-processing' to LIKELIHOOD, 'Post-processing Learning Period' to 150, 'Range
                Tolerance' to 0.05 and 'Anomaly Threshold' to 0.5. A series' readings must reach the processor in time order (one series per Kafka key).
                """)
public class ScoreAnomaly extends RecordEnrichmentProcessor implements VerifiableProcessor {

    /** Default Anomaly Threshold; see the additional details for why. */
    public static final String DEFAULT_THRESHOLD = "0.65";

    static final String COUNTER_SCORED = "Records Scored";
    static final String COUNTER_ANOMALIES = "Anomalies Found";
    static final String COUNTER_FITS_REFUSED = "Model Fits Refused";
    static final String COUNTER_EVICTED = "Machines Evicted";

    /** The series of the readings without a machine id (Model Scope GLOBAL); no real id is empty. */
    static final String NO_MACHINE = "";

    /** Largest Warm-up Size: a sample of a million readings per scope key is already a lot of memory. */
    static final int MAX_WARM_UP = 1_000_000;

    static final String WARMING_UP = AnomalyEngine.WARMING_UP;

    /** With a Model File: the detector's warm-up setting, which nothing then uses (no model is learned). */
    static final int MODEL_FILE_START_UP = 1000;

    public static final PropertyDescriptor FEATURE_FIELDS = AnomalyProperties.FEATURE_FIELDS;
    public static final PropertyDescriptor DERIVED_FEATURES = AnomalyProperties.DERIVED_FEATURES;

    public static final PropertyDescriptor MODEL_SOURCE = new PropertyDescriptor.Builder()
            .name("Model Source")
            .description("Where the model comes from: learned from the first readings, or a model file.")
            .required(true)
            .allowableValues(ModelSource.class)
            .defaultValue(ModelSource.LEARN_FROM_STREAM)
            .build();

    public static final PropertyDescriptor MODEL_FILE = new PropertyDescriptor.Builder()
            .name("Model File")
            .description("Path of a model file written by TrainAnomalyModel. Checked at most once per trigger"
                    + " (one file-attribute read) and reloaded when its modification time or size changes. A missing"
                    + " file makes the processor invalid; 'Verify Properties' loads the file and says whether it"
                    + " suits the Feature Fields and Derived Features. A file that cannot be used keeps the processor"
                    + " from starting; a replacement that cannot be read while running is reported as an error and"
                    + " the previous model stays in use.")
            .required(true)
            .identifiesExternalResource(ResourceCardinality.SINGLE, ResourceType.FILE)
            .dependsOn(MODEL_SOURCE, ModelSource.MODEL_FILE)
            .build();

    public static final PropertyDescriptor STATE_DIRECTORY = new PropertyDescriptor.Builder()
            .name("State Directory")
            .description("Optional directory where the processor keeps what it has learned, so that a restart (of"
                    + " the processor or of NiFi) continues where it stopped instead of warming up again: each"
                    + " learned model (written after every fit), and, written when the processor stops, each"
                    + " machine's feature state (for Derived Features and imputation) and its score post-processing"
                    + " state (anomaly likelihood, range). Files live in a sub-directory named after a fingerprint"
                    + " of the feature and model settings, so changing them starts afresh; sub-directories unused"
                    + " for " + StateDirectory.STALE_AFTER.toDays()
                    + " days are deleted. Give each ScoreAnomaly its own directory; NiFi must be able to write"
                    + " there (or create it). Empty = all of it lives in memory and a restart learns anew.")
            .required(false)
            .addValidator(Validation.WRITABLE_DIRECTORY)
            .build();

    public static final PropertyDescriptor WARM_UP_SIZE = new PropertyDescriptor.Builder()
            .name("Warm-up Size")
            .description("Readings collected (per Model Scope key) before the first model is fitted. They pass to"
                    + " success with a null 'anomaly_score' and 'is_anomaly' false. Also the size of the sliding"
                    + " sample that retraining uses. The sample grows with the readings seen (it is not allocated"
                    + " at this size up front); at most " + MAX_WARM_UP + ".")
            .required(true)
            .defaultValue("1000")
            .addValidator(StandardValidators.createLongValidator(10, MAX_WARM_UP, true))
            .dependsOn(MODEL_SOURCE, ModelSource.LEARN_FROM_STREAM)
            .build();

    public static final PropertyDescriptor MINIMUM_WARM_UP_SIZE = new PropertyDescriptor.Builder()
            .name("Minimum Warm-up Size")
            .description("When set, a warm-up may end before 'Warm-up Size' readings: from this many readings on it"
                    + " ends as soon as the readings collected have stabilised, that is, for every feature the older"
                    + " and the newer half of them have means within half a standard deviation and spreads within a"
                    + " factor 2 of each other (checked at this size, then every quarter of it). A steady machine is"
                    + " then scored sooner, while one still moving through its range (a trend, a daily cycle not"
                    + " yet seen whole) warms up for up to 'Warm-up Size'. Empty: every warm-up takes 'Warm-up"
                    + " Size' readings. At least 10, at most 'Warm-up Size'.")
            .required(false)
            .addValidator(StandardValidators.createLongValidator(10, MAX_WARM_UP, true))
            .dependsOn(MODEL_SOURCE, ModelSource.LEARN_FROM_STREAM)
            .build();

    public static final PropertyDescriptor MAXIMUM_MACHINES = new PropertyDescriptor.Builder()
            .name("Maximum Machines")
            .description("Most machines whose state is kept in memory (feature state, score post-processing, and"
                    + " with Model Scope PER_MACHINE their model and learning sample; with PER_MACHINE_TYPE, at"
                    + " most this many types). A reading of a new machine beyond it drops the machine seen least"
                    + " recently (counted in 'Machines Evicted'): if it comes back it starts afresh, except that a"
                    + " model saved in the State Directory is read again. Bounds memory against stray or hostile"
                    + " machine ids; see the additional details for the memory per machine.")
            .required(true)
            .defaultValue("100000")
            .addValidator(StandardValidators.createLongValidator(1, 100_000_000, true))
            .build();

    public static final PropertyDescriptor MODEL_SCOPE = new PropertyDescriptor.Builder()
            .name("Model Scope")
            .description("Which readings share a learned model.")
            .required(true)
            .allowableValues(ModelScope.class)
            .defaultValue(ModelScope.GLOBAL)
            .dependsOn(MODEL_SOURCE, ModelSource.LEARN_FROM_STREAM)
            .build();

    public static final PropertyDescriptor OPERATING_CONTEXT_FIELDS = new PropertyDescriptor.Builder()
            .fromPropertyDescriptor(OperatingContextProperties.FIELDS)
            .description(OperatingContextProperties.FIELDS.getDescription()
                    + " Here their operating regimes are found from the stream (per Model Scope key, as for"
                    + " ComputeHealthScore's Operating Regimes) and every regime has its own model with its own"
                    + " warm-up: a reading is scored by the model of its regime. A record missing a context value"
                    + " goes to failure. Empty (the default): one model per Model Scope key, whatever the context.")
            .required(false)
            .dependsOn(MODEL_SOURCE, ModelSource.LEARN_FROM_STREAM)
            .build();

    public static final PropertyDescriptor REGIME_DISTANCE = new PropertyDescriptor.Builder()
            .fromPropertyDescriptor(OperatingContextProperties.REGIME_DISTANCE)
            .dependsOn(OPERATING_CONTEXT_FIELDS)
            .build();

    public static final PropertyDescriptor MAXIMUM_REGIMES = new PropertyDescriptor.Builder()
            .fromPropertyDescriptor(OperatingContextProperties.MAXIMUM_REGIMES)
            .description(OperatingContextProperties.MAXIMUM_REGIMES.getDescription()
                    + " Each regime is a model (and a warm-up) of its own; Maximum Machines bounds the models kept,"
                    + " so with PER_MACHINE keep it at least machines x regimes.")
            .dependsOn(OPERATING_CONTEXT_FIELDS)
            .build();

    public static final PropertyDescriptor RETRAIN_INTERVAL = new PropertyDescriptor.Builder()
            .name("Retrain Interval")
            .description("After this many further readings have joined a learned model's retraining sample (the"
                    + " last 'Retraining Sample Size' readings judged normal, see 'Learning Guard'), grow the model"
                    + " again on that sample if that would change it: when half the sample is new since the model"
                    + " was grown, or when the model scores the readings learned in the latest interval differently"
                    + " (by more than three standard errors) from those learned just after it was grown. So the"
                    + " normal a machine is compared with follows slow, benign change such as a seasonal"
                    + " temperature, and a steady stream costs few refits. 0 = never retrain: the warm-up model is"
                    + " kept (and a slow benign drift then looks more and more anomalous).")
            .required(true)
            .defaultValue("1000")
            .addValidator(StandardValidators.createLongValidator(0, Integer.MAX_VALUE, true))
            .dependsOn(MODEL_SOURCE, ModelSource.LEARN_FROM_STREAM)
            .build();

    public static final PropertyDescriptor NUMBER_OF_TREES = new PropertyDescriptor.Builder()
            .fromPropertyDescriptor(AnomalyProperties.NUMBER_OF_TREES)
            .dependsOn(MODEL_SOURCE, ModelSource.LEARN_FROM_STREAM)
            .build();

    public static final PropertyDescriptor SUBSAMPLE_SIZE = new PropertyDescriptor.Builder()
            .fromPropertyDescriptor(AnomalyProperties.SUBSAMPLE_SIZE)
            .dependsOn(MODEL_SOURCE, ModelSource.LEARN_FROM_STREAM)
            .build();

    static final Validator THRESHOLD_VALIDATOR =
            Validation.decimalRange(0, false, 1, true, "scores lie in 0..1; the default is " + DEFAULT_THRESHOLD);

    public static final PropertyDescriptor RETRAINING_SAMPLE_SIZE = new PropertyDescriptor.Builder()
            .name("Retraining Sample Size")
            .description("Readings judged normal that a learned model is refitted on (the latest ones, per model);"
                    + " at least 'Warm-up Size'. Larger spans more time (more operating regimes, and a fault is"
                    + " learned more slowly) and costs about 50 bytes per reading and feature triple per model,"
                    + " kept while 'Retrain Interval' > 0.")
            .required(true)
            .defaultValue("10000")
            .addValidator(StandardValidators.createLongValidator(2, 1_000_000, true))
            .dependsOn(MODEL_SOURCE, ModelSource.LEARN_FROM_STREAM)
            .build();

    public static final PropertyDescriptor LEARNING_GUARD = new PropertyDescriptor.Builder()
            .name("Learning Guard")
            .description("A reading joins the retraining sample only while the share of its machine's recent"
                    + " readings (about the last 64) reported anomalous ('is_anomaly', after Score Post-processing)"
                    + " is below this, so a developing fault, which"
                    + " makes a machine's readings persistently anomalous, is not learned as normal. 1 = no guard"
                    + " (every reading is learned: the model follows any lasting change, a slow fault too). Lower"
                    + " values protect more. A machine held back for at least 256 readings whose readings have"
                    + " settled at a new level (a new duty) is learned again; one whose readings keep moving (a"
                    + " developing fault) is not (see the additional details).")
            .required(true)
            .defaultValue("0.5")
            .addValidator(THRESHOLD_VALIDATOR)
            .dependsOn(MODEL_SOURCE, ModelSource.LEARN_FROM_STREAM)
            .build();

    public static final PropertyDescriptor ANOMALY_THRESHOLD = new PropertyDescriptor.Builder()
            .name("Anomaly Threshold")
            .description("A record is anomalous when its score is at or above this value (0..1]. Typical normal"
                    + " readings score 0.35..0.5, values far outside the learned range close to 1. The default "
                    + DEFAULT_THRESHOLD + " (a reading isolated in about 38% fewer splits than average) flags about"
                    + " 0.1% of readings like those the model learned from, 0.6 about 1%:"
                    + " lower it to catch subtler combinations (e.g. vibration normal for another rpm), raise it"
                    + " for fewer, surer alerts.")
            .required(true)
            .defaultValue(DEFAULT_THRESHOLD)
            .addValidator(THRESHOLD_VALIDATOR)
            .build();

    /** The Anomaly Threshold recommended with Score Post-processing LIKELIHOOD. */
    public static final String LIKELIHOOD_THRESHOLD = "0.5";

    public static final PropertyDescriptor SCORE_POST_PROCESSING = new PropertyDescriptor.Builder()
            .name("Score Post-processing")
            .description("How the Isolation Forest's raw score becomes 'anomaly_score', per machine (Machine ID"
                    + " Field, whatever the Model Scope). NONE: the raw score. LIKELIHOOD: how unlikely the"
                    + " machine's recent raw scores are against its own score history, log-scaled to 0..1 (0.5 ="
                    + " likelihood 0.99999); a sustained shift scores high once, when it starts, instead of on"
                    + " every reading. The likelihood learns from the first 'Post-processing Learning Period'"
                    + " readings of each machine and reports 0 (nothing unusual) until then; use an"
                    + " Anomaly Threshold of about " + LIKELIHOOD_THRESHOLD + ". Kept across restarts with a State"
                    + " Directory.")
            .required(true)
            .allowableValues(PostProcessing.class)
            .defaultValue(PostProcessing.NONE)
            .build();

    static final Validator RANGE_TOLERANCE_VALIDATOR = Validation.decimalRange(
            0, true, Double.POSITIVE_INFINITY, false, "a fraction of the machine's range, e.g. 0.05; empty for none");

    public static final PropertyDescriptor POST_PROCESSING_LEARNING_PERIOD = new PropertyDescriptor.Builder()
            .name("Post-processing Learning Period")
            .description("Readings of each machine that its score post-processing (Score Post-processing"
                    + " LIKELIHOOD, Range Tolerance) learns from before it reports: until then LIKELIHOOD reports 0"
                    + " (nothing unusual) and the range check stays silent. Its own setting, independent of Warm-up"
                    + " Size (and of the Model Source): a machine learns this long after its first reading and after"
                    + " a maintenance reset.")
            .required(true)
            .defaultValue("1000")
            .addValidator(StandardValidators.createLongValidator(4, 1_000_000, true))
            .build();

    public static final PropertyDescriptor RANGE_TOLERANCE = new PropertyDescriptor.Builder()
            .name("Range Tolerance")
            .description("Optional range check per machine: a reading whose raw feature value leaves the running"
                    + " minimum..maximum of everything the machine has shown so far (warm-up included) by more than"
                    + " this fraction of that range scores 1 whatever the model says, and the explanation names"
                    + " that feature. 0.05 is Numenta's choice. A machine's first 'Post-processing Learning Period'"
                    + " readings only teach it the range. Works with either Score Post-processing. Empty = no"
                    + " range check. Kept across restarts with a State Directory.")
            .required(false)
            .addValidator(RANGE_TOLERANCE_VALIDATOR)
            .build();

    public static final PropertyDescriptor RANDOM_SEED = new PropertyDescriptor.Builder()
            .fromPropertyDescriptor(AnomalyProperties.RANDOM_SEED)
            .dependsOn(MODEL_SOURCE, ModelSource.LEARN_FROM_STREAM)
            .build();

    public static final PropertyDescriptor MACHINE_ID_FIELD = new PropertyDescriptor.Builder()
            .name("Machine ID Field")
            .description("Record field that identifies the machine: the key of its derived features, imputation"
                    + " and (with scope PER_MACHINE) its model. A record without it goes to failure.")
            .required(true)
            .defaultValue(TwinFields.MACHINE_ID)
            .addValidator(StandardValidators.NON_BLANK_VALIDATOR)
            .build();

    public static final PropertyDescriptor MACHINE_TYPE_FIELD = new PropertyDescriptor.Builder()
            .name("Machine Type Field")
            .description("Record field with the machine type, the key of the model with scope PER_MACHINE_TYPE."
                    + " A record without it goes to failure.")
            .required(true)
            .defaultValue(TwinFields.MACHINE_TYPE)
            .addValidator(StandardValidators.NON_BLANK_VALIDATOR)
            .dependsOn(MODEL_SCOPE, ModelScope.PER_MACHINE_TYPE)
            .build();

    public static final PropertyDescriptor MACHINE_ID_PATTERN = new PropertyDescriptor.Builder()
            .name("Machine ID Pattern")
            .description("Optional regular expression the whole machine id must match, e.g. M\\d{3}. A record whose"
                    + " id does not match goes to failure ('unknown machine'), so stray ids cannot create state.")
            .required(false)
            .addValidator(StandardValidators.REGULAR_EXPRESSION_VALIDATOR)
            .build();

    public static final PropertyDescriptor MISSING_VALUE_STRATEGY = new PropertyDescriptor.Builder()
            .name("Missing Value Strategy")
            .description("What to do when a feature field is missing, null or blank. (A value that is present but"
                    + " not a finite plain decimal number, such as text, NaN, Infinity, 1e309 or a hex float,"
                    + " always sends the record to failure.)")
            .required(true)
            .allowableValues(MissingValues.class)
            .defaultValue(MissingValues.IMPUTE_LAST)
            .build();

    public static final PropertyDescriptor RESET_AFTER_MAINTENANCE = new PropertyDescriptor.Builder()
            .name("Reset After Maintenance")
            .description("Whether a record whose State Field is '" + RecordSupport.MAINTENANCE
                    + "' starts its machine afresh: its derived features forget the readings before the repair,"
                    + " and its score post-processing (likelihood, range) learns the repaired machine's behaviour"
                    + " again, during which it reports nothing unusual. GenerateSensorReadings writes such a record"
                    + " after each repair; from a plant, merge one from the maintenance system into the stream."
                    + " Models are kept (use a Retrain Interval to follow lasting change).")
            .required(true)
            .allowableValues("true", "false")
            .defaultValue("true")
            .build();

    public static final PropertyDescriptor STATE_FIELD = new PropertyDescriptor.Builder()
            .fromPropertyDescriptor(RecordEnrichmentProcessor.STATE_FIELD)
            .dependsOn(RESET_AFTER_MAINTENANCE, "true")
            .build();

    public static final Relationship REL_ANOMALOUS = new Relationship.Builder()
            .name("anomalous")
            .description("A copy of just the records scored as anomalous (they also go to success).")
            .build();

    private static final List<PropertyDescriptor> PROPERTIES = List.of(
            RECORD_READER,
            RECORD_WRITER,
            FEATURE_FIELDS,
            DERIVED_FEATURES,
            MODEL_SOURCE,
            MODEL_FILE,
            STATE_DIRECTORY,
            WARM_UP_SIZE,
            MINIMUM_WARM_UP_SIZE,
            MAXIMUM_MACHINES,
            MODEL_SCOPE,
            OPERATING_CONTEXT_FIELDS,
            REGIME_DISTANCE,
            MAXIMUM_REGIMES,
            RETRAIN_INTERVAL,
            RETRAINING_SAMPLE_SIZE,
            LEARNING_GUARD,
            NUMBER_OF_TREES,
            SUBSAMPLE_SIZE,
            ANOMALY_THRESHOLD,
            SCORE_POST_PROCESSING,
            POST_PROCESSING_LEARNING_PERIOD,
            RANGE_TOLERANCE,
            RANDOM_SEED,
            MACHINE_ID_FIELD,
            MACHINE_TYPE_FIELD,
            MACHINE_ID_PATTERN,
            MAX_MACHINE_ID_LENGTH,
            MISSING_VALUE_STRATEGY,
            RESET_AFTER_MAINTENANCE,
            STATE_FIELD);

    private static final Set<Relationship> RELATIONSHIPS = Set.of(REL_SUCCESS, REL_ANOMALOUS, REL_FAILURE);

    static final List<RecordField> OUTPUT_FIELDS = List.of(
            new RecordField(TwinFields.ANOMALY_SCORE, RecordFieldType.DOUBLE.getDataType(), true),
            new RecordField(TwinFields.IS_ANOMALY, RecordFieldType.BOOLEAN.getDataType(), false),
            new RecordField(TwinFields.ANOMALY_FEATURE, RecordFieldType.STRING.getDataType(), true),
            new RecordField(TwinFields.ANOMALY_FEATURE_VALUE, RecordFieldType.DOUBLE.getDataType(), true),
            new RecordField(TwinFields.ANOMALY_EXPLANATION, RecordFieldType.STRING.getDataType(), true));

    private static final RecordValues.Names OUTPUT_NAMES = RecordValues.Names.of(OUTPUT_FIELDS);

    private volatile AnomalyEngine engine;
    private volatile ModelFileWatcher watcher;
    private volatile String modelProblem;
    private volatile RecordFields recordFields;
    private volatile StateDirectory store;
    /** The operating regimes of each scope key; null without Operating Context Fields. */
    private volatile ScopeRegimes regimes;

    /**
     * Where a reading's parts are in a record, resolved when scheduled. {@code typeField} null: the type is not read
     * (only PER_MACHINE_TYPE needs it); {@code idRequired}: a record without a machine id fails (every scope but
     * GLOBAL).
     */
    private record RecordFields(
            String idField,
            boolean idRequired,
            String typeField,
            Pattern idPattern,
            List<String> features,
            List<String> contextFields,
            boolean readsMaintenance,
            String stateField,
            int maxIdLength) {}

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
        DerivedFeatures derived = context.getProperty(DERIVED_FEATURES).asAllowableValue(DerivedFeatures.class);
        List<String> names;
        try {
            names = AnomalyProperties.featureNames(fields, derived);
        } catch (IllegalArgumentException e) {
            return results; // reported by the Feature Fields validator
        }
        PostProcessing post = context.getProperty(SCORE_POST_PROCESSING).asAllowableValue(PostProcessing.class);
        String thresholdText = context.getProperty(ANOMALY_THRESHOLD).getValue();
        if (post == PostProcessing.LIKELIHOOD && thresholdText != null) {
            try {
                double threshold = Double.parseDouble(thresholdText.trim());
                if (threshold > 0.8 || threshold < 0.3) {
                    results.add(Validation.result(
                            ANOMALY_THRESHOLD.getDisplayName(),
                            thresholdText,
                            "does not suit Score Post-processing LIKELIHOOD: likelihood scores are log-scaled (0.5 ="
                                    + " likelihood 0.99999, 0.8 is almost never reached), so use a threshold"
                                    + " between 0.3 and 0.8, about " + LIKELIHOOD_THRESHOLD));
                }
            } catch (NumberFormatException e) {
                // reported by the threshold validator
            }
        }
        ModelSource source = context.getProperty(MODEL_SOURCE).asAllowableValue(ModelSource.class);
        if (source == ModelSource.LEARN_FROM_STREAM) {
            try {
                int trees = context.getProperty(NUMBER_OF_TREES).asInteger();
                int subsample = context.getProperty(SUBSAMPLE_SIZE).asInteger();
                int warmUp = context.getProperty(WARM_UP_SIZE).asInteger();
                Integer minimum = context.getProperty(MINIMUM_WARM_UP_SIZE).asInteger();
                if (minimum != null && minimum > warmUp) {
                    results.add(Validation.result(
                            MINIMUM_WARM_UP_SIZE.getDisplayName(),
                            String.valueOf(minimum),
                            "is larger than Warm-up Size (" + warmUp + "): set it to at most that, or leave it"
                                    + " empty for warm-ups of exactly Warm-up Size readings"));
                }
                // the largest forest a warm-up grows: one that does not stabilise runs to the full Warm-up Size
                String problem =
                        IsolationForestModel.whyNotConfigurable(names.size(), trees, Math.min(subsample, warmUp));
                if (problem != null) {
                    results.add(Validation.result(
                            FEATURE_FIELDS.getDisplayName(), fields, "no model can be learned: " + problem));
                }
            } catch (NumberFormatException | NullPointerException e) {
                // reported by the properties' own validators
            }
        }
        if (source == ModelSource.MODEL_FILE) {
            String file = context.getProperty(MODEL_FILE).getValue();
            if (file == null || file.isBlank()) {
                results.add(Validation.result(
                        MODEL_FILE.getDisplayName(),
                        null,
                        "is required when Model Source is MODEL_FILE: set it to the path of a model written by"
                                + " TrainAnomalyModel"));
            }
        }
        return results;
    }

    /** The detector's guard for the property's value: 1 means no guard. */
    private static double learningGuard(String value) {
        double guard = Double.parseDouble(value.trim());
        return guard >= 1 ? AnomalyDetector.Config.NO_GUARD : guard;
    }

    static final String VERIFY_MODEL_FILE = "Load Model File";
    static final String VERIFY_STATE_DIRECTORY = "Check State Directory";

    @Override
    public List<ConfigVerificationResult> verify(
            ProcessContext context, ComponentLog verificationLogger, Map<String, String> attributes) {
        return List.of(verifyModelFile(context), verifyStateDirectory(context));
    }

    private static ConfigVerificationResult verifyModelFile(ProcessContext context) {
        if (context.getProperty(MODEL_SOURCE).asAllowableValue(ModelSource.class) != ModelSource.MODEL_FILE) {
            return Verifications.skipped(VERIFY_MODEL_FILE, "Model Source is Learn from Stream: no file is read");
        }
        String file = context.getProperty(MODEL_FILE).getValue();
        try {
            List<String> names = AnomalyProperties.featureNames(
                    context.getProperty(FEATURE_FIELDS).getValue(),
                    context.getProperty(DERIVED_FEATURES).asAllowableValue(DerivedFeatures.class));
            IsolationForestModel model = ModelFileWatcher.load(Path.of(file.trim()), names);
            return Verifications.successful(
                    VERIFY_MODEL_FILE,
                    String.format(
                            Locale.ROOT,
                            "%s holds a model of %d trees over %s, trained on %d readings",
                            file.trim(),
                            model.numberOfTrees(),
                            model.featureNames(),
                            model.trainingCount()));
        } catch (IOException | RuntimeException e) {
            return Verifications.failed(VERIFY_MODEL_FILE, modelFileProblem(file, ModelFileWatcher.reason(e)));
        }
    }

    private static String modelFileProblem(String file, String reason) {
        return file + " cannot be used: " + reason + ". Point Model File to a model written by TrainAnomalyModel with"
                + " the same Feature Fields and Derived Features";
    }

    private static ConfigVerificationResult verifyStateDirectory(ProcessContext context) {
        String directory = context.getProperty(STATE_DIRECTORY).getValue();
        if (directory == null || directory.isBlank()) {
            return Verifications.skipped(
                    VERIFY_STATE_DIRECTORY,
                    "No State Directory: what is learned lives in memory, and a restart learns anew");
        }
        return Verifications.stateDirectory(
                VERIFY_STATE_DIRECTORY,
                directory,
                Path.of(directory.trim()),
                "It holds state saved by an earlier run: a start continues from the part saved with the present"
                        + " feature and model settings.");
    }

    @OnScheduled
    public void onScheduled(ProcessContext context) {
        DerivedFeatures derived = context.getProperty(DERIVED_FEATURES).asAllowableValue(DerivedFeatures.class);
        FeatureSpec spec = AnomalyProperties.featureSpec(
                context.getProperty(FEATURE_FIELDS).getValue(), derived);
        ModelSource source = context.getProperty(MODEL_SOURCE).asAllowableValue(ModelSource.class);
        ModelScope scope = source == ModelSource.MODEL_FILE
                ? ModelScope.GLOBAL
                : context.getProperty(MODEL_SCOPE).asAllowableValue(ModelScope.class);
        boolean learning = source == ModelSource.LEARN_FROM_STREAM;
        // With a Model File nothing is learned: the warm-up size is then only the post-processing's start-up, and the
        // forest settings are placeholders the detector never uses.
        AnomalyDetector.Config.Builder settings = AnomalyDetector.Config.builder(spec)
                .missing(context.getProperty(MISSING_VALUE_STRATEGY)
                        .asAllowableValue(MissingValues.class)
                        .strategy())
                .scope(scope.scope())
                .threshold(Double.parseDouble(
                        context.getProperty(ANOMALY_THRESHOLD).getValue().trim()))
                .maxMachines(context.getProperty(MAXIMUM_MACHINES).asInteger());
        if (learning) {
            int warmUp = context.getProperty(WARM_UP_SIZE).asInteger();
            Integer minimum = context.getProperty(MINIMUM_WARM_UP_SIZE).asInteger();
            settings.warmUpSize(warmUp)
                    .warmUpMinimum(minimum == null ? warmUp : minimum)
                    .retrainInterval(context.getProperty(RETRAIN_INTERVAL).asInteger())
                    .trees(context.getProperty(NUMBER_OF_TREES).asInteger())
                    .subsampleSize(context.getProperty(SUBSAMPLE_SIZE).asInteger())
                    .seed(AnomalyProperties.seed(
                            context.getProperty(RANDOM_SEED).getValue()))
                    .sampleSize(Math.max(
                            warmUp, context.getProperty(RETRAINING_SAMPLE_SIZE).asInteger()))
                    .learningGuard(
                            learningGuard(context.getProperty(LEARNING_GUARD).getValue()));
        } else {
            settings.warmUpSize(MODEL_FILE_START_UP).trees(1).subsampleSize(2);
        }
        AnomalyDetector.Config config = settings.build();
        List<String> contextFields = learning
                ? OperatingContextProperties.fields(
                        context.getProperty(OPERATING_CONTEXT_FIELDS).getValue())
                : List.of();
        OperatingContext operatingContext = contextFields.isEmpty()
                ? null
                : OperatingContext.regimes(
                        contextFields,
                        context.getProperty(REGIME_DISTANCE).asDouble(),
                        context.getProperty(MAXIMUM_REGIMES).asInteger());
        String pattern = context.getProperty(MACHINE_ID_PATTERN).getValue();
        PostProcessing post = context.getProperty(SCORE_POST_PROCESSING).asAllowableValue(PostProcessing.class);
        String toleranceText = context.getProperty(RANGE_TOLERANCE).getValue();
        double tolerance = toleranceText == null || toleranceText.isBlank()
                ? Double.NaN
                : Double.parseDouble(toleranceText.trim());
        ScorePostProcessing postSettings = new ScorePostProcessing(
                post.mode(),
                context.getProperty(POST_PROCESSING_LEARNING_PERIOD).asInteger(),
                tolerance);
        boolean resetAfterMaintenance =
                context.getProperty(RESET_AFTER_MAINTENANCE).asBoolean();
        AnomalyEngine.Settings engineSettings = new AnomalyEngine.Settings(config, postSettings, resetAfterMaintenance);
        recordFields = new RecordFields(
                context.getProperty(MACHINE_ID_FIELD).getValue(),
                scope != ModelScope.GLOBAL,
                scope == ModelScope.PER_MACHINE_TYPE
                        ? context.getProperty(MACHINE_TYPE_FIELD).getValue()
                        : null,
                pattern == null || pattern.isEmpty() ? null : Pattern.compile(pattern),
                spec.fields(),
                contextFields,
                resetAfterMaintenance,
                resetAfterMaintenance ? context.getProperty(STATE_FIELD).getValue() : null,
                context.getProperty(MAX_MACHINE_ID_LENGTH).asInteger());
        modelProblem = null;
        String directory = context.getProperty(STATE_DIRECTORY).getValue();
        List<String> modelSettings = new ArrayList<>(
                learning
                        ? List.of(
                                String.valueOf(scope),
                                String.valueOf(config.warmUpSize()),
                                String.valueOf(config.trees()),
                                String.valueOf(config.subsampleSize()),
                                String.valueOf(config.seed()))
                        : List.of(String.valueOf(ModelSource.MODEL_FILE)));
        if (operatingContext != null) {
            // Models of regimes found with other context settings must not be found (without a context the
            // fingerprint stays what it was, so saved state of earlier versions is still used).
            modelSettings.add("context=" + String.join(",", contextFields) + ";distance="
                    + operatingContext.regimeDistance() + ";regimes=" + operatingContext.maxRegimes());
        }
        StateDirectory stateDirectory = directory == null || directory.isBlank()
                ? null
                : new StateDirectory(Path.of(directory.trim()), spec, modelSettings);
        AnomalyEngine started;
        if (source == ModelSource.MODEL_FILE) {
            ModelFileWatcher fileWatcher = new ModelFileWatcher(
                    Path.of(context.getProperty(MODEL_FILE).getValue().trim()), spec.names());
            watcher = fileWatcher;
            refreshModel();
            if (fileWatcher.get() == null) {
                // nothing could be scored: the processor does not start (NiFi retries) rather than fail every record
                watcher = null;
                throw new ProcessException(modelProblem + ". Point Model File to a model written by TrainAnomalyModel"
                        + " with the same Feature Fields and Derived Features");
            }
            started = AnomalyEngine.withModel(engineSettings, fileWatcher);
        } else {
            watcher = null;
            started = AnomalyEngine.learning(engineSettings);
        }
        regimes = operatingContext == null
                ? null
                : new ScopeRegimes(
                        scope.scope(),
                        new RegimeFinder(operatingContext),
                        contextFields.size(),
                        config.maxMachines(),
                        stateDirectory == null ? null : regimeStore(stateDirectory),
                        (what, key, e) -> getLogger()
                                .warn(
                                        "Cannot {} the operating regimes of '{}': {}",
                                        what,
                                        key,
                                        ModelFileWatcher.reason(e)));
        if (stateDirectory != null) {
            restore(started, stateDirectory, config.retrainInterval() > 0);
        }
        store = stateDirectory;
        engine = started;
    }

    private static ScopeRegimes.Store regimeStore(StateDirectory stateDirectory) {
        return new ScopeRegimes.Store() {
            @Override
            public void load(String scopeKey, Regimes into) throws IOException {
                stateDirectory.loadRegimes(scopeKey, into);
            }

            @Override
            public void save(String scopeKey, Regimes found) throws IOException {
                stateDirectory.saveRegimes(scopeKey, found);
            }
        };
    }

    /** Loads what a previous run saved; whatever cannot be used is logged and learned anew. */
    private void restore(AnomalyEngine startedEngine, StateDirectory stateDirectory, boolean retrains) {
        AnomalyDetector started = startedEngine.models();
        try {
            for (Path stale : stateDirectory.markUsedAndDeleteStale(Instant.now(), StateDirectory.STALE_AFTER)) {
                getLogger()
                        .info(
                                "Deleted {}: saved state of earlier settings, unused for {} days",
                                stale,
                                StateDirectory.STALE_AFTER.toDays());
            }
        } catch (IOException e) {
            getLogger()
                    .warn(
                            "Cannot clean up old saved state in {}",
                            stateDirectory.directory().getParent(),
                            e);
        }
        if (started.learns()) {
            try {
                int renamed = stateDirectory.renameLegacyModels();
                if (renamed > 0) {
                    getLogger()
                            .info(
                                    "Renamed {} saved model(s) of an earlier version in {}",
                                    renamed,
                                    stateDirectory.directory());
                }
            } catch (IOException e) {
                getLogger()
                        .warn(
                                "Cannot rename the saved models of an earlier version in {}",
                                stateDirectory.directory(),
                                e);
            }
            started.restoreFrom(key -> {
                IsolationForestModel model = null;
                List<double[]> sample = null;
                try {
                    model = stateDirectory.loadModel(key);
                } catch (IOException | RuntimeException e) {
                    getLogger()
                            .warn(
                                    "Ignoring the saved model of '{}' in {}: {}; learning it anew",
                                    key,
                                    stateDirectory.directory(),
                                    ModelFileWatcher.reason(e));
                }
                try {
                    sample = stateDirectory.loadSample(key);
                } catch (IOException | RuntimeException e) {
                    getLogger()
                            .warn(
                                    "Ignoring the saved learning sample of '{}' in {}: {}",
                                    key,
                                    stateDirectory.directory(),
                                    ModelFileWatcher.reason(e));
                }
                return new AnomalyDetector.Saved(model, sample);
            });
            started.onFit((key, model) -> {
                ScopeRegimes found = regimes;
                if (found != null) {
                    found.saveNewRegimes(); // the regime a model key names is saved before its model
                }
                try {
                    stateDirectory.saveModel(key, model);
                    if (!retrains) {
                        stateDirectory.saveSample(key, List.of()); // the warm-up is used up
                    }
                } catch (IOException | RuntimeException e) {
                    getLogger()
                            .error("Cannot save the learned model of '{}' to {}", key, stateDirectory.directory(), e);
                }
            });
        }
        Map<String, FeatureState> features = Map.of();
        try {
            features = stateDirectory.loadMachines();
        } catch (IOException e) {
            getLogger()
                    .warn("Cannot read saved machine state from {}; starting it anew", stateDirectory.directory(), e);
        }
        Map<String, PostProcessingState> postProcessing = null;
        ScorePostProcessing post = startedEngine.settings().postProcessing();
        if (!post.isOff()) {
            try {
                postProcessing = stateDirectory.loadPostProcessing(post);
                if (postProcessing != null) {
                    getLogger().info("Restored the score post-processing of {} machine(s)", postProcessing.size());
                }
            } catch (ScorePostProcessing.SettingsChangedException e) {
                getLogger().info("Not restoring the saved score post-processing: {}", e.getMessage());
            } catch (IOException e) {
                getLogger()
                        .warn(
                                "Cannot read saved score post-processing from {}; starting it anew",
                                stateDirectory.directory(),
                                e);
            }
        }
        startedEngine.restore(features, postProcessing == null ? Map.of() : postProcessing);
    }

    @OnStopped
    public void onStopped() {
        AnomalyEngine stoppedEngine = engine;
        StateDirectory stateDirectory = store;
        ScopeRegimes found = regimes;
        if (found != null) {
            found.saveAll(); // regime centres follow the readings; without a State Directory this does nothing
        }
        if (stoppedEngine != null && stateDirectory != null) {
            AnomalyDetector stopped = stoppedEngine.models();
            try {
                stateDirectory.saveMachines(stoppedEngine.featureStates());
            } catch (IOException | RuntimeException e) {
                getLogger().error("Cannot save the machine state to {}", stateDirectory.directory(), e);
            }
            if (stopped.learns()) {
                // unfinished warm-ups (and sliding samples) continue after the restart
                stopped.learningSamples().forEach((key, rows) -> {
                    try {
                        stateDirectory.saveSample(key, rows);
                    } catch (IOException | RuntimeException e) {
                        getLogger()
                                .error(
                                        "Cannot save the learning sample of '{}' to {}",
                                        key,
                                        stateDirectory.directory(),
                                        e);
                    }
                });
            }
            ScorePostProcessing post = stoppedEngine.settings().postProcessing();
            if (!post.isOff()) {
                try {
                    stateDirectory.savePostProcessing(post, stoppedEngine.postProcessingStates());
                } catch (IOException | RuntimeException e) {
                    getLogger().error("Cannot save the score post-processing to {}", stateDirectory.directory(), e);
                }
            }
        }
        engine = null;
        regimes = null;
        watcher = null;
        store = null;
    }

    private void refreshModel() {
        ModelFileWatcher fileWatcher = watcher;
        if (fileWatcher == null) {
            return;
        }
        ModelFileWatcher.Refresh refresh = fileWatcher.refresh();
        switch (refresh.outcome()) {
            case LOADED -> {
                modelProblem = null;
                getLogger()
                        .info(
                                "Loaded model {} ({} trees, trained on {} rows)",
                                fileWatcher.path(),
                                fileWatcher.get().numberOfTrees(),
                                fileWatcher.get().trainingCount());
            }
            case FAILED -> {
                modelProblem = refresh.message();
                if (fileWatcher.get() != null) {
                    getLogger().error("{}; still scoring with the previously loaded model", refresh.message());
                } else {
                    getLogger().error("{}; records go to failure until a usable model file appears", refresh.message());
                }
            }
            case UNCHANGED -> {}
        }
    }

    @Override
    protected Enrichment startEnrichment(ProcessContext context, FlowFile flowFile, RecordSchema inputSchema) {
        refreshModel();
        AnomalyEngine current = engine;
        AnomalyEngine.Batch batch = current.begin();
        RecordFields fields = recordFields;
        RecordSchema outputSchema = RecordSupport.withFields(inputSchema, OUTPUT_FIELDS);
        // Reused record after record: the engine reads the values, it does not keep the array.
        double[] raw = new double[fields.features().size()];
        ScopeRegimes scopeRegimes = regimes;
        double[] contextValues = new double[fields.contextFields().size()];
        return new Enrichment() {
            @Override
            public RecordSchema schemaFor(Relationship relationship) {
                return outputSchema;
            }

            @Override
            public void process(Record record, Emitter emitter) throws RecordRejectedException {
                AnomalyEngine.Verdict verdict;
                try {
                    verdict = batch.process(reading(record, fields, raw, scopeRegimes, contextValues));
                } catch (MissingFeatureException e) {
                    throw new RecordRejectedException(e.getMessage());
                } catch (AnomalyDetector.NoModelException e) {
                    String problem = modelProblem;
                    throw new RecordRejectedException(
                            "No anomaly model is loaded" + (problem == null ? "" : ": " + problem));
                }
                // In OUTPUT_FIELDS' order; a computed value that is not finite would fail the writer: null instead.
                Record enriched = RecordValues.overlay(
                        outputSchema,
                        record,
                        OUTPUT_NAMES,
                        RecordSupport.finiteOrNull(verdict.score()),
                        verdict.anomalous(),
                        verdict.feature(),
                        RecordSupport.finiteOrNull(verdict.featureValue()),
                        verdict.explanation());
                emitter.emit(REL_SUCCESS, enriched);
                if (verdict.anomalous()) {
                    emitter.emit(REL_ANOMALOUS, enriched);
                }
            }

            @Override
            public void commit(ProcessSession session) {
                batch.commit();
                // A refused fit is not the FlowFile's fault: its records are out, the warm-up goes on.
                for (String refusal : batch.refusedFits()) {
                    getLogger().warn(refusal);
                }
                if (!batch.refusedFits().isEmpty()) {
                    session.adjustCounter(
                            COUNTER_FITS_REFUSED, batch.refusedFits().size(), false);
                }
                long evicted = current.takeEvictions();
                if (evicted > 0) {
                    session.adjustCounter(COUNTER_EVICTED, evicted, false);
                }
                if (batch.scoredCount() > 0) {
                    session.adjustCounter(COUNTER_SCORED, batch.scoredCount(), false);
                }
                if (batch.anomalyCount() > 0) {
                    session.adjustCounter(COUNTER_ANOMALIES, batch.anomalyCount(), false);
                }
            }
        };
    }

    /** The engine's reading of a record: machine id, type (when the scope needs it), maintenance flag, values. */
    private static AnomalyEngine.Reading reading(
            Record record, RecordFields fields, double[] raw, ScopeRegimes scopeRegimes, double[] contextValues)
            throws RecordRejectedException {
        String machineId = RecordSupport.identifier(record, fields.idField(), "machine id", fields.maxIdLength());
        if (machineId == null) {
            if (fields.idRequired()) {
                throw new RecordRejectedException("Unknown machine: field '" + fields.idField() + "' is missing");
            }
            machineId = NO_MACHINE; // with one model for all, readings without an id are one series
        } else if (fields.idPattern() != null
                && !fields.idPattern().matcher(machineId).matches()) {
            throw new RecordRejectedException("Unknown machine: '" + RecordSupport.shorten(machineId)
                    + "' does not match the Machine ID Pattern "
                    + RecordSupport.shorten(fields.idPattern().pattern()));
        }
        String type = null;
        if (fields.typeField() != null) {
            type = RecordSupport.identifier(record, fields.typeField(), "machine type", fields.maxIdLength());
            if (type == null) {
                throw new RecordRejectedException(
                        "Unknown machine type: field '" + fields.typeField() + "' is missing");
            }
        }
        boolean maintenance = fields.readsMaintenance() && RecordSupport.isMaintenance(record, fields.stateField());
        RecordSupport.numbers(record, fields.features(), raw);
        String regime = null;
        if (scopeRegimes != null) {
            RecordSupport.numbers(record, fields.contextFields(), contextValues);
            regime = scopeRegimes.regimeOf(machineId, type, contextValues);
            if (regime == null) {
                throw new RecordRejectedException("Operating context incomplete: "
                        + missingContext(fields.contextFields(), contextValues) + " (Operating Context Fields)");
            }
        }
        return new AnomalyEngine.Reading(machineId, type, regime, maintenance, raw);
    }

    /** The context fields without a number, quoted and shortened. */
    private static String missingContext(List<String> fields, double[] values) {
        List<String> missing = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            if (Double.isNaN(values[i])) {
                missing.add("'" + RecordSupport.shorten(fields.get(i)) + "'");
            }
        }
        return "field " + String.join(", ", missing) + (missing.size() == 1 ? " is" : " are")
                + " missing or not a number";
    }
}
