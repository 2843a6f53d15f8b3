package io.github.factorytwin.health;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.factorytwin.context.OperatingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The Operating Regimes context model: regimes found from the stream, a baseline per regime for every sensor. */
class OperatingRegimesTest {

    private static final List<String> SENSORS = List.of("temperature", "pressure", "vibration");
    private static final List<String> SETTINGS = List.of("altitude", "mach", "throttle");
    /** Four operating conditions (altitude, mach, throttle), like C-MAPSS's. */
    private static final double[][] CONDITIONS = {{0, 0, 100}, {20, 0.7, 100}, {25, 0.62, 60}, {42, 0.84, 100}};

    private static HealthConfig config(OperatingContext context) {
        return HealthConfig.of(SENSORS, 70, 40, 5, 0, 100, 0, 120).withContext(context);
    }

    private static HealthEngine regimesEngine() {
        return new HealthEngine(config(OperatingContext.regimes(SETTINGS, 0.1, 8)), null);
    }

    /** Sensor levels in condition {@code c}: they differ by hundreds of noise sigmas between conditions. */
    private static double[] sensors(int c, double shift, Random random) {
        double[] setting = CONDITIONS[c];
        return new double[] {
            500 + 3 * setting[0] + 0.5 * setting[2] + shift + random.nextGaussian(),
            30 + 10 * setting[1] + 0.1 * random.nextGaussian(),
            1 + 0.01 * setting[2] + 0.01 * random.nextGaussian()
        };
    }

    /** The condition's settings with a little noise, as C-MAPSS records them. */
    private static double[] context(int c, Random random) {
        double[] setting = CONDITIONS[c];
        return new double[] {
            setting[0] + 0.002 * random.nextGaussian(),
            setting[1] + 0.0003 * random.nextGaussian(),
            setting[2] + (c == 0 ? 0 : 0.0)
        };
    }

