package io.github.factorytwin.processors;

import io.github.factorytwin.context.OperatingContext;
import io.github.factorytwin.health.Alert;
import io.github.factorytwin.health.BaselineFollowing;
import io.github.factorytwin.health.HealthAssessment;
import io.github.factorytwin.health.HealthConfig;
import io.github.factorytwin.health.HealthEngine;
import io.github.factorytwin.health.LateReadingException;
import io.github.factorytwin.health.MachineStates;
import io.github.factorytwin.health.RulModel;
import io.github.factorytwin.health.ScoredReading;
import io.github.factorytwin.records.TwinFields;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.nifi.annotation.behavior.InputRequirement;
import org.apache.nifi.annotation.behavior.Restricted;
import org.apache.nifi.annotation.behavior.Restriction;
import org.apache.nifi.annotation.behavior.Stateful;
import org.apache.nifi.annotation.behavior.TriggerSerially;
import org.apache.nifi.annotation.behavior.WritesAttribute;
import org.apache.nifi.annotation.behavior.WritesAttributes;
import org.apache.nifi.annotation.documentation.CapabilityDescription;
import org.apache.nifi.annotation.documentation.SeeAlso;
import org.apache.nifi.annotation.documentation.Tags;
import org.apache.nifi.annotation.documentation.UseCase;
import org.apache.nifi.annotation.lifecycle.OnScheduled;
import org.apache.nifi.annotation.lifecycle.OnStopped;
import org.apache.nifi.components.AllowableValue;
import org.apache.nifi.components.ConfigVerificationResult;
import org.apache.nifi.components.PropertyDescriptor;
import org.apache.nifi.components.RequiredPermission;
import org.apache.nifi.components.ValidationContext;
import org.apache.nifi.components.ValidationResult;
import org.apache.nifi.components.Validator;
import org.apache.nifi.components.resource.ResourceCardinality;
import org.apache.nifi.components.resource.ResourceType;
import org.apache.nifi.components.state.Scope;
import org.apache.nifi.components.state.StateManager;
import org.apache.nifi.context.PropertyContext;
import org.apache.nifi.flowfile.FlowFile;
import org.apache.nifi.logging.ComponentLog;
import org.apache.nifi.processor.ProcessContext;
import org.apache.nifi.processor.ProcessSession;
import org.apache.nifi.processor.Relationship;
import org.apache.nifi.processor.VerifiableProcessor;
import org.apache.nifi.processor.exception.ProcessException;
import org.apache.nifi.processor.util.StandardValidators;
import org.apache.nifi.serialization.SimpleRecordSchema;
import org.apache.nifi.serialization.record.Record;
import org.apache.nifi.serialization.record.RecordField;
import org.apache.nifi.serialization.record.RecordFieldType;
import org.apache.nifi.serialization.record.RecordSchema;

@Tags({"digital twin", "predictive maintenance", "health", "remaining useful life", "alert", "record", "iot"})
@CapabilityDescription("Keeps a running health state per machine and enriches every reading with 'health_score'"
        + " (0..100), 'health_status' (HEALTHY / WARNING / CRITICAL) and 'estimated_time_to_maintenance' (seconds,"
        + " null when the trend does not support an estimate). Health combines the smoothed anomaly score (from"
        + " ScoreAnomaly) with each sensor's drift from the baseline the machine learned from its own first"
        + " readings; baselines follow the drift the fleet shares (ambient temperature) and, slowly, the machine's"
        + " own, but not one machine's developing fault. Status changes use hysteresis and a minimum dwell time; alerts (RAISED, ESCALATED, RECOVERED,"
        + " one open incident per machine) go to the 'alerts' relationship as records of their own. A record with"
        + " state = 'maintenance' resets the machine's degradation. Per-machine state is kept in memory for at most"
        + " 'Maximum Machines' machines (the least recently seen evicted) and in the 'State Directory', where each"
        + " committed FlowFile appends only the machines it changed. Runs one task at a time.")
@UseCase(
        description = "Turn scored sensor readings into machine health, time to maintenance and de-duplicated alerts.",
        configuration = "Connect ScoreAnomaly's 'success' relationship (or a Kafka consumer of scored readings keyed"
                + " by machine id) to this processor. Set 'Record Reader' to a JsonTreeReader and 'Record Writer' to"
                + " a JsonRecordSetWriter that inherits the record schema. Keep 'Sensor Fields' as the simulator's"
                + " temperature,vibration,rpm. Send 'success' to the readings index and 'alerts' to the alerts topic"
                + " or index; route 'failure' to a dead-letter queue.")
@UseCase(
        description = "Health of machines that run in several operating conditions (set-points, flight or process"
                + " settings), where a change of condition must not read as degradation.",
        configuration = "Set 'Operating Context Fields' to the fields that say how the machine is run (e.g."
                + " setting1,setting2,setting3) and 'Operating Context Model' to 'Operating Regimes'. Keep 'Regime"
                + " Distance' at 0.1 unless two conditions differ by less than 10% in every field; set 'Maximum"
                + " Regimes' to at least the number of conditions. 'Baseline Size' should cover each condition a few"
                + " times.")
