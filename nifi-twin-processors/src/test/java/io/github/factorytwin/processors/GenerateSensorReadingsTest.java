package io.github.factorytwin.processors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.factorytwin.records.TwinFields;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.nifi.components.ValidationResult;
import org.apache.nifi.components.state.Scope;
import org.apache.nifi.json.JsonRecordSetWriter;
import org.apache.nifi.reporting.InitializationException;
import org.apache.nifi.util.MockFlowFile;
import org.apache.nifi.util.TestRunner;
import org.apache.nifi.util.TestRunners;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class GenerateSensorReadingsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private TestRunner runner;

    @BeforeEach
    void setUp() {
        runner = newRunner();
    }

    private TestRunner newRunner() {
        GenerateSensorReadings processor = new GenerateSensorReadings();
        TestRunner newRunner = TestRunners.newTestRunner(processor);
        try {
            JsonRecordSetWriter writer = new JsonRecordSetWriter();
            newRunner.addControllerService("writer", writer);
            newRunner.enableControllerService(writer);
        } catch (InitializationException e) {
            throw new IllegalStateException(e);
        }
        newRunner.setProperty(GenerateSensorReadings.RECORD_WRITER, "writer");
        return newRunner;
    }

    private static void fast(TestRunner runner, int batchSize) {
        runner.setProperty(GenerateSensorReadings.PACING, Pacing.AS_FAST_AS_POSSIBLE);
        runner.setProperty(GenerateSensorReadings.BATCH_SIZE, String.valueOf(batchSize));
        runner.setProperty(GenerateSensorReadings.RANDOM_SEED, "42");
    }

    /** Runs the processor {@code triggers} times and parses every record it wrote, in order. */
    private static List<JsonNode> records(TestRunner runner, int triggers) {
        runner.clearTransferState();
        runner.run(triggers);
        List<JsonNode> records = new ArrayList<>();
        for (MockFlowFile flowFile : runner.getFlowFilesForRelationship(GenerateSensorReadings.REL_SUCCESS)) {
            records.addAll(parse(flowFile));
        }
        return records;
    }

    private static List<JsonNode> parse(MockFlowFile flowFile) {
        try {
            JsonNode array = JSON.readTree(flowFile.getContent());
            assertTrue(array.isArray(), "JsonRecordSetWriter writes an array");
            List<JsonNode> records = new ArrayList<>(array.size());
            array.forEach(records::add);
            return records;
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static Map<String, List<JsonNode>> byMachine(List<JsonNode> records) {
        return records.stream()
                .collect(Collectors.groupingBy(
                        r -> r.get(TwinFields.MACHINE_ID).asText(), LinkedHashMap::new, Collectors.toList()));
    }

    /** Asserts that a new factory's first tick is the tick of the wall clock between {@code before} and now. */
    private static void assertStartedNow(long before, JsonNode first, long intervalMillis) {
        long timestamp = first.get(TwinFields.TIMESTAMP).asLong();
        long after = System.currentTimeMillis();
        assertTrue(
                timestamp > before - intervalMillis && timestamp <= after,
                "a new factory, started at the wall clock: " + timestamp + " not in (" + (before - intervalMillis)
                        + ", " + after + "]");
    }

    private static String text(JsonNode record, String field) {
        return record.get(field).asText();
    }

    // ---------------------------------------------------------------------------------------------------------

    @Test
    void writesOneTypedRecordPerMachinePerTickWithAttributes() {
        fast(runner, 25);
        runner.run();
        runner.assertAllFlowFilesTransferred(GenerateSensorReadings.REL_SUCCESS, 1);
        MockFlowFile flowFile = runner.getFlowFilesForRelationship(GenerateSensorReadings.REL_SUCCESS)
                .get(0);
        flowFile.assertAttributeEquals("record.count", "25");
        flowFile.assertAttributeEquals("mime.type", "application/json");
        flowFile.assertAttributeEquals("twin.machine.count", "10");

        List<JsonNode> records = parse(flowFile);
        assertEquals(25, records.size());
        long start = records.get(0).get(TwinFields.TIMESTAMP).asLong();
        for (int i = 0; i < records.size(); i++) {
            JsonNode record = records.get(i);
            assertEquals(String.format("M%03d", i % 10 + 1), text(record, TwinFields.MACHINE_ID));
            assertEquals(List.of("pump", "compressor", "motor").get(i % 10 % 3), text(record, TwinFields.MACHINE_TYPE));
            assertTrue(record.get(TwinFields.TIMESTAMP).isIntegralNumber(), "timestamp is a long");
            assertEquals(
                    start + (i / 10) * 2_000L, record.get(TwinFields.TIMESTAMP).asLong());
            for (String sensor : List.of(TwinFields.TEMPERATURE, TwinFields.VIBRATION, TwinFields.RPM)) {
                JsonNode value = record.get(sensor);
                assertTrue(value.isNull() || value.isNumber(), sensor + " is a number: " + record);
            }
            assertTrue(record.get(TwinFields.REMAINING_USEFUL_LIFE).isIntegralNumber());
            assertEquals(
                    Set.of(
                            "machine_id",
                            "machine_type",
                            "timestamp",
                            "temperature",
                            "vibration",
                            "rpm",
                            "state",
                            "failure_mode",
                            "remaining_useful_life",
                            "sensor_fault"),
                    fieldNames(record));
        }
    }

    private static Set<String> fieldNames(JsonNode record) {
        Set<String> names = new TreeSet<>();
        record.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void groundTruthOffRemovesTheGroundTruthFields() {
        fast(runner, 100);
        runner.setProperty(GenerateSensorReadings.INCLUDE_GROUND_TRUTH, "false");
        for (JsonNode record : records(runner, 1)) {
            assertEquals(
                    Set.of("machine_id", "machine_type", "timestamp", "temperature", "vibration", "rpm"),
                    fieldNames(record));
        }
    }

    @Test
    void healthyMachinesStayWithinTheConfiguredRanges() {
        fast(runner, 10_000);
        runner.setProperty(GenerateSensorReadings.TEMPERATURE_MIN, "40");
        runner.setProperty(GenerateSensorReadings.TEMPERATURE_MAX, "70");
        runner.setProperty(GenerateSensorReadings.VIBRATION_MIN, "0.5");
        runner.setProperty(GenerateSensorReadings.VIBRATION_MAX, "4");
        runner.setProperty(GenerateSensorReadings.RPM_MIN, "600");
        runner.setProperty(GenerateSensorReadings.RPM_MAX, "1800");
        int normal = 0;
        int outside = 0;
        double temperatureSum = 0;
        for (JsonNode r : records(runner, 10)) {
            if (!"normal".equals(text(r, TwinFields.STATE)) || !"none".equals(text(r, TwinFields.SENSOR_FAULT))) {
                continue;
            }
            normal++;
            double t = r.get(TwinFields.TEMPERATURE).asDouble();
            double v = r.get(TwinFields.VIBRATION).asDouble();
            double rpm = r.get(TwinFields.RPM).asDouble();
            temperatureSum += t;
            if (t < 40 || t > 70 || v < 0.5 || v > 4 || rpm < 600 || rpm > 1800) {
                outside++;
            }
        }
        assertTrue(normal > 50_000, "most readings are normal: " + normal);
        assertTrue(outside <= normal / 1000, outside + " of " + normal + " normal readings outside the ranges");
        double meanTemperature = temperatureSum / normal;
        assertTrue(meanTemperature > 45 && meanTemperature < 65, "mean temperature " + meanTemperature);
    }

    @Test
    void aSeedMakesTheOutputExactlyReproducibleWhateverTheBatchSize() {
        fast(runner, 1_000);
        List<JsonNode> once = sinceStart(records(runner, 3));

        TestRunner again = newRunner();
        fast(again, 100);
        List<JsonNode> inSmallBatches = sinceStart(records(again, 30));
        assertEquals(once, inSmallBatches);

        TestRunner otherSeed = newRunner();
        fast(otherSeed, 1_000);
        otherSeed.setProperty(GenerateSensorReadings.RANDOM_SEED, "43");
        assertNotEquals(once, sinceStart(records(otherSeed, 3)));
    }

    /**
     * The records with their timestamps counted from the first one's: a new factory starts at the wall clock, which
     * moves between two runners; everything else is the seed's.
     */
    private static List<JsonNode> sinceStart(List<JsonNode> records) {
        long start = records.get(0).get(TwinFields.TIMESTAMP).asLong();
        List<JsonNode> relative = new ArrayList<>(records.size());
        for (JsonNode record : records) {
            com.fasterxml.jackson.databind.node.ObjectNode copy =
                    ((com.fasterxml.jackson.databind.node.ObjectNode) record).deepCopy();
            copy.put(TwinFields.TIMESTAMP, record.get(TwinFields.TIMESTAMP).asLong() - start);
            relative.add(copy);
        }
        return relative;
    }

    @Test
    void stateSurvivesARestartOfTheProcessor() throws IOException {
        fast(runner, 5_000);
        runner.setProperty(GenerateSensorReadings.SENSOR_FAULT_PROBABILITY, "0.01");
        // The reference: one processor, never restarted. The others start from its first saved factory (a new
        // factory starts at the wall clock, which moves between two runners).
        runner.run(1, false, true);
        Map<String, String> started =
                runner.getStateManager().getState(Scope.LOCAL).toMap();
        runner.run(7, true, false);
        List<JsonNode> straight = new ArrayList<>();
        for (MockFlowFile flowFile : runner.getFlowFilesForRelationship(GenerateSensorReadings.REL_SUCCESS)) {
            straight.addAll(parse(flowFile));
        }
        assertEquals(8 * 5_000, straight.size());

        TestRunner before = newRunner();
        fast(before, 5_000);
        before.setProperty(GenerateSensorReadings.SENSOR_FAULT_PROBABILITY, "0.01");
        before.getStateManager().setState(started, Scope.LOCAL);
        List<JsonNode> resumed = new ArrayList<>(straight.subList(0, 5_000));
        resumed.addAll(records(before, 4));
        Map<String, String> saved =
                before.getStateManager().getState(Scope.LOCAL).toMap();
        assertFalse(saved.isEmpty(), "state saved");

        TestRunner after = newRunner();
        fast(after, 5_000);
        after.setProperty(GenerateSensorReadings.RANDOM_SEED, "7"); // only a new factory would use it
        after.setProperty(GenerateSensorReadings.SENSOR_FAULT_PROBABILITY, "0.01");
        after.getStateManager().setState(saved, Scope.LOCAL);
        resumed.addAll(records(after, 3));
        assertEquals(straight.size(), resumed.size());
        assertEquals(straight, resumed, "clock, wear and random streams continue exactly");

        // Clearing the state starts a new factory, at the current wall clock.
        after.getStateManager().clear(Scope.LOCAL);
        long cleared = System.currentTimeMillis();
        List<JsonNode> fresh = records(after, 1);
        assertStartedNow(cleared, fresh.get(0), 2_000);
    }

    @Test
    void aFlowFileWhoseSessionDidNotCommitIsGeneratedAgain() throws IOException {
        fast(runner, 100);
        runner.run(1, false, true); // scheduled once, stays scheduled: the simulator stays in memory
        long start = parse(runner.getFlowFilesForRelationship(GenerateSensorReadings.REL_SUCCESS)
                        .get(0))
                .get(0)
                .get(TwinFields.TIMESTAMP)
                .asLong();
        Map<String, String> committed =
                runner.getStateManager().getState(Scope.LOCAL).toMap();
        runner.clearTransferState();
        runner.run(1, false, false);
        List<JsonNode> lost = parse(runner.getFlowFilesForRelationship(GenerateSensorReadings.REL_SUCCESS)
                .get(0));

        // That session was rolled back (e.g. its commit failed): the saved state is still the previous one.
        runner.getStateManager().setState(committed, Scope.LOCAL);
        runner.clearTransferState();
        runner.run(1, false, false);
        List<JsonNode> retried = parse(runner.getFlowFilesForRelationship(GenerateSensorReadings.REL_SUCCESS)
                .get(0));
        assertEquals(lost, retried, "the readings of the lost FlowFile are not skipped");
        assertEquals(
                start + 10 * 2_000L, retried.get(0).get(TwinFields.TIMESTAMP).asLong());
    }

    @Test
    void aCorruptStateStartsANewFactoryInsteadOfFailingForever() throws IOException {
        fast(runner, 10);
        runner.getStateManager()
                .setState(Map.of("version", "1", "seed", "1", "clock", "soon", "cursor", "0"), Scope.LOCAL);
        long before = System.currentTimeMillis();
        List<JsonNode> records = records(runner, 1);
        assertEquals(10, records.size());
        assertStartedNow(before, records.get(0), 2_000);
        assertTrue(
                runner.getLogger().getErrorMessages().stream()
                        .anyMatch(m -> m.getMsg().contains("Saved simulator state is corrupt")),
                "the operator is told");
        assertEquals("1", runner.getStateManager().getState(Scope.LOCAL).get("generation"), "the new one is saved");
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(
            strings = {"-1", "-9223372036854775808", "253402300800000", "9223372036854775807"})
    void aSavedClockOutside1970To9999RestartsTheFactoryFromNow(String clock) throws IOException {
        fast(runner, 10);
        List<JsonNode> first = records(runner, 1);
        Map<String, String> saved = new java.util.HashMap<>(
                runner.getStateManager().getState(Scope.LOCAL).toMap());
        saved.put("clock", clock);
        saved.put("generation", "99");
        runner.getStateManager().setState(saved, Scope.LOCAL);
        runner.clearTransferState();
        long before = System.currentTimeMillis();
        runner.run(1, false, false);
        List<JsonNode> records = parse(runner.getFlowFilesForRelationship(GenerateSensorReadings.REL_SUCCESS)
                .get(0));
        assertEquals(10, first.size());
        assertStartedNow(before, records.get(0), 2_000);
        assertTrue(
                runner.getLogger().getErrorMessages().stream()
                        .anyMatch(m -> m.getMsg().contains("outside 1970..9999")),
                "the operator is told");
    }

    // Real-time pacing's catching up, gap skipping and realignment are FactorySimulatorTest's (NiFi-free, with the
    // wall clock as an argument); here: that the processor applies them to the real wall clock.

    @Test
    void realTimeWritesWhatIsDueAndYieldsOtherwise() {
        runner.setProperty(GenerateSensorReadings.MACHINE_COUNT, "3");
        runner.setProperty(GenerateSensorReadings.RANDOM_SEED, "1");
        runner.setProperty(GenerateSensorReadings.READING_INTERVAL, "1 day"); // the next tick is surely not due
        runner.setProperty(GenerateSensorReadings.MEAN_TIME_BETWEEN_FAILURES, "100 days"); // at least ten intervals

        long before = System.currentTimeMillis();
        List<JsonNode> first = records(runner, 1);
        assertEquals(3, first.size(), "one reading per machine");
        assertStartedNow(before, first.get(0), 86_400_000L);
        assertFalse(runner.isYieldCalled());

        List<JsonNode> nothingDue = records(runner, 1);
        assertEquals(0, nothingDue.size());
        assertTrue(runner.isYieldCalled(), "yields instead of spinning");
    }

    @Test
    void realTimeAfterRunningAheadContinuesAtTheWallClock() {
        fast(runner, 30_000); // 10 machines x 3000 ticks: the simulated clock is 100 minutes ahead
        records(runner, 1);
        runner.setProperty(GenerateSensorReadings.PACING, Pacing.REAL_TIME);
        long before = System.currentTimeMillis();
        List<JsonNode> now = records(runner, 1);
        assertEquals(10, now.size(), "does not wait 100 minutes for the wall clock");
        assertStartedNow(before, now.get(0), 2_000);
        assertTrue(
                runner.getLogger().getInfoMessages().stream()
                        .anyMatch(m -> m.getMsg().contains("ahead of the wall clock")),
                "the operator is told");
    }

    @Test
    void realTimeBatchSizeLimitsAFlowFile() throws IOException {
        runner.setProperty(GenerateSensorReadings.MACHINE_COUNT, "4");
        runner.setProperty(GenerateSensorReadings.BATCH_SIZE, "6");
        runner.setProperty(GenerateSensorReadings.READING_INTERVAL, "1 sec");
        records(runner, 1);
        // The saved factory 10 s behind the wall clock (within the catch-up tolerance): its due readings are caught up.
        Map<String, String> saved = new java.util.HashMap<>(
                runner.getStateManager().getState(Scope.LOCAL).toMap());
        saved.put("clock", String.valueOf(System.currentTimeMillis() / 1_000 * 1_000 - 10_000));
        saved.put("cursor", "0");
        saved.put("generation", "99");
        runner.getStateManager().setState(saved, Scope.LOCAL);
        runner.clearTransferState();
        runner.run(20);
        List<Integer> sizes = runner.getFlowFilesForRelationship(GenerateSensorReadings.REL_SUCCESS).stream()
                .map(f -> Integer.parseInt(f.getAttribute("record.count")))
                .toList();
        int total = sizes.stream().mapToInt(Integer::intValue).sum();
        assertTrue(total >= 40 && total % 4 == 0, "ten or more due ticks of four machines: " + sizes);
        assertTrue(sizes.stream().allMatch(size -> size <= 6), "FlowFiles of at most 6: " + sizes);
        assertEquals(6, (int) sizes.get(0), "full FlowFiles while more is due: " + sizes);
    }

    // ---- failure modes -------------------------------------------------------------------------------------

    private static final String FLEET =
            """
            {"machines": [
              {"id": "B1", "type": "pump", "failure_modes": ["bearing_wear"]},
              {"id": "B2", "type": "motor", "failure_modes": ["bearing_wear"]},
              {"id": "O1", "type": "pump", "failure_modes": ["overheating"]},
              {"id": "O2", "type": "compressor", "failure_modes": ["overheating"]},
              {"id": "I1", "type": "pump", "failure_modes": ["imbalance"]},
              {"id": "I2", "type": "motor", "failure_modes": ["imbalance"]}],
             "interval_seconds": 10}
            """;

    private static Map<String, List<JsonNode>> twoDays;

    /** Two simulated days of the six-machine fleet, MTBF 2 hours, no sensor faults (generated once). */
    private synchronized Map<String, List<JsonNode>> twoDaysOfFailures() {
        if (twoDays == null) {
            fast(runner, 10_000);
            runner.setProperty(GenerateSensorReadings.FLEET_DEFINITION, FLEET);
            runner.setProperty(GenerateSensorReadings.MEAN_TIME_BETWEEN_FAILURES, "2 hours");
            runner.setProperty(GenerateSensorReadings.SENSOR_FAULT_PROBABILITY, "0");
            twoDays = byMachine(records(runner, 11)); // 6 machines x 8640 ticks / 10000 per batch
        }
        return twoDays;
    }

    /**
     * The degrading phases that were seen from their start to the failure: each a list of (wear 0..1, record),
     * wear being the elapsed fraction of the phase according to the ground truth's remaining useful life.
     */
    private static List<List<Object[]>> degradingPhases(List<JsonNode> machine) {
        List<List<Object[]>> phases = new ArrayList<>();
        List<JsonNode> current = null;
        String previous = null;
        for (JsonNode r : machine) {
            String state = text(r, TwinFields.STATE);
            if ("degrading".equals(state) && current == null && ("normal".equals(previous))) {
                current = new ArrayList<>();
            }
            if (current != null) {
                if ("degrading".equals(state)) {
                    current.add(r);
                } else if ("failed".equals(state)) {
                    long length =
                            current.get(0).get(TwinFields.REMAINING_USEFUL_LIFE).asLong();
                    List<Object[]> phase = new ArrayList<>();
                    for (JsonNode d : current) {
                        double wear =
                                1.0 - d.get(TwinFields.REMAINING_USEFUL_LIFE).asDouble() / length;
                        phase.add(new Object[] {wear, d});
                    }
                    phases.add(phase);
                    current = null;
                } else {
                    current = null;
                }
            }
            previous = state;
        }
        return phases;
    }

    /** Normal-state baseline of {@code field} as a straight line in rpm: {intercept, slope}. */
    private static double[] baseline(List<JsonNode> machine, String field) {
        List<double[]> points = new ArrayList<>();
        for (JsonNode r : machine) {
            if ("normal".equals(text(r, TwinFields.STATE))) {
                points.add(new double[] {
                    r.get(TwinFields.RPM).asDouble(), r.get(field).asDouble()
                });
            }
        }
        return fit(points);
    }

    private static double[] fit(List<double[]> points) {
        double n = points.size();
        double sx = 0, sy = 0, sxx = 0, sxy = 0;
        for (double[] p : points) {
            sx += p[0];
            sy += p[1];
            sxx += p[0] * p[0];
            sxy += p[0] * p[1];
        }
        double slope = (n * sxy - sx * sy) / (n * sxx - sx * sx);
        return new double[] {(sy - slope * sx) / n, slope};
    }

    private static double correlation(List<double[]> points) {
        double n = points.size();
        double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;
        for (double[] p : points) {
            sx += p[0];
            sy += p[1];
            sxx += p[0] * p[0];
            syy += p[1] * p[1];
            sxy += p[0] * p[1];
        }
        return (n * sxy - sx * sy) / Math.sqrt((n * sxx - sx * sx) * (n * syy - sy * sy));
    }

    /** Mean excess of {@code field} over its normal baseline for the records with wear in [from, to). */
    private static double meanExcess(
            List<List<Object[]>> phases, double[] baseline, String field, double from, double to) {
        double sum = 0;
        int n = 0;
        for (List<Object[]> phase : phases) {
            for (Object[] point : phase) {
                double wear = (double) point[0];
                if (wear >= from && wear < to) {
                    JsonNode r = (JsonNode) point[1];
                    sum += r.get(field).asDouble()
                            - (baseline[0] + baseline[1] * r.get(TwinFields.RPM).asDouble());
                    n++;
                }
            }
        }
        assertTrue(n > 20, "enough readings between wear " + from + " and " + to + ": " + n);
        return sum / n;
    }

    @Test
    void bearingWearRaisesVibrationSlowlyThenFastBeforeTheFailure() {
        Map<String, List<JsonNode>> machines = twoDaysOfFailures();
        for (String id : List.of("B1", "B2")) {
            List<JsonNode> machine = machines.get(id);
            List<List<Object[]>> phases = degradingPhases(machine);
            assertTrue(phases.size() >= 3, id + " failed several times: " + phases.size());
            phases.forEach(p -> assertEquals("bearing_wear", text((JsonNode) p.get(0)[1], TwinFields.FAILURE_MODE)));
            double[] vibration = baseline(machine, TwinFields.VIBRATION);
            double early = meanExcess(phases, vibration, TwinFields.VIBRATION, 0.0, 0.25);
            double middle = meanExcess(phases, vibration, TwinFields.VIBRATION, 0.4, 0.6);
            double late = meanExcess(phases, vibration, TwinFields.VIBRATION, 0.85, 1.0);
            // Vibration range 0.1..1.5 mm/s: the late excess alone exceeds the range; the rise accelerates.
            assertTrue(late > 1.0, id + " late excess vibration " + late);
            assertTrue(early < 0.1, id + " early excess vibration " + early);
            assertTrue(
                    middle - early < 0.25 * (late - early),
                    id + ": slowly then fast: " + early + " " + middle + " " + late);
            double[] temperature = baseline(machine, TwinFields.TEMPERATURE);
            assertTrue(
                    meanExcess(phases, temperature, TwinFields.TEMPERATURE, 0.85, 1.0) < 8,
                    id + ": bearing wear is a vibration failure, not a temperature one");
        }
    }

    @Test
    void overheatingDriftsTheTemperatureBeforeTheFailure() {
        Map<String, List<JsonNode>> machines = twoDaysOfFailures();
        for (String id : List.of("O1", "O2")) {
            List<JsonNode> machine = machines.get(id);
            List<List<Object[]>> phases = degradingPhases(machine);
            assertTrue(phases.size() >= 3, id + " failed several times: " + phases.size());
            double[] temperature = baseline(machine, TwinFields.TEMPERATURE);
            double early = meanExcess(phases, temperature, TwinFields.TEMPERATURE, 0.0, 0.2);
            double middle = meanExcess(phases, temperature, TwinFields.TEMPERATURE, 0.4, 0.6);
            double late = meanExcess(phases, temperature, TwinFields.TEMPERATURE, 0.8, 1.0);
            // Temperature range 60..100: a drift of more than a third of the range before the failure (the
            // compressor's thermal inertia lags the drift a little).
            assertTrue(late > 15, id + " late excess temperature " + late);
            assertTrue(early < 5, id + " early excess temperature " + early);
            assertTrue(early < middle && middle < late, id + " drifts up: " + early + " " + middle + " " + late);
            double[] vibration = baseline(machine, TwinFields.VIBRATION);
            assertTrue(
                    Math.abs(meanExcess(phases, vibration, TwinFields.VIBRATION, 0.8, 1.0)) < 0.1,
                    id + ": overheating leaves vibration alone");
        }
    }

    @Test
    void imbalanceAddsVibrationProportionalToRpmSquaredBeforeTheFailure() {
        Map<String, List<JsonNode>> machines = twoDaysOfFailures();
        for (String id : List.of("I1", "I2")) {
            List<JsonNode> machine = machines.get(id);
            List<List<Object[]>> phases = degradingPhases(machine);
            assertTrue(phases.size() >= 3, id + " failed several times: " + phases.size());
            double[] vibration = baseline(machine, TwinFields.VIBRATION);
            // Excess vibration over the healthy baseline against wear x rpm^2: a straight line through zero.
            List<double[]> againstRpmSquared = new ArrayList<>();
            List<double[]> againstWear = new ArrayList<>();
            for (List<Object[]> phase : phases) {
                for (Object[] point : phase) {
                    double wear = (double) point[0];
                    JsonNode r = (JsonNode) point[1];
                    double rpm = r.get(TwinFields.RPM).asDouble();
                    double excess = r.get(TwinFields.VIBRATION).asDouble() - (vibration[0] + vibration[1] * rpm);
                    againstRpmSquared.add(new double[] {wear * rpm * rpm, excess});
                    againstWear.add(new double[] {wear, excess});
                }
            }
            double rpmSquared = correlation(againstRpmSquared);
            double wearOnly = correlation(againstWear);
            assertTrue(rpmSquared > 0.9, id + ": excess vibration ~ wear x rpm^2, r = " + rpmSquared);
            assertTrue(
                    rpmSquared > wearOnly + 0.05,
                    id + ": RPM explains the vibration beyond wear alone, r = " + rpmSquared + " vs " + wearOnly);
            assertTrue(meanExcess(phases, vibration, TwinFields.VIBRATION, 0.8, 1.0) > 0.3, id + " late excess");
        }
    }

    @Test
    void aFailureIsFollowedByOneMaintenanceEventAndAHealthyMachine() {
        Map<String, List<JsonNode>> machines = twoDaysOfFailures();
        int maintenanceEvents = 0;
        for (List<JsonNode> machine : machines.values()) {
            for (int i = 1; i < machine.size() - 1; i++) {
                JsonNode r = machine.get(i);
                String state = text(r, TwinFields.STATE);
                String previous = text(machine.get(i - 1), TwinFields.STATE);
                if ("failed".equals(state)) {
                    assertEquals(0, r.get(TwinFields.REMAINING_USEFUL_LIFE).asLong());
                    assertNotEquals("none", text(r, TwinFields.FAILURE_MODE));
                    assertTrue(Set.of("degrading", "failed").contains(previous), "failure after " + previous);
                }
                if ("maintenance".equals(state)) {
                    maintenanceEvents++;
                    assertEquals("failed", previous, "maintenance follows a failure");
                    assertEquals(
                            text(machine.get(i - 1), TwinFields.FAILURE_MODE),
                            text(r, TwinFields.FAILURE_MODE),
                            "the maintenance record names the repaired failure");
                    JsonNode next = machine.get(i + 1);
                    assertEquals("normal", text(next, TwinFields.STATE), "healthy after the repair");
                    assertEquals("none", text(next, TwinFields.FAILURE_MODE));
                    assertEquals(
                            r.get(TwinFields.REMAINING_USEFUL_LIFE).asLong() - 10,
                            next.get(TwinFields.REMAINING_USEFUL_LIFE).asLong(),
                            "a new life counting down in simulated seconds");
                }
            }
        }
        assertTrue(maintenanceEvents >= 6 * 10, "6 machines x 48 h / 2 h MTBF: " + maintenanceEvents);
    }

    @Test
    void sensorFaultsAreFlaggedAndAreNotMachineFailures() {
        fast(runner, 10_000);
        runner.setProperty(GenerateSensorReadings.SENSOR_FAULT_PROBABILITY, "0.02");
        Map<String, Integer> faults = new HashMap<>();
        for (JsonNode r : records(runner, 5)) {
            String fault = text(r, TwinFields.SENSOR_FAULT);
            faults.merge(fault, 1, Integer::sum);
            long nulls = List.of(TwinFields.TEMPERATURE, TwinFields.VIBRATION, TwinFields.RPM).stream()
                    .filter(f -> r.get(f).isNull())
                    .count();
            assertEquals("dropout".equals(fault) ? 1 : 0, nulls, "a dropout is exactly one null sensor: " + r);
            if (!"none".equals(fault) && "normal".equals(text(r, TwinFields.STATE))) {
                assertEquals("none", text(r, TwinFields.FAILURE_MODE), "a sensor fault is not a failure");
            }
        }
        assertEquals(Set.of("none", "stuck", "dropout", "spike"), faults.keySet(), faults.toString());
    }

    // ---- validation -------------------------------------------------------------------------------------------

    private static List<String> problems(TestRunner runner) {
        Collection<ValidationResult> results = runner.validate();
        return results.stream()
                .filter(r -> !r.isValid())
                .map(ValidationResult::toString)
                .toList();
    }

    @Test
    void theDefaultsAreValid() {
        runner.assertValid();
    }

    @Test
    void anInvertedRangeIsRejectedByName() {
        runner.setProperty(GenerateSensorReadings.TEMPERATURE_MIN, "120");
        runner.assertNotValid();
        assertEquals(
                List.of("'Temperature Min' validated against '120' is invalid because Temperature Min 120 must be"
                        + " below Temperature Max 100"),
                problems(runner));
    }

    @Test
    void aBrokenFleetDefinitionIsRejectedWithItsProblems() {
        runner.setProperty(
                GenerateSensorReadings.FLEET_DEFINITION,
                "{\"machines\":[{\"id\":\"M001\"},{\"id\":\"M002\"},"
                        + "{\"id\":\"M003\",\"sensors\":{\"temperature\":{\"min\":120,\"max\":100}}},"
                        + "{\"id\":\"M001\",\"type\":\"boiler\"}]}");
        List<String> problems = problems(runner);
        assertEquals(3, problems.size(), problems.toString());
        assertTrue(
                problems.get(0)
                        .endsWith("is invalid because machines[2].sensors.temperature: min 120 must be below max 100"),
                problems.get(0));
        assertTrue(problems.get(1).endsWith("machines[3].id: duplicate id 'M001' (also machines[0])"));
        assertTrue(problems.get(2)
                .endsWith(
                        "machines[3].type: unknown machine type \"boiler\", expected one of pump, compressor, motor"));

        runner.setProperty(GenerateSensorReadings.FLEET_DEFINITION, "{\"machines\": [{\"id\": \"M001\"}");
        assertTrue(
                problems(runner).get(0).contains("Fleet Definition"),
                problems(runner).toString());
        assertTrue(
                problems(runner).get(0).contains("not valid JSON at line 1"),
                problems(runner).toString());

        runner.setProperty(GenerateSensorReadings.FLEET_DEFINITION, "{\"machines\": [{\"id\": \"M001\"}]}");
        runner.assertValid();
    }

    @Test
    void otherInvalidSettingsAreRejectedWithAReason() {
        runner.setProperty(GenerateSensorReadings.VIBRATION_MIN, "-0.5");
        assertTrue(
                problems(runner).get(0).contains("must be at least 0 (vibration cannot be negative), not -0.5"),
                problems(runner).toString());
        runner.removeProperty(GenerateSensorReadings.VIBRATION_MIN);

        runner.setProperty(GenerateSensorReadings.RPM_MAX, "fast");
        assertTrue(
                problems(runner)
                        .get(0)
                        .contains("must be a decimal number at least 0 (shaft speed cannot be negative), not 'fast'"),
                problems(runner).toString());
        runner.removeProperty(GenerateSensorReadings.RPM_MAX);

        runner.setProperty(GenerateSensorReadings.SENSOR_FAULT_PROBABILITY, "1.5");
        assertTrue(
                problems(runner)
                        .get(0)
                        .contains("must be at least 0 and at most 1 (a probability per reading), not 1.5"),
                problems(runner).toString());
        runner.removeProperty(GenerateSensorReadings.SENSOR_FAULT_PROBABILITY);

        runner.setProperty(GenerateSensorReadings.MEAN_TIME_BETWEEN_FAILURES, "10 sec");
        assertEquals(
                List.of("'Mean Time Between Failures' validated against '10 sec' is invalid because Mean Time Between"
                        + " Failures (10000 ms) must be at least ten reading intervals (10 x 2000 ms) so that wear"
                        + " can show before a failure"),
                problems(runner));
        runner.removeProperty(GenerateSensorReadings.MEAN_TIME_BETWEEN_FAILURES);

        runner.setProperty(GenerateSensorReadings.MACHINE_COUNT, "0");
        runner.assertNotValid();
        runner.setProperty(GenerateSensorReadings.MACHINE_COUNT, "10");
        runner.setProperty(GenerateSensorReadings.PACING, "SOMETIMES");
        runner.assertNotValid();
        runner.setProperty(GenerateSensorReadings.PACING, Pacing.AS_FAST_AS_POSSIBLE);
        runner.assertValid();
    }
}
