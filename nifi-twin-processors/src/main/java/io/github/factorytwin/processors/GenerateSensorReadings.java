package io.github.factorytwin.processors;

import io.github.factorytwin.records.TwinFields;
import io.github.factorytwin.simulator.FactorySimulator;
import io.github.factorytwin.simulator.FleetDefinition;
import io.github.factorytwin.simulator.FleetDefinitionException;
import io.github.factorytwin.simulator.Numbers;
import io.github.factorytwin.simulator.SensorRange;
import io.github.factorytwin.simulator.SimulatedReading;
import io.github.factorytwin.simulator.SimulationSettings;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.apache.nifi.annotation.behavior.InputRequirement;
import org.apache.nifi.annotation.behavior.Stateful;
import org.apache.nifi.annotation.behavior.TriggerSerially;
import org.apache.nifi.annotation.behavior.WritesAttribute;
import org.apache.nifi.annotation.behavior.WritesAttributes;
import org.apache.nifi.annotation.documentation.CapabilityDescription;
import org.apache.nifi.annotation.documentation.MultiProcessorUseCase;
import org.apache.nifi.annotation.documentation.ProcessorConfiguration;
import org.apache.nifi.annotation.documentation.Tags;
import org.apache.nifi.annotation.documentation.UseCase;
import org.apache.nifi.annotation.lifecycle.OnScheduled;
import org.apache.nifi.annotation.lifecycle.OnStopped;
import org.apache.nifi.components.PropertyDescriptor;
import org.apache.nifi.components.ValidationContext;
import org.apache.nifi.components.ValidationResult;
import org.apache.nifi.components.state.Scope;
import org.apache.nifi.flowfile.FlowFile;
import org.apache.nifi.flowfile.attributes.CoreAttributes;
import org.apache.nifi.processor.AbstractProcessor;
import org.apache.nifi.processor.ProcessContext;
import org.apache.nifi.processor.ProcessSession;
import org.apache.nifi.processor.Relationship;
import org.apache.nifi.processor.exception.ProcessException;
import org.apache.nifi.processor.util.StandardValidators;
import org.apache.nifi.schema.access.SchemaNotFoundException;
import org.apache.nifi.serialization.RecordSetWriter;
import org.apache.nifi.serialization.RecordSetWriterFactory;
import org.apache.nifi.serialization.SimpleRecordSchema;
import org.apache.nifi.serialization.WriteResult;
import org.apache.nifi.serialization.record.RecordField;
import org.apache.nifi.serialization.record.RecordFieldType;
import org.apache.nifi.serialization.record.RecordSchema;

@Tags({"simulator", "generate", "sensor", "iot", "digital twin", "predictive maintenance", "factory", "record"})
@InputRequirement(InputRequirement.Requirement.INPUT_FORBIDDEN)
@TriggerSerially
@CapabilityDescription("Simulates a factory floor and writes its machines' sensor readings (temperature, vibration,"
        + " RPM) as records with the configured Record Writer. The machines follow operating regimes (RPM"
        + " set-points) with temperature and vibration following the load, measurement noise, and wear that"
        + " progresses over simulated time to one of three failures with distinct signatures (bearing wear,"
        + " overheating, imbalance), followed by a maintenance event; sensors occasionally get stuck, drop out or"
        + " spike. Every record can carry its ground truth (state, failure mode, remaining useful life, sensor fault)"
        + " so detectors can be scored. Runs in real time or as fast as possible; a Random Seed makes runs"
        + " reproducible, and the simulated factory is kept in local state so a restart continues where it left"
        + " off (clear the state to start a new factory).")
@Stateful(
        scopes = Scope.LOCAL,
        description = "The whole simulated factory: the random seed, the simulated clock and, per machine (key"
                + " 'machine.<id>'), its random stream, operating regime, temperatures, wear schedule and failure mode,"
                + " and any sensor fault in progress. Saved with every FlowFile it produces, so a restart continues"
                + " the same factory; clearing the state starts a new factory.")