@WritesAttributes({
    @WritesAttribute(attribute = TwinFields.RECORD_COUNT_ATTRIBUTE, description = "Records in the outgoing FlowFile."),
    @WritesAttribute(attribute = TwinFields.MIME_TYPE_ATTRIBUTE, description = "The Record Writer's MIME type."),
    @WritesAttribute(
            attribute = TwinFields.ERROR_MESSAGE_ATTRIBUTE,
            description = "On failure: why the (first) record could not be processed, e.g. a late record."),
    @WritesAttribute(attribute = TwinFields.ERROR_COUNT_ATTRIBUTE, description = "On failure: how many records failed.")
})
@Stateful(
        scopes = Scope.LOCAL,
        description = "Only a token naming the current life of the machine state, whose states live in the State"
                + " Directory (written when the processor is scheduled). Clearing the state (processor stopped)"
                + " makes every machine learn its baseline again at the next start. Machine states an earlier"
                + " version kept here ('machine:<id>' keys) are moved into the State Directory at the first start."
                + " LOCAL: in a cluster each node tracks the machines whose readings it receives; a machine whose"
                + " Kafka partition moves to another node learns its baseline again there.")
@InputRequirement(InputRequirement.Requirement.INPUT_REQUIRED)
@SeeAlso(ScoreAnomaly.class)
@Restricted(
        restrictions = {
            @Restriction(
                    requiredPermission = RequiredPermission.READ_FILESYSTEM,
                    explanation = "Reads the RUL Model File and the machine states in the State Directory."),
            @Restriction(
                    requiredPermission = RequiredPermission.WRITE_FILESYSTEM,
                    explanation = "Writes the machine states into the State Directory, a path an operator chooses.")
        })
@TriggerSerially
public class ComputeHealthScore extends RecordEnrichmentProcessor implements VerifiableProcessor {

    private static final Validator HEALTH_VALUE = StandardValidators.createNonNegativeFloatingPointValidator(100);

    public static final PropertyDescriptor SENSOR_FIELDS = new PropertyDescriptor.Builder()
            .name("Sensor Fields")
            .description("Comma-separated numeric fields whose drift from the machine's own baseline lowers its"
                    + " health. A null value (sensor dropout) is skipped for that reading; text, NaN or infinity"
                    + " sends the record to failure.")
            .required(true)
            .defaultValue(TwinFields.TEMPERATURE + "," + TwinFields.VIBRATION + "," + TwinFields.RPM)
            .addValidator(StandardValidators.NON_BLANK_VALIDATOR)
            .build();

    public static final PropertyDescriptor OPERATING_CONTEXT_FIELDS = new PropertyDescriptor.Builder()
            .fromPropertyDescriptor(OperatingContextProperties.FIELDS)
            .description(OperatingContextProperties.FIELDS.getDescription()
                    + " Here the sensors' baselines are conditioned on them as 'Operating Context Model' says. A field"
                    + " may also be one of the Sensor Fields. A record missing a context value is still scored, with"
                    + " its sensors' drift measured as before it (Operating Regimes).")
            .required(true)
            .defaultValue(TwinFields.RPM)
            .build();

    static final AllowableValue LOAD_FOLLOWING = new AllowableValue(
            "Load Following",
            "Load Following",
            "One context field, when it is also one of the Sensor Fields, is the load: every other sensor's"
                    + " baseline is a line on the load, filtered with a learned time constant (thermal inertia)."
                    + " When the field is not a sensor, every sensor has a plain mean and standard deviation.");

    static final AllowableValue OPERATING_REGIMES = new AllowableValue(
            "Operating Regimes",
            "Operating Regimes",
            "Regimes are found from the stream by leader clustering of the context fields ('Regime Distance',"
                    + " 'Maximum Regimes'); every sensor has a mean per regime and a within-regime spread, so a"
                    + " change of regime is not a symptom while drift within one is. Suits conditions that"
                    + " settle within a reading (no thermal lag is modelled).");

    public static final PropertyDescriptor OPERATING_CONTEXT_MODEL = new PropertyDescriptor.Builder()
            .name("Operating Context Model")
            .description("How the baselines follow the Operating Context Fields.")
            .required(true)
            .allowableValues(LOAD_FOLLOWING, OPERATING_REGIMES)
            .defaultValue(LOAD_FOLLOWING.getValue())
            .build();

    public static final PropertyDescriptor REGIME_DISTANCE = new PropertyDescriptor.Builder()
            .fromPropertyDescriptor(OperatingContextProperties.REGIME_DISTANCE)
            .dependsOn(OPERATING_CONTEXT_MODEL, OPERATING_REGIMES)
            .build();

    public static final PropertyDescriptor MAXIMUM_REGIMES = new PropertyDescriptor.Builder()
            .fromPropertyDescriptor(OperatingContextProperties.MAXIMUM_REGIMES)
            .description(OperatingContextProperties.MAXIMUM_REGIMES.getDescription()
                    + " Each regime adds about 4 + 8 x context fields + 20 x sensors bytes to the machine's state.")
            .dependsOn(OPERATING_CONTEXT_MODEL, OPERATING_REGIMES)
            .build();

    public static final PropertyDescriptor WARNING_THRESHOLD = new PropertyDescriptor.Builder()
            .name("Warning Threshold")
            .description("Health score (0..100) below which a machine becomes WARNING.")
            .required(true)
            .defaultValue("70")
            .addValidator(HEALTH_VALUE)
            .build();

