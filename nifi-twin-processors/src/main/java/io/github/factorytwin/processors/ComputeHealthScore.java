package io.github.factorytwin.processors;

import io.github.factorytwin.health.Alert;
import io.github.factorytwin.health.HealthConfig;
import io.github.factorytwin.health.HealthEngine;
import io.github.factorytwin.health.MachineState;
import io.github.factorytwin.health.Reading;
import io.github.factorytwin.health.RulModel;
import io.github.factorytwin.records.TwinFields;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import org.apache.nifi.annotation.behavior.Stateful;
import org.apache.nifi.annotation.behavior.WritesAttribute;
import org.apache.nifi.annotation.behavior.WritesAttributes;
import org.apache.nifi.annotation.documentation.CapabilityDescription;
import org.apache.nifi.annotation.documentation.Tags;
import org.apache.nifi.annotation.documentation.UseCase;
import org.apache.nifi.annotation.lifecycle.OnScheduled;
import org.apache.nifi.components.PropertyDescriptor;
import org.apache.nifi.components.ValidationContext;
import org.apache.nifi.components.ValidationResult;
import org.apache.nifi.components.Validator;
import org.apache.nifi.components.resource.ResourceCardinality;
import org.apache.nifi.components.resource.ResourceType;
import org.apache.nifi.components.state.Scope;
import org.apache.nifi.components.state.StateMap;
import org.apache.nifi.flowfile.FlowFile;
import org.apache.nifi.processor.ProcessContext;
import org.apache.nifi.processor.ProcessSession;
import org.apache.nifi.processor.Relationship;
import org.apache.nifi.processor.exception.ProcessException;
import org.apache.nifi.processor.util.StandardValidators;
import org.apache.nifi.serialization.SimpleRecordSchema;
import org.apache.nifi.serialization.record.MapRecord;
import org.apache.nifi.serialization.record.Record;
import org.apache.nifi.serialization.record.RecordField;
import org.apache.nifi.serialization.record.RecordFieldType;
import org.apache.nifi.serialization.record.RecordSchema;

@Tags({"digital twin", "predictive maintenance", "health", "remaining useful life", "alert", "record", "iot"})
@CapabilityDescription("Keeps a running health state per machine and enriches every reading with 'health_score'"
        + " (0..100), 'health_status' (HEALTHY / WARNING / CRITICAL) and 'estimated_time_to_maintenance' (seconds,"
        + " null when the trend does not support an estimate). Health combines the smoothed anomaly score (from"
        + " ScoreAnomaly) with each sensor's drift from the baseline the machine learned from its own first"
        + " readings. Status changes use hysteresis and a minimum dwell time; alerts (RAISED, ESCALATED, RECOVERED,"
        + " one open incident per machine) go to the 'alerts' relationship as records of their own. A record with"
        + " state = 'maintenance' resets the machine's degradation. Per-machine state is kept in NiFi's local state"
        + " and checkpointed once per FlowFile.")
@UseCase(
        description = "Turn scored sensor readings into machine health, time to maintenance and de-duplicated alerts.",
        configuration = "Connect ScoreAnomaly's 'success' relationship (or a Kafka consumer of scored readings keyed"
                + " by machine id) to this processor. Set 'Record Reader' to a JsonTreeReader and 'Record Writer' to"
                + " a JsonRecordSetWriter that inherits the record schema. Keep 'Sensor Fields' as the simulator's"
                + " temperature,vibration,rpm. Send 'success' to the readings index and 'alerts' to the alerts topic"
                + " or index; route 'failure' to a dead-letter queue.")
@WritesAttributes({
    @WritesAttribute(attribute = TwinFields.RECORD_COUNT_ATTRIBUTE, description = "Records in the outgoing FlowFile."),
    @WritesAttribute(attribute = "mime.type", description = "The Record Writer's MIME type."),
    @WritesAttribute(
            attribute = TwinFields.ERROR_MESSAGE_ATTRIBUTE,
            description = "On failure: why the (first) record could not be processed, e.g. a late record."),
    @WritesAttribute(attribute = TwinFields.ERROR_COUNT_ATTRIBUTE, description = "On failure: how many records failed.")
})
@Stateful(
        scopes = Scope.LOCAL,
        description = "One entry per machine (key 'machine:<id>', a compact Base64 state of about 840 characters"
                + " for temperature, vibration and rpm: learned baseline and load model, smoothed values, status, open alert, health trend) plus"
                + " 'config.sensors'. Written once per FlowFile, loaded when the processor is scheduled. LOCAL: in a"
                + " cluster each node tracks the machines whose readings it receives; a machine whose Kafka"
                + " partition moves to another node learns its baseline again there. Clearing the state makes"
                + " every machine learn its baseline again.")
public class ComputeHealthScore extends RecordEnrichmentProcessor {

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