@WritesAttributes({
    @WritesAttribute(
            attribute = TwinFields.RECORD_COUNT_ATTRIBUTE,
            description = "The number of readings in the FlowFile."),
    @WritesAttribute(
            attribute = TwinFields.MIME_TYPE_ATTRIBUTE,
            description = "The MIME type given by the Record Writer."),
    @WritesAttribute(
            attribute = GenerateSensorReadings.MACHINE_COUNT_ATTRIBUTE,
            description = "The number of machines in the simulated fleet.")
})
@UseCase(
        description = "Feed the digital twin with a live simulated factory: one reading per machine every few seconds,"
                + " published to Kafka for ScoreAnomaly and ComputeHealthScore.",
        keywords = {"simulate", "factory", "live", "kafka", "sensor data"},
        configuration =
                """
                Set "Pacing" to "REAL_TIME" and "Reading Interval" to how often each machine reports (e.g. "2 sec").
                Set "Record Writer" to a JsonRecordSetWriter (schema from the record, one JSON object per line or an array).
                Set "Machine Count" and the sensor ranges, or paste a JSON fleet into "Fleet Definition".
                Set "Include Ground Truth" to "false" for production-like readings, or "true" to score detection later.
                Keep the run schedule at 0 sec: the processor yields while no reading is due.
                Connect "success" to PublishKafka with topic "sensor-data" and the record key "machine_id".
                """)
@UseCase(
        description = "Generate labelled history fast: days of simulated readings with ground truth, to train an"
                + " anomaly model or to measure how early failures are detected.",
        keywords = {"backfill", "training data", "labelled", "ground truth", "benchmark"},
        configuration =
                """
                Set "Pacing" to "AS_FAST_AS_POSSIBLE" and "Batch Size" to the readings per FlowFile (e.g. 10000).
                Set "Random Seed" to a number so the same history can be generated again.
                Set "Include Ground Truth" to "true": every reading carries state, failure_mode,
                remaining_useful_life and sensor_fault.
                Lower "Mean Time Between Failures" (e.g. "2 hours") to see more failures per simulated day.
                Stop the processor after the number of FlowFiles you need; clear its state to start over.
                """)
@MultiProcessorUseCase(
        description = "Run the whole predictive-maintenance digital twin: simulate (or receive) sensor readings, carry"
                + " them through Kafka, score them for anomalies, keep each machine's health, time to maintenance and"
                + " alerts, and index everything in Elasticsearch for the dashboards.",
        notes = "flows/factory-twin.json in the project is this flow, ready to import; its parameters are in the"
                + " 'Factory Twin' parameter context. Keep every connection first-in-first-out and key Kafka messages"
                + " by machine id, so that each machine's readings reach ScoreAnomaly and ComputeHealthScore in order.",
        keywords = {
            "digital twin",
            "predictive maintenance",
            "anomaly detection",
            "health score",
            "kafka",
            "elasticsearch"
        },
        configurations = {
            @ProcessorConfiguration(
                    processorClass = GenerateSensorReadings.class,
                    configuration =
                            """
                            Set "Pacing" to "REAL_TIME", "Reading Interval" to how often each machine reports (e.g.
                            "2 sec") and "Record Writer" to a JsonRecordSetWriter. From a plant, replace this
                            processor by whatever receives the readings and publishes them to the same topic.
                            Connect "success" to PublishKafka.
                            """),
            @ProcessorConfiguration(
                    processorClassName = "org.apache.nifi.kafka.processors.PublishKafka",
                    configuration =
                            """
                            Set "Topic Name" to the readings topic (e.g. "sensor-data") and "Message Key Field" to
                            "machine_id", so one machine's readings stay in one partition, in order.
                            """),
            @ProcessorConfiguration(
                    processorClassName = "org.apache.nifi.kafka.processors.ConsumeKafka",
                    configuration =
                            """
                            Set "Topics" to the readings topic, "Processing Strategy" to "RECORD" with a JsonTreeReader
                            and a JsonRecordSetWriter. Connect "success" to ScoreAnomaly.
                            """),
            @ProcessorConfiguration(
                    processorClass = ScoreAnomaly.class,
                    configuration =
                            """
                            Keep "Model Source" "LEARN_FROM_STREAM" (or point "Model File" to a model written by
                            TrainAnomalyModel) and set "State Directory" so a restart keeps what was learned.
                            Connect "success" to ComputeHealthScore, "anomalous" to PublishKafka (anomalies topic)
                            and PutElasticsearchRecord (anomalies index), "failure" to a dead-letter topic.
                            """),
            @ProcessorConfiguration(
                    processorClass = ComputeHealthScore.class,
                    configuration =
                            """
                            Keep "Sensor Fields" and "Operating Context Fields" as the readings carry them and set
                            "State Directory" to a directory of its own. Connect "success" to PutElasticsearchRecord
                            (readings index), "alerts" to PublishKafka (alerts topic) and PutElasticsearchRecord
                            (alerts index), "failure" to a dead-letter topic.
                            """),
            @ProcessorConfiguration(
                    processorClassName = "org.apache.nifi.processors.elasticsearch.PutElasticsearchRecord",
                    configuration =
                            """
                            One per index (readings, anomalies, alerts): set "Index" and a JsonTreeReader as "Record
                            Reader". The dashboards query these indices.
                            """)
        })
