package io.github.factorytwin.simulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The machines of a simulated factory. Either the simple way ({@link #simple}: a count, an id prefix and one set of
 * ranges) or the detailed way ({@link #parse}: a JSON document in the spirit of the original simulator's
 * {@code config.json}):
 *
 * <pre>{@code
 * {"machines": [
 *    {"id": "M001", "type": "pump",
 *     "sensors": {"temperature": {"min": 60, "max": 100}, "vibration": {"min": 0.1, "max": 1.5},
 *                 "rpm": {"min": 1000, "max": 5000}},
 *     "failure_modes": ["bearing_wear", "imbalance"]}],
 *  "interval_seconds": 2}
 * }</pre>
 *
 * Every field of a machine but {@code id} is optional: a missing type is assigned round-robin, a missing range (or
 * bound) takes the default, missing failure modes allow all three.
 *
 * @param machines the machines, in the order their readings are written
 * @param intervalMillis the reading interval the definition asks for, or null to use the configured one
 */
public record FleetDefinition(List<MachineSpec> machines, Long intervalMillis) {

    public static final int MAX_MACHINES = 10_000;

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Set<String> ROOT_FIELDS = Set.of("machines", "interval_seconds");
    private static final Set<String> MACHINE_FIELDS = Set.of("id", "type", "sensors", "failure_modes");
    private static final List<String> SENSORS = List.of("temperature", "vibration", "rpm");
    private static final Set<String> RANGE_FIELDS = Set.of("min", "max");

    public FleetDefinition {
        machines = List.copyOf(machines);
        if (machines.isEmpty()) {
            throw new IllegalArgumentException("a fleet needs at least one machine");
        }
    }

    /** The normal operating ranges GenerateSensorReadings gives a machine unless told otherwise. */
    public static final SensorRange DEFAULT_TEMPERATURE = new SensorRange(60, 100);

    public static final SensorRange DEFAULT_VIBRATION = new SensorRange(0.1, 1.5);
    public static final SensorRange DEFAULT_RPM = new SensorRange(1000, 5000);

    /** {@link #simple(int, String, SensorRange, SensorRange, SensorRange)} with the default ranges. */
    public static FleetDefinition simple(int count, String prefix) {
        return simple(count, prefix, DEFAULT_TEMPERATURE, DEFAULT_VIBRATION, DEFAULT_RPM);
    }

    /** {@code count} machines named prefix + 001, 002, ... with types assigned round-robin and the same ranges. */
    public static FleetDefinition simple(
            int count, String prefix, SensorRange temperature, SensorRange vibration, SensorRange rpm) {
        if (count < 1 || count > MAX_MACHINES) {
            throw new IllegalArgumentException("machine count must be between 1 and " + MAX_MACHINES);
        }
        int width = Math.max(3, String.valueOf(count).length());
        List<MachineSpec> machines = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String number = String.valueOf(i + 1);
            String id = prefix + "0".repeat(width - number.length()) + number;
            machines.add(new MachineSpec(id, MachineProfile.forIndex(i), temperature, vibration, rpm));
        }
        return new FleetDefinition(machines, null);
    }

    /**
     * Parses and validates a JSON fleet definition. Ranges and bounds not given take the defaults.
     *
     * @throws FleetDefinitionException naming every problem found, e.g.
     *     {@code machines[2].sensors.temperature: min 120 must be below max 100}
     */
    public static FleetDefinition parse(
            String json, SensorRange defaultTemperature, SensorRange defaultVibration, SensorRange defaultRpm) {
        List<String> problems = new ArrayList<>();
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            String detail = e.getOriginalMessage();
            var location = e.getLocation();
            String where =
                    location == null ? "" : " at line " + location.getLineNr() + ", column " + location.getColumnNr();
            throw new FleetDefinitionException(List.of("not valid JSON" + where + ": " + detail));
        }
        if (root == null || !root.isObject()) {
            throw new FleetDefinitionException(List.of(
                    "must be a JSON object with a \"machines\" array, e.g. {\"machines\":[{\"id\":\"M001\"}]}"));
        }
        unknownFields(root, ROOT_FIELDS, "", problems);

        Long intervalMillis = null;
        JsonNode interval = root.get("interval_seconds");
        if (interval != null && !interval.isNull()) {
            if (!interval.isNumber() || !(interval.asDouble() > 0)) {
                problems.add("interval_seconds: must be a positive number of seconds, got " + interval);
            } else {
                intervalMillis = Math.max(1L, Math.round(interval.asDouble() * 1000.0));
            }
        }

        JsonNode machinesNode = root.get("machines");
        List<MachineSpec> machines = new ArrayList<>();
        if (machinesNode == null || !machinesNode.isArray()) {
            problems.add("machines: required, an array of machines, e.g. [{\"id\":\"M001\"}]");
        } else if (machinesNode.isEmpty()) {
            problems.add("machines: must list at least one machine");
        } else if (machinesNode.size() > MAX_MACHINES) {
            problems.add("machines: at most " + MAX_MACHINES + " machines, got " + machinesNode.size());
        } else {
            Map<String, Integer> seenIds = new HashMap<>();
            for (int i = 0; i < machinesNode.size(); i++) {
                MachineSpec spec = parseMachine(
                        machinesNode.get(i), i, seenIds, defaultTemperature, defaultVibration, defaultRpm, problems);
                if (spec != null) {
                    machines.add(spec);
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new FleetDefinitionException(problems);
        }
        return new FleetDefinition(machines, intervalMillis);
    }

    private static MachineSpec parseMachine(
            JsonNode node,
            int index,
            Map<String, Integer> seenIds,
            SensorRange defaultTemperature,
            SensorRange defaultVibration,
            SensorRange defaultRpm,
            List<String> problems) {
        String path = "machines[" + index + "]";
        if (!node.isObject()) {
            problems.add(path + ": must be an object like {\"id\":\"M001\"}, got " + node);
            return null;
        }
        int before = problems.size();
        unknownFields(node, MACHINE_FIELDS, path + ".", problems);

        String id = null;
        JsonNode idNode = node.get("id");
        if (idNode == null || idNode.isNull()) {
            problems.add(path + ".id: required");
        } else if (!idNode.isTextual() || idNode.asText().isBlank()) {
            problems.add(path + ".id: must be a non-empty string, got " + idNode);
        } else {
            id = idNode.asText();
            Integer previous = seenIds.putIfAbsent(id, index);
            if (previous != null) {
                problems.add(path + ".id: duplicate id '" + id + "' (also machines[" + previous + "])");
            }
        }

        MachineProfile profile = MachineProfile.forIndex(index);
        JsonNode typeNode = node.get("type");
        if (typeNode != null && !typeNode.isNull()) {
            MachineProfile named = typeNode.isTextual() ? MachineProfile.fromToken(typeNode.asText()) : null;
            if (named == null) {
                problems.add(path + ".type: unknown machine type " + typeNode + ", expected one of "
                        + MachineProfile.tokens());
            } else {
                profile = named;
            }
        }

        SensorRange[] ranges = {defaultTemperature, defaultVibration, defaultRpm};
        JsonNode sensors = node.get("sensors");
        if (sensors != null && !sensors.isNull()) {
            if (!sensors.isObject()) {
                problems.add(path + ".sensors: must be an object with temperature, vibration and/or rpm");
            } else {
                unknownFields(sensors, Set.copyOf(SENSORS), path + ".sensors.", problems);
                for (int s = 0; s < SENSORS.size(); s++) {
                    JsonNode range = sensors.get(SENSORS.get(s));
                    if (range != null && !range.isNull()) {
                        ranges[s] = parseRange(range, path + ".sensors." + SENSORS.get(s), ranges[s], s, problems);
                    }
                }
            }
        }

        Set<FailureMode> modes = EnumSet.noneOf(FailureMode.class);
        JsonNode modesNode = node.get("failure_modes");
        if (modesNode != null && !modesNode.isNull()) {
            if (!modesNode.isArray() || modesNode.isEmpty()) {
                problems.add(path + ".failure_modes: must be a non-empty array of bearing_wear, overheating,"
                        + " imbalance");
            } else {
                for (int m = 0; m < modesNode.size(); m++) {
                    JsonNode modeNode = modesNode.get(m);
                    FailureMode mode = modeNode.isTextual() ? FailureMode.fromToken(modeNode.asText()) : null;
                    if (mode == null) {
                        problems.add(path + ".failure_modes[" + m + "]: unknown failure mode " + modeNode
                                + ", expected one of bearing_wear, overheating, imbalance");
                    } else {
                        modes.add(mode);
                    }
                }
            }
        }
        if (problems.size() > before || id == null) {
            return null;
        }
        return new MachineSpec(id, profile, ranges[0], ranges[1], ranges[2], modes);
    }

    private static SensorRange parseRange(
            JsonNode node, String path, SensorRange defaults, int sensor, List<String> problems) {
        if (!node.isObject()) {
            problems.add(path + ": must be an object like {\"min\": 60, \"max\": 100}, got " + node);
            return defaults;
        }
        unknownFields(node, RANGE_FIELDS, path + ".", problems);
        Double min = bound(node, "min", path, problems);
        Double max = bound(node, "max", path, problems);
        if (min == null || max == null) {
            return defaults;
        }
        if (Double.isNaN(min)) {
            min = defaults.min();
        }
        if (Double.isNaN(max)) {
            max = defaults.max();
        }
        if (!(min < max)) {
            problems.add(path + ": min " + Numbers.format(min) + " must be below max " + Numbers.format(max));
            return defaults;
        }
        if (sensor > 0 && min < 0) {
            problems.add(path + ": min " + Numbers.format(min) + " must not be negative");
            return defaults;
        }
        return new SensorRange(min, max);
    }

    /** The bound's value, NaN when absent, null (after recording the problem) when not a number. */
    private static Double bound(JsonNode range, String name, String path, List<String> problems) {
        JsonNode value = range.get(name);
        if (value == null || value.isNull()) {
            return Double.NaN;
        }
        if (!value.isNumber() || !Double.isFinite(value.asDouble())) {
            problems.add(path + "." + name + ": must be a number, got " + value);
            return null;
        }
        return value.asDouble();
    }

    private static void unknownFields(JsonNode node, Set<String> known, String prefix, List<String> problems) {
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!known.contains(name)) {
                problems.add(prefix + name + ": unknown field, expected one of "
                        + String.join(", ", known.stream().sorted().toList()));
            }
        }
    }
}