    public static final PropertyDescriptor CRITICAL_THRESHOLD = new PropertyDescriptor.Builder()
            .name("Critical Threshold")
            .description("Health score (0..100) below which a machine becomes CRITICAL; must be below the Warning"
                    + " Threshold. Also the level the time to maintenance is extrapolated to.")
            .required(true)
            .defaultValue("40")
            .addValidator(HEALTH_VALUE)
            .build();

    public static final PropertyDescriptor HYSTERESIS = new PropertyDescriptor.Builder()
            .name("Hysteresis")
            .description("Health points above a threshold a machine must reach before it leaves the worse status"
                    + " again (WARNING needs Warning Threshold + Hysteresis to become HEALTHY).")
            .required(true)
            .defaultValue("5")
            .addValidator(HEALTH_VALUE)
            .build();

    public static final PropertyDescriptor MINIMUM_DWELL_TIME = new PropertyDescriptor.Builder()
            .name("Minimum Dwell Time")
            .description("How long (in event time) a new status must hold before it takes effect and alerts."
                    + " 0 sec changes status immediately.")
            .required(true)
            .defaultValue("1 min")
            .addValidator(StandardValidators.TIME_PERIOD_VALIDATOR)
            .build();

    public static final PropertyDescriptor ALERT_CONFIRMATION_TIME = new PropertyDescriptor.Builder()
            .name("Alert Confirmation Time")
            .description("How long (in event time) a HEALTHY machine's health must stay below the Warning Threshold"
                    + " before it leaves HEALTHY and an alert is RAISED. Short excursions (the transient after a"
                    + " change of speed, a stuck or spiking sensor) then raise no alert, at the price of alerts that"
                    + " come this much later. Clearing and escalating an open incident keep the Minimum Dwell Time;"
                    + " when this is shorter than the Minimum Dwell Time, the dwell time confirms alerts. 0 sec: the"
                    + " Minimum Dwell Time alone.")
            .required(true)
            .defaultValue("5 min")
            .addValidator(StandardValidators.TIME_PERIOD_VALIDATOR)
            .build();

    public static final PropertyDescriptor BASELINE_SIZE = new PropertyDescriptor.Builder()
            .name("Baseline Size")
            .description("Number of a machine's first readings (and first readings after each maintenance) that"
                    + " learn its own baseline (per-sensor mean and standard deviation, conditioned on the operating"
                    + " context as 'Operating Context Model' says). It should span the machine's"
                    + " normal operating regimes (the default, 1800, is one hour at one reading per 2 seconds), or"
                    + " a normal change of regime looks like drift. Until then health reflects the anomaly score"
                    + " only and the time to maintenance is null.")
            .required(true)
            .defaultValue("1800")
            .addValidator(StandardValidators.createLongValidator(2, 1_000_000, true))
            .build();

    public static final PropertyDescriptor FLEET_DRIFT_FOLLOWING_TIME = new PropertyDescriptor.Builder()
            .name("Fleet Drift Following Time")
            .description("How fast a machine's learned baseline follows a deviation the fleet shares: the time"
                    + " constant (event time) with which each sensor's baseline moves by the part of the machine's"
                    + " deviation that the median deviation of the other machines (those this processor saw in the"
                    + " last 15 minutes, in the sensor's units; at least 3 of them) also shows. Ambient or fluid"
                    + " temperature moves many machines at once and is followed; a developing fault moves one"
                    + " machine, the fleet's median stays put, and it is not followed. The price: a change most of"
                    + " the fleet shows at once (a shared cause such as a failing cooling supply) is taken as the"
                    + " plant's normal. Give machines whose sensors are not alike (other units or sizes) processors"
                    + " of their own, or set '0 sec' to turn it off.")
            .required(true)
            .defaultValue("10 min")
            .addValidator(StandardValidators.TIME_PERIOD_VALIDATOR)
            .build();

    public static final PropertyDescriptor BASELINE_FOLLOWING_TIME = new PropertyDescriptor.Builder()
            .name("Baseline Following Time")
            .description("How fast a machine's learned baseline follows its own slow change: the time constant"
                    + " (event time) with which each sensor's baseline moves towards its smoothed value, only while"
                    + " the machine is HEALTHY, its anomaly score costs no health and the sensor's deviation is within"
                    + " 'Baseline Following Limit'. A change slower than about the limit per this time is followed"
                    + " whatever its cause (a very slow fault too); a faster one stays a deviation until a"
                    + " maintenance record. '0 sec' turns it off.")
            .required(true)
            .defaultValue("1 hour")
            .addValidator(StandardValidators.TIME_PERIOD_VALIDATOR)
            .build();

    public static final PropertyDescriptor BASELINE_FOLLOWING_LIMIT = new PropertyDescriptor.Builder()
            .name("Baseline Following Limit")
            .description("Deviation from the baseline, in the baseline's standard deviations, beyond which a"
                    + " machine's own change is no longer followed (see 'Baseline Following Time'): the guard that"
                    + " keeps a developing fault from being learned away once it has moved a sensor this far. A"
                    + " larger limit follows more benign change and absorbs more of a fault's start.")
            .required(true)
            .defaultValue("1")
            .addValidator(Validation.decimalRange(0, true, 100, true, "standard deviations of the baseline"))
            .build();