public class GenerateSensorReadings extends AbstractProcessor {

    public static final String MACHINE_COUNT_ATTRIBUTE = "twin.machine.count";

    public static final PropertyDescriptor RECORD_WRITER = new PropertyDescriptor.Builder()
            .name("Record Writer")
            .description("Writes the readings. The schema is given by this processor (machine_id, machine_type,"
                    + " timestamp as epoch milliseconds, temperature, vibration, rpm as nullable doubles, and the"
                    + " ground-truth fields when included); use the writer's 'Inherit Record Schema' strategy.")
            .identifiesControllerService(RecordSetWriterFactory.class)
            .required(true)
            .build();

    public static final PropertyDescriptor MACHINE_COUNT = new PropertyDescriptor.Builder()
            .name("Machine Count")
            .description("How many machines the factory has, named with the Machine ID Prefix and a number (M001,"
                    + " M002, ...) and given the types pump, compressor and motor in turn. Ignored when a Fleet"
                    + " Definition is set.")
            .required(true)
            .defaultValue("10")
            .addValidator(StandardValidators.createLongValidator(1, FleetDefinition.MAX_MACHINES, true))
            .build();

    public static final PropertyDescriptor MACHINE_ID_PREFIX = new PropertyDescriptor.Builder()
            .name("Machine ID Prefix")
            .description("Prefix of the generated machine ids: prefix 'M' gives M001, M002, ... Ignored when a Fleet"
                    + " Definition is set.")
            .required(true)
            .defaultValue("M")
            .addValidator(StandardValidators.NON_BLANK_VALIDATOR)
            .build();

    public static final PropertyDescriptor TEMPERATURE_MIN =
            range("Temperature Min", "60", "temperature", "deg C", "lower", -273.15, "Temperature Max");
    public static final PropertyDescriptor TEMPERATURE_MAX =
            range("Temperature Max", "100", "temperature", "deg C", "upper", -273.15, "Temperature Min");
    public static final PropertyDescriptor VIBRATION_MIN =
            range("Vibration Min", "0.1", "vibration", "mm/s RMS", "lower", 0.0, "Vibration Max");
    public static final PropertyDescriptor VIBRATION_MAX =
            range("Vibration Max", "1.5", "vibration", "mm/s RMS", "upper", 0.0, "Vibration Min");
    public static final PropertyDescriptor RPM_MIN =
            range("RPM Min", "1000", "shaft speed", "RPM", "lower", 0.0, "RPM Max");
    public static final PropertyDescriptor RPM_MAX =
            range("RPM Max", "5000", "shaft speed", "RPM", "upper", 0.0, "RPM Min");

    public static final PropertyDescriptor FLEET_DEFINITION = new PropertyDescriptor.Builder()
            .name("Fleet Definition")
            .description("Optional JSON describing each machine, used instead of Machine Count and Machine ID Prefix:"
                    + " {\"machines\":[{\"id\":\"M001\",\"type\":\"pump\",\"sensors\":{\"temperature\":{\"min\":60,"
                    + "\"max\":100},\"vibration\":{\"min\":0.1,\"max\":1.5},\"rpm\":{\"min\":1000,\"max\":5000}},"
                    + "\"failure_modes\":[\"bearing_wear\",\"overheating\",\"imbalance\"]}],\"interval_seconds\":2}."
                    + " Only 'id' is required: a missing type is assigned in turn (pump, compressor, motor), a missing"
                    + " range or bound takes the range properties above, missing failure_modes allow all three;"
                    + " 'interval_seconds', when given, overrides Reading Interval.")
            .required(false)
            .addValidator(StandardValidators.NON_BLANK_VALIDATOR)
            .build();