    public static final PropertyDescriptor BASELINE_SIZE = new PropertyDescriptor.Builder()
            .name("Baseline Size")
            .description("Number of a machine's first readings (and first readings after each maintenance) that"
                    + " learn its own baseline (per-sensor mean and standard deviation; with 'rpm' among the Sensor"
                    + " Fields, the other sensors' baseline is a line on the rpm, filtered with a learned time"
                    + " constant, and the rpm itself is the load, not a drift symptom). It should span the machine's"
                    + " normal operating regimes (the default, 1800, is one hour at one reading per 2 seconds), or"
                    + " a normal change of regime looks like drift. Until then health reflects the anomaly score"
                    + " only and the time to maintenance is null.")
            .required(true)
            .defaultValue("1800")
            .addValidator(StandardValidators.createLongValidator(2, 1_000_000, true))
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
                    + " sensors must equal 'Sensor Fields'. The file holds numbers only; no code is deserialized.")
            .required(false)
            .identifiesExternalResource(ResourceCardinality.SINGLE, ResourceType.FILE)
            .build();

    public static final Relationship REL_ALERTS = new Relationship.Builder()
            .name("alerts")
            .description("Alert records (alert_id, machine_id, timestamp, severity, alert_event, reason,"
                    + " health_score, estimated_time_to_maintenance) when a machine's status changes.")
            .build();

    static final String STATE_KEY_PREFIX = "machine:";
    static final String STATE_KEY_SENSORS = "config.sensors";

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

    private static final List<PropertyDescriptor> PROPERTIES = List.of(
            RECORD_READER,
            RECORD_WRITER,
            SENSOR_FIELDS,
            WARNING_THRESHOLD,
            CRITICAL_THRESHOLD,
            HYSTERESIS,
            MINIMUM_DWELL_TIME,
            BASELINE_SIZE,
            LATE_RECORD_TOLERANCE,
            FUTURE_TIMESTAMP_TOLERANCE,
            MACHINE_ID_FIELD,
            MAX_MACHINE_ID_LENGTH,
            TREND_WINDOW,
            RUL_MODEL_FILE);

    private static final Set<Relationship> RELATIONSHIPS = Set.of(REL_SUCCESS, REL_ALERTS, REL_FAILURE);

    /**
     * The committed state of one machine. Concurrent tasks never share a {@link MachineState}: a FlowFile works on
     * its own copies (taken under the machine's lock) and installs them at commit while holding the locks of all
     * the machines it touched (taken with tryLock, all released and retried on contention, so two commits cannot
     * deadlock). {@code version} detects a commit that raced with another
     * FlowFile of the same machine: that FlowFile is rolled back and retried instead of overwriting the other's
     * update.
     */
    private static final class Slot {
        final ReentrantLock lock = new ReentrantLock();
        final String key;
        MachineState state;
        long version;
        volatile String encoded;

        Slot(String machineId) {
            this.key = STATE_KEY_PREFIX + machineId;
        }
    }

    private final ConcurrentHashMap<String, Slot> machines = new ConcurrentHashMap<>();
    private volatile HealthEngine engine;
    private volatile String machineIdField;
    private volatile int maxMachineIdLength = DEFAULT_MAX_MACHINE_ID_LENGTH;
    private volatile long futureToleranceMillis;
    private volatile LongSupplier clock = System::currentTimeMillis;

    /** For tests: the wall clock. */
    void setClock(LongSupplier clock) {
        this.clock = clock;
    }

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
        return results;
    }

    @OnScheduled
    public void onScheduled(ProcessContext context) throws IOException {
        List<String> sensors = sensorFields(context.getProperty(SENSOR_FIELDS).getValue());
        HealthConfig config = HealthConfig.of(
                sensors,
                context.getProperty(WARNING_THRESHOLD).asDouble(),
                context.getProperty(CRITICAL_THRESHOLD).asDouble(),
                context.getProperty(HYSTERESIS).asDouble(),
                context.getProperty(MINIMUM_DWELL_TIME).asTimePeriod(TimeUnit.MILLISECONDS),
                context.getProperty(BASELINE_SIZE).asInteger(),
                context.getProperty(LATE_RECORD_TOLERANCE).asTimePeriod(TimeUnit.MILLISECONDS),
                context.getProperty(TREND_WINDOW).asInteger());
        RulModel model = null;
        String modelFile = context.getProperty(RUL_MODEL_FILE).getValue();
        if (modelFile != null && !modelFile.isBlank()) {
            model = RulModel.read(Path.of(modelFile.trim()));
        }
        try {
            engine = new HealthEngine(config, model);
        } catch (IllegalArgumentException e) {
            throw new ProcessException(e.getMessage(), e);
        }
        machineIdField = context.getProperty(MACHINE_ID_FIELD).getValue();
        maxMachineIdLength = context.getProperty(MAX_MACHINE_ID_LENGTH).asInteger();
        futureToleranceMillis = context.getProperty(FUTURE_TIMESTAMP_TOLERANCE).asTimePeriod(TimeUnit.MILLISECONDS);
        loadState(context.getStateManager().getState(Scope.LOCAL), sensors);
    }

    private void loadState(StateMap stored, List<String> sensors) {
        machines.clear();
        Map<String, String> map = stored.toMap();
        String storedSensors = map.get(STATE_KEY_SENSORS);
        if (storedSensors != null && !storedSensors.equals(String.join(",", sensors))) {
            getLogger()
                    .warn(
                            "Sensor Fields changed from [{}] to [{}]: the {} stored machine states are dropped and"
                                    + " every machine learns its baseline again",
                            storedSensors,
                            String.join(",", sensors),
                            map.size() - 1);
            return;
        }
        int dropped = 0;
        for (Map.Entry<String, String> entry : map.entrySet()) {
            if (!entry.getKey().startsWith(STATE_KEY_PREFIX)) {
                continue;
            }
            try {
                Slot slot = new Slot(entry.getKey().substring(STATE_KEY_PREFIX.length()));
                slot.state = engine.decode(entry.getValue());
                slot.encoded = entry.getValue();
                machines.put(entry.getKey().substring(STATE_KEY_PREFIX.length()), slot);
            } catch (IllegalArgumentException e) {
                dropped++;
            }
        }
        if (dropped > 0) {
            getLogger().warn("{} stored machine states could not be read; those machines start again", dropped);
        }
        getLogger().debug("Loaded the state of {} machines", machines.size());
    }

    /** A copy of the committed state of a machine, null when unknown (for tests). */
    MachineState stateOf(String machineId) {
        Slot slot = machines.get(machineId);
        if (slot == null) {
            return null;
        }
        slot.lock.lock();
        try {
            return slot.state == null ? null : slot.state.copy();
        } finally {
            slot.lock.unlock();
        }
    }

    /** Number of machines tracked in memory (for tests and monitoring). */
    int machineCount() {
        return (int)
                machines.values().stream().filter(slot -> slot.encoded != null).count();
    }

    @Override
    protected Enrichment startEnrichment(ProcessContext context, FlowFile flowFile, RecordSchema inputSchema) {
        return new HealthEnrichment(
                engine, machineIdField, maxMachineIdLength, RecordSupport.withFields(inputSchema, ADDED_FIELDS));
    }

    private final class HealthEnrichment implements Enrichment {
        private final HealthEngine engine;
        private final String idField;
        private final int maxIdLength;
        private final List<String> sensors;
        private final RecordSchema outSchema;
        /** This FlowFile's working copies, and the committed version each was copied from. */
        private final Map<String, Staged> staged = new HashMap<>();

        private long scored;
        private long alerts;
        private long late;
        private long maintenance;

        HealthEnrichment(HealthEngine engine, String idField, int maxIdLength, RecordSchema outSchema) {
            this.engine = engine;
            this.idField = idField;
            this.maxIdLength = maxIdLength;
            this.sensors = engine.config().sensors();
            this.outSchema = outSchema;
        }

        @Override
        public RecordSchema schemaFor(Relationship relationship) {
            return relationship.equals(REL_ALERTS) ? ALERT_SCHEMA : outSchema;
        }

        @Override
        public void process(Record record, Emitter emitter) throws RecordRejectedException {
            String machineId = RecordSupport.identifier(record, idField, "machine id", maxIdLength);
            if (machineId == null) {
                throw new RecordRejectedException("Field '" + idField + "' (the machine id) is missing");
            }
            long now = clock.getAsLong();
            long timestamp = Timestamps.epochMillis(record, TwinFields.TIMESTAMP, now, futureToleranceMillis);
            double[] values = new double[sensors.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = finiteOrMissing(record, sensors.get(i));
            }
            double anomaly = finiteOrMissing(record, TwinFields.ANOMALY_SCORE);
            if (!Double.isNaN(anomaly) && (anomaly < 0 || anomaly > 1)) {
                throw new RecordRejectedException(
                        "Field '" + TwinFields.ANOMALY_SCORE + "' must be between 0 and 1: " + anomaly);
            }
            boolean isMaintenance = RecordSupport.isMaintenance(record);

            Staged working = staged.get(machineId);
            if (working == null) {
                working = checkout(machineId);
            }
            MachineState state = working.state;
            HealthEngine.Outcome outcome =
                    engine.update(machineId, state, new Reading(timestamp, values, anomaly, isMaintenance), now);
            if (outcome.late()) {
                late++;
                throw new RecordRejectedException("Late record: timestamp " + timestamp + " is more than the Late"
                        + " Record Tolerance older than machine " + RecordSupport.shorten(machineId)
                        + "'s newest reading (" + Math.min(state.lastTimestamp(), now) + ")");
            }
            scored++;
            if (isMaintenance) {
                maintenance++;
            }
            Map<String, Object> health = new HashMap<>(4);
            health.put(TwinFields.HEALTH_SCORE, round2(outcome.health()));
            health.put(TwinFields.HEALTH_STATUS, outcome.status().name());
            health.put(TwinFields.TIME_TO_MAINTENANCE, outcome.timeToMaintenance()); // null when unknown
            emitter.emit(REL_SUCCESS, RecordSupport.enriched(outSchema, record, health));
            for (Alert alert : outcome.alerts()) {
                alerts++;
                emitter.emit(REL_ALERTS, alertRecord(alert));
            }
        }

        /** A private copy of the machine's committed state (a new state for an unknown machine). */
        private Staged checkout(String machineId) {
            Slot slot = machines.computeIfAbsent(machineId, Slot::new);
            MachineState copy;
            long version;
            slot.lock.lock();
            try {
                copy = slot.state == null ? engine.newState() : slot.state.copy();
                version = slot.version;
            } finally {
                slot.lock.unlock();
            }
            Staged working = new Staged(copy, version, slot);
            staged.put(machineId, working);
            return working;
        }

        @Override
        public void commit(ProcessSession session) {
            if (!staged.isEmpty()) {
                install();
                Map<String, String> checkpoint = new HashMap<>(machines.size() * 4 / 3 + 2);
                checkpoint.put(STATE_KEY_SENSORS, String.join(",", sensors));
                for (Slot slot : machines.values()) {
                    String encoded = slot.encoded;
                    if (encoded != null) {
                        checkpoint.put(slot.key, encoded);
                    }
                }
                try {
                    session.setState(checkpoint, Scope.LOCAL);
                } catch (IOException e) {
                    throw new ProcessException("Could not checkpoint the machine states", e);
                }
            }
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

        /** Installs the working copies, or throws (nothing installed) when another FlowFile got there first. */
        private void install() {
            int n = staged.size();
            Staged[] work = staged.values().toArray(Staged[]::new);
            String[] encoded = new String[n];
            for (int i = 0; i < n; i++) {
                encoded[i] = work[i].state.encode(); // outside any lock
            }
            // Take every touched machine's lock without blocking; on contention release them all and try again, so
            // no lock order is needed and two FlowFiles cannot deadlock.
            for (int attempt = 0; ; attempt++) {
                int locked = 0;
                while (locked < n && work[locked].slot.lock.tryLock()) {
                    locked++;
                }
                if (locked == n) {
                    try {
                        for (Staged w : work) {
                            if (w.slot.version != w.version) {
                                throw new RetryException("A machine of this FlowFile was updated by a concurrent task"
                                        + " meanwhile; the FlowFile is rolled back and processed again");
                            }
                        }
                        for (int i = 0; i < n; i++) {
                            Slot slot = work[i].slot;
                            slot.state = work[i].state;
                            slot.version++;
                            slot.encoded = encoded[i];
                        }
                    } finally {
                        for (Staged w : work) {
                            w.slot.lock.unlock();
                        }
                    }
                    return;
                }
                for (int i = 0; i < locked; i++) {
                    work[i].slot.lock.unlock();
                }
                if (attempt >= 10_000) {
                    throw new RetryException("Could not lock the machines of this FlowFile; it is processed again");
                }
                LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(1_000, 100_000));
            }
        }
    }

    /** A FlowFile's working copy of a machine's state and the committed version it was copied from. */
    private record Staged(MachineState state, long version, Slot slot) {}

    private static Record alertRecord(Alert alert) {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put(TwinFields.ALERT_ID, alert.alertId());
        values.put(TwinFields.MACHINE_ID, alert.machineId());
        values.put(TwinFields.TIMESTAMP, alert.timestamp());
        values.put(TwinFields.ALERT_SEVERITY, alert.severity().name());
        values.put(TwinFields.ALERT_EVENT, alert.event().name());
        values.put(TwinFields.ALERT_REASON, alert.reason());
        values.put(TwinFields.HEALTH_SCORE, round2(alert.healthScore()));
        values.put(TwinFields.TIME_TO_MAINTENANCE, alert.timeToMaintenance());
        return new MapRecord(ALERT_SCHEMA, values);
    }

    /** {@code v} rounded to two decimals; null when not finite (the writer could not write it). */
    private static Double round2(double v) {
        return Double.isFinite(v) ? Math.round(v * 100) / 100.0 : null;
    }

    /** The value of a numeric field; NaN when absent or null. Text, NaN and infinity reject the record. */
    private static double finiteOrMissing(Record record, String field) throws RecordRejectedException {
        Double value = RecordSupport.number(record, field);
        return value == null ? Double.NaN : value;
    }
}