    public static final PropertyDescriptor LATE_RECORD_TOLERANCE = new PropertyDescriptor.Builder()
            .name("Late Record Tolerance")
            .description("A record older than its machine's newest timestamp minus this is late: it goes to"
                    + " failure with the reason and changes nothing. Records out of order within the tolerance are"
                    + " processed. A newest timestamp ahead of the wall clock counts as the wall clock here, so a"
                    + " record stamped in the future cannot make every later record of its machine late.")
            .required(true)
            .defaultValue("30 sec")
            .addValidator(StandardValidators.TIME_PERIOD_VALIDATOR)
            .build();

    public static final PropertyDescriptor FUTURE_TIMESTAMP_TOLERANCE = new PropertyDescriptor.Builder()
            .name("Future Timestamp Tolerance")
            .description("How far ahead of this node's wall clock a record's timestamp may lie; a record further in"
                    + " the future goes to failure with the reason and changes nothing, so a wrong clock or a"
                    + " corrupt value cannot become its machine's clock. Records before 1970 or beyond the range"
                    + " of epoch milliseconds always go to failure. Raise it to replay data stamped in the future"
                    + " (for example GenerateSensorReadings running AS_FAST_AS_POSSIBLE for long).")
            .required(true)
            .defaultValue("1 day")
            .addValidator(StandardValidators.TIME_PERIOD_VALIDATOR)
            .build();

    public static final PropertyDescriptor MACHINE_ID_FIELD = new PropertyDescriptor.Builder()
            .name("Machine ID Field")
            .description("The field that identifies the machine; records without it go to failure.")
            .required(true)
            .defaultValue(TwinFields.MACHINE_ID)
            .addValidator(StandardValidators.NON_BLANK_VALIDATOR)
            .build();

    public static final PropertyDescriptor TIMESTAMP_FIELD = new PropertyDescriptor.Builder()
            .name("Timestamp Field")
            .description("The field with the reading's event time: epoch milliseconds, or a timestamp the Record Reader"
                    + " reads as one. Records without it go to failure. Alert records carry it as 'timestamp'.")
            .required(true)
            .defaultValue(TwinFields.TIMESTAMP)
            .addValidator(StandardValidators.NON_BLANK_VALIDATOR)
            .build();

    public static final PropertyDescriptor ANOMALY_SCORE_FIELD = new PropertyDescriptor.Builder()
            .name("Anomaly Score Field")
            .description("The field with the reading's anomaly score, 0..1 (ScoreAnomaly writes 'anomaly_score')."
                    + " A missing or null score (a model still warming up) leaves health to the sensors' drift; a"
                    + " score outside 0..1 sends the record to failure.")
            .required(true)
            .defaultValue(TwinFields.ANOMALY_SCORE)
            .addValidator(StandardValidators.NON_BLANK_VALIDATOR)
            .build();

    public static final PropertyDescriptor TREND_WINDOW = new PropertyDescriptor.Builder()
            .name("Trend Window")
            .description("Effective number of recent readings the health trend (and so the time to maintenance)"
                    + " is fitted to; older readings weigh exponentially less.")
            .required(true)
            .defaultValue(String.valueOf(HealthConfig.DEFAULT_TREND_WINDOW))
            .addValidator(StandardValidators.createLongValidator(5, 1_000_000, true))
            .build();

    public static final PropertyDescriptor RUL_MODEL_FILE = new PropertyDescriptor.Builder()
            .name("RUL Model File")
            .description("Optional remaining-useful-life model (JSON tree ensemble, e.g. trained by the"
                    + " evaluation module's CmapssEvaluation). When set, the time to maintenance is this model's"
                    + " prediction from the machine's streaming state instead of the trend extrapolation. Its"
                    + " sensors must equal 'Sensor Fields'. The file holds numbers only; no code is deserialized. A"
                    + " missing file makes the processor invalid; 'Verify Properties' reads the file and says"
                    + " whether it is a usable model of these sensors. A file larger than 32 MB, not JSON, not a"
                    + " valid model or trained on other sensors keeps the processor from starting, with the reason.")
            .required(false)
            .identifiesExternalResource(ResourceCardinality.SINGLE, ResourceType.FILE)
            .build();

    public static final PropertyDescriptor MAXIMUM_MACHINES = new PropertyDescriptor.Builder()
            .name("Maximum Machines")
            .description("Most machines whose state is kept (in memory, about 0.8 KB each with three sensors, and in"
                    + " the State Directory). When a new machine would exceed it, the machine seen least recently is"
                    + " evicted: its state is dropped (counter 'Machines Evicted'), an open incident of it gets no"
                    + " RECOVERED alert, and if it sends readings again it learns its baseline anew, like a new"
                    + " machine. Set it above the number of machines this node receives.")
            .required(true)
            .defaultValue("100000")
            .addValidator(StandardValidators.createLongValidator(1, 10_000_000, true))
            .build();

    public static final PropertyDescriptor STATE_DIRECTORY = new PropertyDescriptor.Builder()
            .name("State Directory")
            .description("Directory where the machines' states are kept across restarts, in a sub-directory named"
                    + " after this processor's id: a snapshot and a journal of the changes since, appended after"
                    + " each committed FlowFile (so a commit writes only the machines it changed) and folded into"
                    + " a new snapshot when it outgrows twice the state. A relative path is relative to NiFi's"
                    + " working directory (the default lies beside NiFi's own local state). NiFi must be able to"
                    + " write there (or create it). In a cluster each node needs a directory of its own (not shared storage:"
                    + " the nodes share the processor id).")
            .required(true)
            .defaultValue("./state/compute-health-score")
            .addValidator(Validation.WRITABLE_DIRECTORY)
            .build();