    public static final PropertyDescriptor READING_INTERVAL = new PropertyDescriptor.Builder()
            .name("Reading Interval")
            .description("Simulated time between two readings of the same machine. With Real Time pacing this is also"
                    + " wall-clock time.")
            .required(true)
            .defaultValue("2 sec")
            .addValidator(StandardValidators.createTimePeriodValidator(1, TimeUnit.MILLISECONDS, 1, TimeUnit.DAYS))
            .build();

    public static final PropertyDescriptor PACING = new PropertyDescriptor.Builder()
            .name("Pacing")
            .description("How simulated time advances: with the wall clock, or as fast as the processor can run.")
            .required(true)
            .allowableValues(Pacing.class)
            .defaultValue(Pacing.REAL_TIME)
            .build();

    public static final PropertyDescriptor MEAN_TIME_BETWEEN_FAILURES = new PropertyDescriptor.Builder()
            .name("Mean Time Between Failures")
            .description("Mean simulated operating time from a machine's (re)start to its next failure. The last part"
                    + " of each life (about 15-30% of this, depending on the failure mode) is the degrading phase in"
                    + " which the failure's signature shows. Must be at least ten Reading Intervals.")
            .required(true)
            .defaultValue("8 hours")
            .addValidator(StandardValidators.createTimePeriodValidator(1, TimeUnit.MILLISECONDS, 3650, TimeUnit.DAYS))
            .build();

    public static final PropertyDescriptor SENSOR_FAULT_PROBABILITY = new PropertyDescriptor.Builder()
            .name("Sensor Fault Probability")
            .description("Probability, per reading, that a sensor fault begins: a stuck value (10-60 readings), a"
                    + " dropout written as null (1-15 readings) or a single spike. Sensor faults are not machine"
                    + " failures. 0 disables them.")
            .required(true)
            .defaultValue("0.001")
            .addValidator(Validation.decimalRange(0.0, true, 1.0, true, "a probability per reading"))
            .build();

    public static final PropertyDescriptor INCLUDE_GROUND_TRUTH = new PropertyDescriptor.Builder()
            .name("Include Ground Truth")
            .description("Whether every reading carries the simulator's ground truth: state (normal, degrading,"
                    + " failed, maintenance), failure_mode, remaining_useful_life (simulated seconds until the coming"
                    + " failure) and sensor_fault. Set to false for production-like readings.")
            .required(true)
            .allowableValues("true", "false")
            .defaultValue("true")
            .build();

    public static final PropertyDescriptor RANDOM_SEED = new PropertyDescriptor.Builder()
            .name("Random Seed")
            .description("Seed of a new factory: the same seed and configuration give exactly the same readings"
                    + " (timestamps start at the time the factory is created). Empty: a random seed. The seed of a"
                    + " running factory is kept in state; clear the state for a change to take effect.")
            .required(false)
            .addValidator(StandardValidators.LONG_VALIDATOR)
            .build();

    public static final PropertyDescriptor BATCH_SIZE = new PropertyDescriptor.Builder()
            .name("Batch Size")
            .description("The most readings written to one FlowFile. As Fast As Possible writes exactly this many per"
                    + " run; Real Time writes what is due, up to this many.")
            .required(true)
            .defaultValue("1000")
            .addValidator(StandardValidators.createLongValidator(1, 1_000_000, true))
            .build();

    public static final Relationship REL_SUCCESS = new Relationship.Builder()
            .name("success")
            .description("FlowFiles of generated readings.")
            .build();

    private static final List<PropertyDescriptor> PROPERTIES = List.of(
            RECORD_WRITER,
            MACHINE_COUNT,
            MACHINE_ID_PREFIX,
            TEMPERATURE_MIN,
            TEMPERATURE_MAX,
            VIBRATION_MIN,
            VIBRATION_MAX,
            RPM_MIN,
            RPM_MAX,
            FLEET_DEFINITION,
            READING_INTERVAL,
            PACING,
            MEAN_TIME_BETWEEN_FAILURES,
            SENSOR_FAULT_PROBABILITY,
            INCLUDE_GROUND_TRUTH,
            RANDOM_SEED,
            BATCH_SIZE);

