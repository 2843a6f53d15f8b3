package io.github.factorytwin.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FleetDefinitionTest {

    private static final SensorRange T = new SensorRange(60, 100);
    private static final SensorRange V = new SensorRange(0.1, 1.5);
    private static final SensorRange R = new SensorRange(1000, 5000);

    private static List<String> problems(String json) {
        return assertThrows(FleetDefinitionException.class, () -> FleetDefinition.parse(json, T, V, R))
                .problems();
    }

    @Test
    void simpleFleetNumbersMachinesAndAssignsTypesInTurn() {
        FleetDefinition fleet = FleetDefinition.simple(4, "M", T, V, R);
        assertEquals(
                List.of("M001", "M002", "M003", "M004"),
                fleet.machines().stream().map(MachineSpec::id).toList());
        assertEquals(
                List.of("pump", "compressor", "motor", "pump"),
                fleet.machines().stream().map(m -> m.profile().token()).toList());
        assertNull(fleet.intervalMillis());
        assertEquals(
                "LINE-1234",
                FleetDefinition.simple(1234, "LINE-", T, V, R)
                        .machines()
                        .get(1233)
                        .id());
        assertEquals(
                "LINE-0001",
                FleetDefinition.simple(1234, "LINE-", T, V, R).machines().get(0).id());
    }

    @Test
    void parsesADetailedFleetTakingDefaultsForWhatIsMissing() {
        FleetDefinition fleet = FleetDefinition.parse(
                """
                {"machines": [
                   {"id": "P-1", "type": "compressor",
                    "sensors": {"temperature": {"min": 40, "max": 80}, "rpm": {"max": 3000}},
                    "failure_modes": ["overheating"]},
                   {"id": "P-2"}],
                 "interval_seconds": 0.5}
                """,
                T,
                V,
                R);
        assertEquals(500L, fleet.intervalMillis());
        MachineSpec first = fleet.machines().get(0);
        assertEquals("P-1", first.id());
        assertEquals(MachineProfile.COMPRESSOR, first.profile());
        assertEquals(new SensorRange(40, 80), first.temperature());
        assertEquals(V, first.vibration());
        assertEquals(new SensorRange(1000, 3000), first.rpm());
        assertEquals(Set.of(FailureMode.OVERHEATING), first.failureModes());
        MachineSpec second = fleet.machines().get(1);
        assertEquals(MachineProfile.COMPRESSOR, second.profile(), "second machine gets the second type in turn");
        assertEquals(T, second.temperature());
        assertEquals(3, second.failureModes().size());
    }

    @Test
    void namesTheMachineAndSensorOfAnInvertedRange() {
        List<String> problems = problems(
                """
                {"machines": [{"id": "M001"}, {"id": "M002"},
                  {"id": "M003", "sensors": {"temperature": {"min": 120, "max": 100}}}]}
                """);
        assertEquals(List.of("machines[2].sensors.temperature: min 120 must be below max 100"), problems);
    }

    @Test
    void aBoundBeyondTheDefaultOtherBoundIsReported() {
        assertEquals(
                List.of("machines[0].sensors.rpm: min 6000 must be below max 5000"),
                problems("{\"machines\":[{\"id\":\"A\",\"sensors\":{\"rpm\":{\"min\":6000}}}]}"));
    }

    @Test
    void reportsEveryProblemWithItsPath() {
        List<String> problems = problems(
                """
                {"machines": [
                   {"id": "A", "type": "turbine"},
                   {"id": "A", "sensor": {}},
                   {"type": "pump", "failure_modes": ["rust"]},
                   {"id": "B", "sensors": {"vibration": {"min": -1, "max": 2}, "rpm": {"min": "fast"}}}],
                 "interval_seconds": -2}
                """);
        assertEquals(
                List.of(
                        "interval_seconds: must be a positive number of seconds, got -2",
                        "machines[0].type: unknown machine type \"turbine\", expected one of pump, compressor, motor",
                        "machines[1].sensor: unknown field, expected one of failure_modes, id, sensors, type",
                        "machines[1].id: duplicate id 'A' (also machines[0])",
                        "machines[2].id: required",
                        "machines[2].failure_modes[0]: unknown failure mode \"rust\", expected one of bearing_wear,"
                                + " overheating, imbalance",
                        "machines[3].sensors.vibration: min -1 must not be negative",
                        "machines[3].sensors.rpm.min: must be a number, got \"fast\""),
                problems);
    }

    @Test
    void rejectsWhatIsNotAFleet() {
        assertTrue(problems("{\"machines\": [").get(0).startsWith("not valid JSON at line 1"), "invalid JSON");
        assertEquals(
                List.of("must be a JSON object with a \"machines\" array, e.g. {\"machines\":[{\"id\":\"M001\"}]}"),
                problems("[1, 2]"));
        assertEquals(List.of("machines: must list at least one machine"), problems("{\"machines\": []}"));
        assertEquals(
                List.of("machines: required, an array of machines, e.g. [{\"id\":\"M001\"}]"),
                problems("{\"interval_seconds\": 2}"));
        assertEquals(
                List.of(
                        "machine: unknown field, expected one of interval_seconds, machines",
                        "machines: required, an array of machines, e.g. [{\"id\":\"M001\"}]"),
                problems("{\"machine\": []}"));
    }
}