    public static final Relationship REL_ALERTS = new Relationship.Builder()
            .name("alerts")
            .description("Alert records (alert_id, machine_id, timestamp, severity, alert_event, reason,"
                    + " health_score, estimated_time_to_maintenance) when a machine's status changes.")
            .build();

    static final String STATE_KEY_PREFIX = "machine:";
    static final String STATE_KEY_SENSORS = "config.sensors";
    /** The only local-state key now: the token of the state's life, also written in the State Directory's files. */
    static final String STATE_KEY_TOKEN = "state.token";

    public static final RecordSchema ALERT_SCHEMA = new SimpleRecordSchema(List.of(
            new RecordField(TwinFields.ALERT_ID, RecordFieldType.STRING.getDataType(), false),
            new RecordField(TwinFields.MACHINE_ID, RecordFieldType.STRING.getDataType(), false),
            new RecordField(TwinFields.TIMESTAMP, RecordFieldType.LONG.getDataType(), false),
            new RecordField(TwinFields.ALERT_SEVERITY, RecordFieldType.STRING.getDataType(), false),
            new RecordField(TwinFields.ALERT_EVENT, RecordFieldType.STRING.getDataType(), false),
            new RecordField(TwinFields.ALERT_REASON, RecordFieldType.STRING.getDataType(), true),
            new RecordField(TwinFields.HEALTH_SCORE, RecordFieldType.DOUBLE.getDataType(), false),
            new RecordField(TwinFields.TIME_TO_MAINTENANCE, RecordFieldType.LONG.getDataType(), true)));

    private static final List<RecordField> ADDED_FIELDS = List.of(
            new RecordField(TwinFields.HEALTH_SCORE, RecordFieldType.DOUBLE.getDataType(), true),
            new RecordField(TwinFields.HEALTH_STATUS, RecordFieldType.STRING.getDataType(), true),
            new RecordField(TwinFields.TIME_TO_MAINTENANCE, RecordFieldType.LONG.getDataType(), true));

    private static final RecordValues.Names ADDED_NAMES = RecordValues.Names.of(ADDED_FIELDS);
    private static final RecordValues.Names ALERT_NAMES = RecordValues.Names.of(ALERT_SCHEMA.getFields());

    private static final List<PropertyDescriptor> PROPERTIES = List.of(
            RECORD_READER,
            RECORD_WRITER,
            SENSOR_FIELDS,
            OPERATING_CONTEXT_FIELDS,
            OPERATING_CONTEXT_MODEL,
            REGIME_DISTANCE,
            MAXIMUM_REGIMES,
            WARNING_THRESHOLD,
            CRITICAL_THRESHOLD,
            HYSTERESIS,
            MINIMUM_DWELL_TIME,
            ALERT_CONFIRMATION_TIME,
            BASELINE_SIZE,
            FLEET_DRIFT_FOLLOWING_TIME,
            BASELINE_FOLLOWING_TIME,
            BASELINE_FOLLOWING_LIMIT,
            LATE_RECORD_TOLERANCE,
            FUTURE_TIMESTAMP_TOLERANCE,
            MACHINE_ID_FIELD,
            MAX_MACHINE_ID_LENGTH,
            TIMESTAMP_FIELD,
            ANOMALY_SCORE_FIELD,
            STATE_FIELD,
            TREND_WINDOW,
            RUL_MODEL_FILE,
            MAXIMUM_MACHINES,
            STATE_DIRECTORY);

    private static final Set<Relationship> RELATIONSHIPS = Set.of(REL_SUCCESS, REL_ALERTS, REL_FAILURE);

    /** The health engine with the machines' states; replaced when scheduled, one task at a time (TriggerSerially). */
    private volatile HealthEngine engine;
    /** Where a reading's values are in a record; resolved when scheduled. */
    private volatile ReadingFields readingFields;

    /**
     * The record fields a {@link ScoredReading} is read from, and the checks on them, resolved once when scheduled.
     *
     * @param context the context fields the engine reads from the record (Operating Regimes); empty otherwise
     */
    private record ReadingFields(
            String machineId,
            int maxMachineIdLength,
            String timestamp,
            long futureToleranceMillis,
            String anomalyScore,
            String state,
            List<String> sensors,
            List<String> context) {}

    @Override
    protected List<PropertyDescriptor> getSupportedPropertyDescriptors() {
        return PROPERTIES;
    }

    @Override
    public Set<Relationship> getRelationships() {
        return RELATIONSHIPS;
    }