    /** The schema of the readings, with or without the ground-truth fields. */
    public static RecordSchema schema(boolean groundTruth) {
        List<RecordField> fields = new ArrayList<>(10);
        fields.add(new RecordField(TwinFields.MACHINE_ID, RecordFieldType.STRING.getDataType(), false));
        fields.add(new RecordField(TwinFields.MACHINE_TYPE, RecordFieldType.STRING.getDataType(), false));
        fields.add(new RecordField(TwinFields.TIMESTAMP, RecordFieldType.LONG.getDataType(), false));
        fields.add(new RecordField(TwinFields.TEMPERATURE, RecordFieldType.DOUBLE.getDataType(), true));
        fields.add(new RecordField(TwinFields.VIBRATION, RecordFieldType.DOUBLE.getDataType(), true));
        fields.add(new RecordField(TwinFields.RPM, RecordFieldType.DOUBLE.getDataType(), true));
        if (groundTruth) {
            fields.add(new RecordField(TwinFields.STATE, RecordFieldType.STRING.getDataType(), false));
            fields.add(new RecordField(TwinFields.FAILURE_MODE, RecordFieldType.STRING.getDataType(), false));
            fields.add(new RecordField(TwinFields.REMAINING_USEFUL_LIFE, RecordFieldType.LONG.getDataType(), false));
            fields.add(new RecordField(TwinFields.SENSOR_FAULT, RecordFieldType.STRING.getDataType(), false));
        }
        return new SimpleRecordSchema(fields);
    }

    /** Everything onTrigger needs, fixed when the processor is scheduled. */
    private record Configuration(
            SimulationSettings settings,
            Pacing pacing,
            int batchSize,
            boolean groundTruth,
            Long seed,
            RecordSchema schema,
            RecordValues.Names names,
            RecordSetWriterFactory writerFactory) {}

    private volatile Configuration configuration;
    /** The factory as last saved; reloaded from state when the saved generation differs (e.g. after a rollback). */
    private FactorySimulator simulator;

    @Override
    protected List<PropertyDescriptor> getSupportedPropertyDescriptors() {
        return PROPERTIES;
    }

    @Override
    public Set<Relationship> getRelationships() {
        return Set.of(REL_SUCCESS);
    }

    @Override
    protected Collection<ValidationResult> customValidate(ValidationContext context) {
        List<ValidationResult> results = new ArrayList<>();
        SensorRange temperature = checkRange(context, TEMPERATURE_MIN, TEMPERATURE_MAX, results);
        SensorRange vibration = checkRange(context, VIBRATION_MIN, VIBRATION_MAX, results);
        SensorRange rpm = checkRange(context, RPM_MIN, RPM_MAX, results);

        Long fleetInterval = null;
        String fleetJson = context.getProperty(FLEET_DEFINITION).getValue();
        if (fleetJson != null && !fleetJson.isBlank()) {
            if (temperature == null || vibration == null || rpm == null) {
                results.add(invalid(
                        FLEET_DEFINITION, fleetJson, "cannot be checked until the sensor range properties are valid"));
            } else {
                try {
                    fleetInterval = FleetDefinition.parse(fleetJson, temperature, vibration, rpm)
                            .intervalMillis();
                } catch (FleetDefinitionException e) {
                    for (String problem : e.problems()) {
                        results.add(invalid(FLEET_DEFINITION, fleetJson, problem));
                    }
                }
            }
        }

        try {
            long interval = fleetInterval != null
                    ? fleetInterval
                    : context.getProperty(READING_INTERVAL).asTimePeriod(TimeUnit.MILLISECONDS);
            long mtbf = context.getProperty(MEAN_TIME_BETWEEN_FAILURES).asTimePeriod(TimeUnit.MILLISECONDS);
            if (mtbf < 10 * interval) {
                results.add(invalid(
                        MEAN_TIME_BETWEEN_FAILURES,
                        context.getProperty(MEAN_TIME_BETWEEN_FAILURES).getValue(),
                        "Mean Time Between Failures (" + mtbf + " ms) must be at least ten reading intervals (10 x "
                                + interval + " ms) so that wear can show before a failure"));
            }
        } catch (RuntimeException e) {
            // An invalid time period is reported by the property's own validator.
        }
        return results;
    }

    private static SensorRange checkRange(
            ValidationContext context,
            PropertyDescriptor minProperty,
            PropertyDescriptor maxProperty,
            List<ValidationResult> results) {
        Double min = parse(context.getProperty(minProperty).getValue());
        Double max = parse(context.getProperty(maxProperty).getValue());
        if (min == null || max == null) {
            return null; // reported by the properties' validators
        }
        if (!(min < max)) {
            results.add(invalid(
                    minProperty,
                    context.getProperty(minProperty).getValue(),
                    minProperty.getName() + " " + Numbers.format(min) + " must be below " + maxProperty.getName() + " "
                            + Numbers.format(max)));
            return null;
        }
        return new SensorRange(min, max);
    }