    /**
     * Feeds {@code count} readings; {@code condition} picks each reading's condition; from {@code shiftAt} on the
     * temperature is {@code shift} higher (in every condition). Returns the alerts of the readings from {@code from}
     * on.
     */
    private static List<Alert> stream(
            HealthEngine engine,
            MachineState state,
            int count,
            java.util.function.IntUnaryOperator condition,
            int from,
            int shiftAt,
            double shift) {
        Random random = new Random(11);
        List<Alert> alerts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int c = condition.applyAsInt(i);
            double[] values = sensors(c, i >= shiftAt ? shift : 0, random);
            var assessment = engine.update(
                    state, new ScoredReading("E1", 1_000L * i, values, Double.NaN, false, context(c, random)));
            if (i >= from) {
                alerts.addAll(assessment.alerts());
            }
        }
        return alerts;
    }

    @Test
    void regimesAreFoundFromTheContextAndNoiseAroundZeroOpensNone() {
        HealthEngine engine = regimesEngine();
        MachineState state = engine.newState();
        stream(engine, state, 400, i -> (i * 7 + i / 3) % CONDITIONS.length, 0, Integer.MAX_VALUE, 0);
        assertEquals(CONDITIONS.length, state.regimeCount());
        // One condition whose altitude and mach are noise around 0 (C-MAPSS FD001): one regime, not many.
        MachineState single = engine.newState();
        stream(engine, single, 400, i -> 0, 0, Integer.MAX_VALUE, 0);
        assertEquals(1, single.regimeCount());
    }

    @Test
    void aChangeOfRegimeIsNotASymptom() {
        // The baseline sees only condition 0; then the machine switches between all four, never seen before.
        java.util.function.IntUnaryOperator later = i -> i < 100 ? 0 : (i / 10) % CONDITIONS.length;
        HealthEngine engine = regimesEngine();
        MachineState state = engine.newState();
        assertEquals(List.of(), stream(engine, state, 1000, later, 0, Integer.MAX_VALUE, 0));
        assertTrue(state.health > 90, "health " + state.health);
        // Without a context the same switches are drift of hundreds of sigmas: alerts.
        HealthEngine plain = new HealthEngine(config(OperatingContext.loadFollowing(List.of())), null);
        assertFalse(stream(plain, plain.newState(), 1000, later, 0, Integer.MAX_VALUE, 0)
                .isEmpty());
    }

    @Test
    void driftWithinARegimeIsASymptom() {
        // Conditions change every reading (as in C-MAPSS FD002); from reading 500 on the temperature runs 4 noise
        // sigmas hotter in every condition.
        java.util.function.IntUnaryOperator mixed = i -> (i * 7 + i / 3) % CONDITIONS.length;
        HealthEngine engine = regimesEngine();
        List<Alert> alerts = stream(engine, engine.newState(), 800, mixed, 0, 500, 4);
        assertFalse(alerts.isEmpty(), "the shift raises an alert");
        assertEquals(Alert.Event.RAISED, alerts.get(0).event());
        assertTrue(alerts.get(0).timestamp() >= 500_000L, alerts.get(0).toString());
        assertTrue(
                alerts.get(0).reason().startsWith("temperature:"), alerts.get(0).reason());
        // And no alert without the shift.
        assertEquals(List.of(), stream(engine, engine.newState(), 800, mixed, 0, Integer.MAX_VALUE, 0));
        // A baseline that mixes the conditions (no context) spreads over them all and misses the shift.
        HealthEngine plain = new HealthEngine(config(OperatingContext.loadFollowing(List.of())), null);
        assertEquals(List.of(), stream(plain, plain.newState(), 800, mixed, 0, 500, 4));
    }

    @Test
    void maximumRegimesCapsTheStateAndItGrowsWithTheRegimes() {
        HealthEngine engine = new HealthEngine(config(OperatingContext.regimes(SETTINGS, 0.1, 2)), null);
        MachineState state = engine.newState();
        int empty = state.toBytes().length;
        stream(engine, state, 50, i -> 0, 0, Integer.MAX_VALUE, 0);
        int one = state.toBytes().length;
        assertEquals(1, state.regimeCount());
        assertEquals(4 + 3 * 8 + 3 * (4 + 2 * 8), one - empty, "one regime's bytes");
        stream(engine, state, 400, i -> i % CONDITIONS.length, 0, Integer.MAX_VALUE, 0);
        assertEquals(2, state.regimeCount(), "capped at Maximum Regimes");
        assertEquals(2 * (one - empty), state.toBytes().length - empty);
    }

    @Test
    void aRegimeStateRoundTripsAndContinuesIdentically() {
        HealthEngine engine = regimesEngine();
        MachineState state = engine.newState();
        stream(engine, state, 300, i -> i % CONDITIONS.length, 0, Integer.MAX_VALUE, 0);
        byte[] bytes = state.toBytes();
        assertEquals(MachineState.FORMAT, bytes[0]);
        MachineState copy = engine.fromBytes(bytes);
        assertArrayEquals(bytes, copy.toBytes());
        assertEquals(state.encode(), engine.decode(state.encode()).encode());
        ScoredReading next =
                new ScoredReading("E1", 300_000, new double[] {600, 37, 2}, Double.NaN, false, CONDITIONS[1]);
        assertEquals(engine.update(state, next), engine.update(copy, next));
        // Cut short, or read by an engine of other settings: refused with the reason.
        byte[] cut = java.util.Arrays.copyOf(bytes, bytes.length - 5);
        assertThrows(IllegalArgumentException.class, () -> engine.fromBytes(cut));
        HealthEngine fewer = new HealthEngine(config(OperatingContext.regimes(SETTINGS, 0.1, 2)), null);
        assertThrows(IllegalArgumentException.class, () -> fewer.fromBytes(bytes));
        assertTrue(!engine.stateLayout().equals(fewer.stateLayout()));
        // A Load Following engine's state (no regimes) is not a regimes engine's, and keeps its layout name.
        HealthEngine load = new HealthEngine(HealthConfig.of(SENSORS, 70, 40, 5, 0, 100, 0, 120), null);
        MachineState old = load.newState();
        load.update(old, new ScoredReading("E1", 0, new double[] {1, 2, 3}, Double.NaN, false));
        assertEquals(MachineState.FORMAT, old.toBytes()[0]);
        assertArrayEquals(old.toBytes(), load.fromBytes(old.toBytes()).toBytes());
        assertThrows(IllegalArgumentException.class, () -> engine.fromBytes(old.toBytes()));
        assertTrue(load.stateLayout().startsWith("machine-state-3;"), load.stateLayout());
    }

    @Test
    void aReadingWithoutItsContextIsScoredWithoutMovingTheDrift() {
        HealthEngine engine = regimesEngine();
        MachineState state = engine.newState();
        stream(engine, state, 300, i -> i % CONDITIONS.length, 0, Integer.MAX_VALUE, 0);
        double[] fast = state.fast.clone();
        var assessment = engine.update(
                state,
                new ScoredReading("E1", 300_000, new double[] {9999, 9999, 9999}, Double.NaN, false, new double[] {
                    0, Double.NaN, 1
                }));
        assertFalse(assessment.late());
        assertArrayEquals(fast, state.fast);
    }

    @Test
    void contextSettingsAreValidatedWithClearMessages() {
        var several = assertThrows(
                IllegalArgumentException.class, () -> OperatingContext.loadFollowing(List.of("rpm", "torque")));
        assertTrue(several.getMessage().contains("Operating Regimes"), several.getMessage());
        assertThrows(IllegalArgumentException.class, () -> OperatingContext.regimes(List.of(), 0.1, 8));
        assertThrows(IllegalArgumentException.class, () -> OperatingContext.regimes(SETTINGS, 0, 8));
        assertThrows(IllegalArgumentException.class, () -> OperatingContext.regimes(SETTINGS, 0.1, 65));
        // Load Following on a field that is no sensor: plain baselines, as before when rpm was not a sensor.
        assertEquals(-1, config(OperatingContext.loadFollowing(List.of("rpm"))).loadIndex());
        HealthConfig withRpm = HealthConfig.of(List.of("temperature", "rpm"), 70, 40, 5, 0, 100, 0, 120);
        assertEquals(1, withRpm.loadIndex());
        // A context field that is also a sensor is not a symptom under Operating Regimes either.
        HealthEngine engine = new HealthEngine(
                HealthConfig.of(List.of("temperature", "rpm"), 70, 40, 5, 0, 20, 0, 120)
                        .withContext(OperatingContext.regimes(List.of("rpm"), 0.1, 8)),
                null);
        MachineState state = engine.newState();
        Random random = new Random(3);
        List<Alert> alerts = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            double rpm = i < 100 ? 1500 : 1800;
            double[] values = {40 + 0.01 * rpm + 0.1 * random.nextGaussian(), rpm};
            alerts.addAll(engine.update(
                            state, new ScoredReading("M", 1000L * i, values, Double.NaN, false, new double[] {rpm}))
                    .alerts());
        }
        assertEquals(List.of(), alerts);
        assertEquals(2, state.regimeCount());
    }
}