    static List<String> sensorFields(String text) {
        return Arrays.stream(text.split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .toList();
    }

    @Override
    protected Collection<ValidationResult> customValidate(ValidationContext context) {
        List<ValidationResult> results = new ArrayList<>();
        Double warning = context.getProperty(WARNING_THRESHOLD).asDouble();
        Double critical = context.getProperty(CRITICAL_THRESHOLD).asDouble();
        Double hysteresis = context.getProperty(HYSTERESIS).asDouble();
        if (warning != null && critical != null && !(critical < warning)) {
            results.add(Validation.result(
                    CRITICAL_THRESHOLD.getDisplayName(),
                    null,
                    "Critical Threshold (" + critical + ") must be below Warning Threshold (" + warning + ")"));
        }
        if (warning != null && hysteresis != null && warning + hysteresis > 100) {
            results.add(Validation.result(
                    HYSTERESIS.getDisplayName(),
                    null,
                    "Warning Threshold + Hysteresis (" + (warning + hysteresis) + ") must not exceed 100, or a"
                            + " machine could never return to HEALTHY"));
        }
        String sensors = context.getProperty(SENSOR_FIELDS).getValue();
        if (sensors != null) {
            List<String> fields = sensorFields(sensors);
            if (fields.isEmpty() || fields.size() > 64 || new HashSet<>(fields).size() != fields.size()) {
                results.add(Validation.result(
                        SENSOR_FIELDS.getDisplayName(),
                        null,
                        "Sensor Fields must name 1 to 64 distinct fields, separated by commas"));
            }
        }
        String contextFields = context.getProperty(OPERATING_CONTEXT_FIELDS).getValue();
        if (contextFields != null
                && sensorFields(contextFields).size() > 1
                && !OPERATING_REGIMES
                        .getValue()
                        .equals(context.getProperty(OPERATING_CONTEXT_MODEL).getValue())) {
            results.add(Validation.result(
                    OPERATING_CONTEXT_FIELDS.getDisplayName(),
                    contextFields,
                    "Load Following follows one load field, but "
                            + sensorFields(contextFields).size()
                            + " are named; name one, or set Operating Context Model to Operating Regimes for"
                            + " several"));
        }
        return results;
    }

    static final String VERIFY_RUL_MODEL_FILE = "Load RUL Model File";
    static final String VERIFY_STATE_DIRECTORY = "Check State Directory";

    @Override
    public List<ConfigVerificationResult> verify(
            ProcessContext context, ComponentLog verificationLogger, Map<String, String> attributes) {
        String directory = context.getProperty(STATE_DIRECTORY).getValue();
        return List.of(
                verifyRulModel(context),
                Verifications.stateDirectory(
                        VERIFY_STATE_DIRECTORY,
                        directory,
                        Path.of(directory.trim()).resolve(getIdentifier()),
                        "It holds this processor's saved machine states: a start continues from them."));
    }

    private static ConfigVerificationResult verifyRulModel(ProcessContext context) {
        String file = context.getProperty(RUL_MODEL_FILE).getValue();
        if (file == null || file.isBlank()) {
            return Verifications.skipped(
                    VERIFY_RUL_MODEL_FILE, "No RUL Model File: the time to maintenance is the trend's extrapolation");
        }
        List<String> sensors = sensorFields(context.getProperty(SENSOR_FIELDS).getValue());
        try {
            RulModel model = RulModel.read(Path.of(file.trim()));
            if (!model.sensors().equals(sensors)) {
                return Verifications.failed(
                        VERIFY_RUL_MODEL_FILE,
                        file.trim() + " was trained on sensors " + model.sensors() + " but Sensor Fields are " + sensors
                                + "; set the same sensors or train another model");
            }
            List<String> contextFields = operatingContext(context).fields();
            if (model.normalisation() != null
                    && !model.normalisation().contextFields().equals(contextFields)) {
                return Verifications.failed(
                        VERIFY_RUL_MODEL_FILE,
                        file.trim() + " normalises by the operating context fields "
                                + model.normalisation().contextFields() + " but Operating Context Fields are "
                                + contextFields + "; set the same fields or train another model");
            }
            return Verifications.successful(
                    VERIFY_RUL_MODEL_FILE,
                    String.format(
                            Locale.ROOT,
                            "%s holds a model of %d trees over the sensors %s",
                            file.trim(),
                            model.trees(),
                            model.sensors()));
        } catch (IOException | RuntimeException e) {
            String reason = e instanceof java.nio.file.NoSuchFileException ? "no such file" : e.getMessage();
            return Verifications.failed(
                    VERIFY_RUL_MODEL_FILE,
                    file.trim() + " cannot be used: " + reason + ". Point RUL Model File to a model trained on the"
                            + " Sensor Fields (e.g. written by CmapssEvaluation --models), or leave it empty");
        }
    }

    @OnScheduled
    public void onScheduled(ProcessContext context) throws IOException {
        HealthConfig config = healthConfig(context);
        List<String> sensors = config.sensors();
        RulModel model = null;
        String modelFile = context.getProperty(RUL_MODEL_FILE).getValue();
        if (modelFile != null && !modelFile.isBlank()) {
            try {
                model = RulModel.read(Path.of(modelFile.trim()));
            } catch (IOException e) {
                throw new ProcessException(
                        "RUL Model File " + modelFile.trim() + " cannot be used: " + e.getMessage(), e);
            }
        }
        OperatingContext operating = config.context();
        readingFields = new ReadingFields(
                context.getProperty(MACHINE_ID_FIELD).getValue(),
                context.getProperty(MAX_MACHINE_ID_LENGTH).asInteger(),
                context.getProperty(TIMESTAMP_FIELD).getValue(),
                context.getProperty(FUTURE_TIMESTAMP_TOLERANCE).asTimePeriod(TimeUnit.MILLISECONDS),
                context.getProperty(ANOMALY_SCORE_FIELD).getValue(),
                context.getProperty(STATE_FIELD).getValue(),
                sensors,
                operating.regimesModelled() ? operating.fields() : List.of());
        closeEngine();
        Path directory =
                Path.of(context.getProperty(STATE_DIRECTORY).getValue().trim()).resolve(getIdentifier());
        engine = openEngine(
                context.getStateManager(),
                config,
                model,
                directory,
                context.getProperty(MAXIMUM_MACHINES).asInteger());
    }

    /** The health engine's settings the properties describe. */
    static HealthConfig healthConfig(PropertyContext context) {
        return HealthConfig.of(
                        sensorFields(context.getProperty(SENSOR_FIELDS).getValue()),
                        context.getProperty(WARNING_THRESHOLD).asDouble(),
                        context.getProperty(CRITICAL_THRESHOLD).asDouble(),
                        context.getProperty(HYSTERESIS).asDouble(),
                        context.getProperty(MINIMUM_DWELL_TIME).asTimePeriod(TimeUnit.MILLISECONDS),
                        context.getProperty(BASELINE_SIZE).asInteger(),
                        context.getProperty(LATE_RECORD_TOLERANCE).asTimePeriod(TimeUnit.MILLISECONDS),
                        context.getProperty(TREND_WINDOW).asInteger())
                .withContext(operatingContext(context))
                .withAlertConfirmation(
                        context.getProperty(ALERT_CONFIRMATION_TIME).asTimePeriod(TimeUnit.MILLISECONDS))
                .withFollowing(new BaselineFollowing(
                        seconds(context, BASELINE_FOLLOWING_TIME),
                        context.getProperty(BASELINE_FOLLOWING_LIMIT).asDouble(),
                        seconds(context, FLEET_DRIFT_FOLLOWING_TIME)));
    }

    private static double seconds(PropertyContext context, PropertyDescriptor period) {
        return context.getProperty(period).asTimePeriod(TimeUnit.MILLISECONDS) / 1000.0;
    }

    /** The operating context the properties describe. */
    static OperatingContext operatingContext(PropertyContext context) {
        List<String> fields =
                sensorFields(context.getProperty(OPERATING_CONTEXT_FIELDS).getValue());
        if (OPERATING_REGIMES
                .getValue()
                .equals(context.getProperty(OPERATING_CONTEXT_MODEL).getValue())) {
            return OperatingContext.regimes(
                    fields,
                    context.getProperty(REGIME_DISTANCE).asDouble(),
                    context.getProperty(MAXIMUM_REGIMES).asInteger());
        }
        return OperatingContext.loadFollowing(fields);
    }

    /**
     * Opens the engine on the machine states in {@code directory}. NiFi's local state holds only the token of the
     * state's life: without one (a new processor, or an operator cleared its state) every machine starts afresh.
     * Machine states an earlier version kept in the local state itself ('machine:<id>' keys) are moved into the
     * directory.
     */
    private HealthEngine openEngine(
            StateManager stateManager, HealthConfig config, RulModel model, Path directory, int maxMachines)
            throws IOException {
        Map<String, String> local = stateManager.getState(Scope.LOCAL).toMap();
        String token = local.get(STATE_KEY_TOKEN);
        boolean fresh = token == null;
        if (fresh) {
            token = UUID.randomUUID().toString();
        }
        HealthEngine opened;
        try {
            opened = HealthEngine.open(config, model, directory, token, maxMachines, (machineId, reason) -> getLogger()
                    .warn("The state of machine {} could not be read ({}); it starts afresh", machineId, reason));
        } catch (IllegalArgumentException e) {
            throw new ProcessException(e.getMessage(), e);
        }
        MachineStates machines = opened.machines();
        if (machines.loadReport() != null && !fresh) {
            getLogger()
                    .warn(
                            "Machine state in {}: {}; those machines learn their baseline again",
                            directory,
                            machines.loadReport());
        }
        try {
            migrate(local, machines, config.sensors());
            Map<String, String> wanted = Map.of(STATE_KEY_TOKEN, token);
            if (!local.equals(wanted)) {
                stateManager.setState(wanted, Scope.LOCAL);
            }
        } catch (IOException | RuntimeException e) {
            machines.close();
            throw e;
        }
        getLogger().debug("Loaded the state of {} machines from {}", machines.size(), directory);
        return opened;
    }

    /** Moves the machine states of the former format (one local-state key per machine) into the engine's. */
    private void migrate(Map<String, String> local, MachineStates target, List<String> sensors) throws IOException {
        Map<String, String> former = new HashMap<>();
        local.forEach((key, value) -> {
            if (key.startsWith(STATE_KEY_PREFIX)) {
                former.put(key.substring(STATE_KEY_PREFIX.length()), value);
            }
        });
        if (former.isEmpty()) {
            return;
        }
        String storedSensors = local.get(STATE_KEY_SENSORS);
        if (storedSensors != null && !storedSensors.equals(String.join(",", sensors))) {
            getLogger()
                    .warn(
                            "Sensor Fields changed from [{}] to [{}]: the {} machine states kept in NiFi's local"
                                    + " state are dropped and those machines learn their baseline again",
                            storedSensors,
                            String.join(",", sensors),
                            former.size());
            return;
        }
        MachineStates.Adoption adoption = target.adopt(former);
        getLogger()
                .info(
                        "Moved {} machine states from NiFi's local state into the State Directory ({} unreadable,"
                                + " {} beyond Maximum Machines dropped)",
                        adoption.adopted(),
                        adoption.unreadable(),
                        adoption.dropped());
    }

    @OnStopped
    public void onStopped() {
        HealthEngine current = engine;
        if (current != null) {
            try {
                current.machines().save(); // a restart then reads one snapshot, no journal
            } catch (IOException e) {
                getLogger().error("Could not write the machine state at stop; the journal written so far is kept", e);
            }
        }
        closeEngine();
    }

    private void closeEngine() {
        HealthEngine current = engine;
        engine = null;
        if (current != null) {
            try {
                current.machines().close();
            } catch (IOException e) {
                getLogger().warn("Could not close the machine state files", e);
            }
        }
    }

    @Override
    protected Enrichment startEnrichment(ProcessContext context, FlowFile flowFile, RecordSchema inputSchema) {
        return new HealthEnrichment(engine, readingFields, RecordSupport.withFields(inputSchema, ADDED_FIELDS));
    }

    /** One FlowFile's records through one engine batch: fields to a reading, its assessment to fields. */
    private final class HealthEnrichment implements Enrichment {
        private final HealthEngine engine;
        private final HealthEngine.Batch batch;
        private final ReadingFields fields;
        private final RecordSchema outSchema;

        private long scored;
        private long alerts;
        private long late;
        private long maintenance;

        HealthEnrichment(HealthEngine engine, ReadingFields fields, RecordSchema outSchema) {
            this.engine = engine;
            this.batch = engine.begin();
            this.fields = fields;
            this.outSchema = outSchema;
        }

        @Override
        public RecordSchema schemaFor(Relationship relationship) {
            return relationship.equals(REL_ALERTS) ? ALERT_SCHEMA : outSchema;
        }

        @Override
        public void process(Record record, Emitter emitter) throws RecordRejectedException {
            long now = System.currentTimeMillis();
            ScoredReading reading = reading(record, fields, now);
            HealthAssessment assessment;
            try {
                assessment = batch.process(reading, now);
            } catch (LateReadingException e) {
                late++;
                throw new RecordRejectedException("Late record: timestamp " + e.timestamp() + " is more than the Late"
                        + " Record Tolerance older than machine " + RecordSupport.shorten(e.machineId())
                        + "'s newest reading (" + e.newest() + ")");
            }
            scored++;
            if (reading.maintenance()) {
                maintenance++;
            }
            emitter.emit(
                    REL_SUCCESS,
                    RecordValues.overlay(
                            outSchema,
                            record,
                            ADDED_NAMES, // in ADDED_FIELDS' order
                            round2(assessment.health()),
                            assessment.status().name(),
                            assessment.timeToMaintenance())); // null when unknown
            for (Alert alert : assessment.alerts()) {
                alerts++;
                emitter.emit(REL_ALERTS, alertRecord(alert));
            }
        }

        @Override
        public void commit(ProcessSession session) {
            if (scored > 0) {
                session.adjustCounter("Records Scored", scored, false);
            }
            if (alerts > 0) {
                session.adjustCounter("Alerts Emitted", alerts, false);
            }
            if (late > 0) {
                session.adjustCounter("Late Records", late, false);
            }
            if (maintenance > 0) {
                session.adjustCounter("Maintenance Resets", maintenance, false);
            }
        }

        /** The session committed: the batch's states become the committed ones and are written out. */
        @Override
        public void committed(ProcessSession session) {
            try {
                batch.commit();
            } catch (IOException | RuntimeException e) {
                // The states stay in memory; the next commit (or the stop) writes them all out again.
                getLogger().error("Could not write the machine state to the State Directory", e);
            }
            long evicted = engine.machines().takeEvictions();
            if (evicted > 0) {
                session.adjustCounter("Machines Evicted", evicted, true);
            }
        }
    }

    /** The engine's reading of a record: machine id, timestamp, sensor and context values, score, maintenance. */
    private static ScoredReading reading(Record record, ReadingFields fields, long now) throws RecordRejectedException {
        String machineId =
                RecordSupport.identifier(record, fields.machineId(), "machine id", fields.maxMachineIdLength());
        if (machineId == null) {
            throw new RecordRejectedException("Field '" + fields.machineId() + "' (the machine id) is missing");
        }
        long timestamp = Timestamps.epochMillis(record, fields.timestamp(), now, fields.futureToleranceMillis());
        double[] sensors = new double[fields.sensors().size()];
        RecordSupport.numbers(record, fields.sensors(), sensors);
        double[] context = new double[fields.context().size()];
        RecordSupport.numbers(record, fields.context(), context);
        Double score = RecordSupport.number(record, fields.anomalyScore());
        double anomaly = score == null ? Double.NaN : score;
        if (!Double.isNaN(anomaly) && (anomaly < 0 || anomaly > 1)) {
            throw new RecordRejectedException(
                    "Field '" + fields.anomalyScore() + "' must be between 0 and 1: " + anomaly);
        }
        boolean maintenance = RecordSupport.isMaintenance(record, fields.state());
        return new ScoredReading(machineId, timestamp, sensors, anomaly, maintenance, context);
    }

    private static Record alertRecord(Alert alert) {
        return RecordValues.record(
                ALERT_SCHEMA,
                ALERT_NAMES, // in ALERT_SCHEMA's order
                alert.alertId(),
                alert.machineId(),
                alert.timestamp(),
                alert.severity().name(),
                alert.event().name(),
                alert.reason(),
                round2(alert.healthScore()),
                alert.timeToMaintenance());
    }

    /** {@code v} rounded to two decimals; null when not finite (the writer could not write it). */
    private static Double round2(double v) {
        return Double.isFinite(v) ? Math.round(v * 100) / 100.0 : null;
    }
}