    private static ValidationResult invalid(PropertyDescriptor property, String input, String explanation) {
        return Validation.result(property.getName(), input, explanation);
    }

    @OnScheduled
    public void onScheduled(ProcessContext context) {
        SensorRange temperature = rangeOf(context, TEMPERATURE_MIN, TEMPERATURE_MAX);
        SensorRange vibration = rangeOf(context, VIBRATION_MIN, VIBRATION_MAX);
        SensorRange rpm = rangeOf(context, RPM_MIN, RPM_MAX);
        String fleetJson = context.getProperty(FLEET_DEFINITION).getValue();
        FleetDefinition fleet = fleetJson == null || fleetJson.isBlank()
                ? FleetDefinition.simple(
                        context.getProperty(MACHINE_COUNT).asInteger(),
                        context.getProperty(MACHINE_ID_PREFIX).getValue(),
                        temperature,
                        vibration,
                        rpm)
                : FleetDefinition.parse(fleetJson, temperature, vibration, rpm);
        long interval = fleet.intervalMillis() != null
                ? fleet.intervalMillis()
                : context.getProperty(READING_INTERVAL).asTimePeriod(TimeUnit.MILLISECONDS);
        SimulationSettings settings = new SimulationSettings(
                fleet,
                interval,
                context.getProperty(MEAN_TIME_BETWEEN_FAILURES).asTimePeriod(TimeUnit.MILLISECONDS),
                Double.parseDouble(context.getProperty(SENSOR_FAULT_PROBABILITY).getValue()));
        boolean groundTruth = context.getProperty(INCLUDE_GROUND_TRUTH).asBoolean();
        RecordSchema schema = schema(groundTruth);
        configuration = new Configuration(
                settings,
                context.getProperty(PACING).asAllowableValue(Pacing.class),
                context.getProperty(BATCH_SIZE).asInteger(),
                groundTruth,
                context.getProperty(RANDOM_SEED).asLong(),
                schema,
                RecordValues.Names.of(schema.getFields()),
                context.getProperty(RECORD_WRITER).asControllerService(RecordSetWriterFactory.class));
        synchronized (this) {
            simulator = null; // read the state again: it may have been cleared while stopped
        }
    }

    @OnStopped
    public synchronized void onStopped() {
        simulator = null;
    }

    @Override
    public void onTrigger(ProcessContext context, ProcessSession session) throws ProcessException {
        // One factory: triggers are serialised (the simulator is not thread-safe and its clock is one sequence).
        synchronized (this) {
            Configuration config = configuration;
            FactorySimulator sim;
            try {
                sim = loadSimulator(session, config);
            } catch (IOException e) {
                throw new ProcessException("Could not read the simulator state", e);
            }
            boolean realTime = config.pacing() == Pacing.REAL_TIME;
            long now = System.currentTimeMillis();
            if (realTime) {
                long moved = sim.keepPaceWith(now);
                if (moved != 0) {
                    getLogger()
                            .info(
                                    "Simulated clock was {} ms {} the wall clock; moved the factory to now",
                                    Math.abs(moved),
                                    moved > 0 ? "behind" : "ahead of");
                }
                if (!sim.readingDue(now)) {
                    context.yield();
                    return;
                }
            }
            try {
                generate(session, config, sim, realTime ? now : Long.MAX_VALUE);
            } catch (RuntimeException | IOException | SchemaNotFoundException e) {
                simulator = null; // it advanced, but the state was not saved: reload on the next trigger
                throw e instanceof ProcessException pe ? pe : new ProcessException("Could not write readings", e);
            }
        }
    }

    private FactorySimulator loadSimulator(ProcessSession session, Configuration config) throws IOException {
        Map<String, String> state = session.getState(Scope.LOCAL).toMap();
        if (simulator == null || FactorySimulator.generationOf(state) != simulator.generation()) {
            long seed = config.seed() != null
                    ? config.seed()
                    : ThreadLocalRandom.current().nextLong();
            try {
                simulator = FactorySimulator.restore(config.settings(), state, seed, System.currentTimeMillis());
            } catch (IllegalArgumentException e) {
                getLogger().error("{}; starting a new factory", e.getMessage());
                simulator = FactorySimulator.create(config.settings(), seed, System.currentTimeMillis());
            }
        }
        return simulator;
    }

    private void generate(ProcessSession session, Configuration config, FactorySimulator sim, long until)
            throws IOException, SchemaNotFoundException {
        FlowFile flowFile = session.create();
        Map<String, String> attributes = new HashMap<>();
        RecordSchema schema = config.schema();
        RecordValues.Names names = config.names();
        RecordSetWriterFactory writerFactory = config.writerFactory();
        RecordSchema writeSchema = writerFactory.getSchema(attributes, schema);
        boolean groundTruth = config.groundTruth();
        int batchSize = config.batchSize();
        SimulatedReading reading = new SimulatedReading();
        int written = 0;
        WriteResult result;
        String mimeType;
        try (OutputStream out = session.write(flowFile);
                RecordSetWriter writer = writerFactory.createWriter(getLogger(), writeSchema, out, attributes)) {
            writer.beginRecordSet();
            while (written < batchSize && sim.nextTimestamp() <= until) {
                sim.next(reading);
                writer.write(RecordValues.record(schema, names, values(reading, groundTruth)));
                written++;
            }
            result = writer.finishRecordSet();
            mimeType = writer.getMimeType();
        } catch (IOException | SchemaNotFoundException | RuntimeException e) {
            session.remove(flowFile);
            throw e;
        }
        attributes.putAll(result.getAttributes());
        attributes.put(TwinFields.RECORD_COUNT_ATTRIBUTE, String.valueOf(result.getRecordCount()));
        attributes.put(CoreAttributes.MIME_TYPE.key(), mimeType);
        attributes.put(MACHINE_COUNT_ATTRIBUTE, String.valueOf(sim.machineCount()));
        flowFile = session.putAllAttributes(flowFile, attributes);
        session.setState(sim.toState(), Scope.LOCAL);
        session.transfer(flowFile, REL_SUCCESS);
        session.adjustCounter("Readings Generated", written, false);
    }

    /** The record values of one reading, in the order of {@link #schema} (a dropped-out sensor is null). */
    static Object[] values(SimulatedReading reading, boolean groundTruth) {
        Object[] values = new Object[groundTruth ? 10 : 6];
        values[0] = reading.machineId();
        values[1] = reading.machineType();
        values[2] = reading.timestamp();
        values[3] = orNull(reading.temperature());
        values[4] = orNull(reading.vibration());
        values[5] = orNull(reading.rpm());
        if (groundTruth) {
            values[6] = reading.condition().token();
            values[7] = reading.failureMode().token();
            values[8] = reading.remainingUsefulLifeSeconds();
            values[9] = reading.sensorFault().token();
        }
        return values;
    }

    private static Double orNull(double value) {
        return Double.isNaN(value) ? null : value;
    }

    // ---- property helpers ----

    private static PropertyDescriptor range(
            String name, String defaultValue, String quantity, String unit, String bound, double lowest, String other) {
        return new PropertyDescriptor.Builder()
                .name(name)
                .description("The " + bound + " end of the normal operating range of " + quantity + " (" + unit
                        + ") of every machine, and the default for machines of a Fleet Definition that do not give"
                        + " their own. A healthy machine stays within the range; degradation and sensor faults leave"
                        + " it. Must be " + ("lower".equals(bound) ? "below " : "above ") + other + ".")
                .required(true)
                .defaultValue(defaultValue)
                .addValidator(Validation.decimalRange(
                        lowest,
                        true,
                        Double.POSITIVE_INFINITY,
                        false,
                        lowest < 0 ? "no temperature is below absolute zero" : quantity + " cannot be negative"))
                .build();
    }

    /** A finite number, or null when the value is not one (the property's validator reports it). */
    private static Double parse(String value) {
        if (value == null) {
            return null;
        }
        try {
            double parsed = Double.parseDouble(value.trim());
            return Double.isFinite(parsed) ? parsed : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static SensorRange rangeOf(ProcessContext context, PropertyDescriptor min, PropertyDescriptor max) {
        return new SensorRange(
                Double.parseDouble(context.getProperty(min).getValue().trim()),
                Double.parseDouble(context.getProperty(max).getValue().trim()));
    }
}
