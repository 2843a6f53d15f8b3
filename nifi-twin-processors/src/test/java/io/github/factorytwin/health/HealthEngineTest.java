package io.github.factorytwin.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.factorytwin.context.OperatingContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HealthEngineTest {

    private static final List<String> SENSORS = List.of("temperature", "vibration", "rpm");

    static HealthEngine engine(int sensors) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < sensors; i++) {
            names.add(i < 3 ? SENSORS.get(i) : "s" + i);
        }
        return new HealthEngine(HealthConfig.of(names, 70, 40, 5, 10_000, 50, 30_000, 120), null);
    }

    /** Feeds {@code count} readings of a machine whose first sensor degrades after reading 100. */
    static MachineState run(HealthEngine engine, int count, long seed) {
        MachineState state = engine.newState();
        Random random = new Random(seed);
        int sensors = engine.config().sensors().size();
        for (int i = 0; i < count; i++) {
            double[] values = new double[sensors];
            for (int s = 0; s < sensors; s++) {
                values[s] = 100 * (s + 1) + random.nextGaussian();
            }
            values[0] += i < 100 ? 0 : (i - 100) * 0.02;
            engine.update(state, new ScoredReading("M1", 1_000L * i, values, 0.4 + 0.3 * random.nextDouble(), false));
        }
        return state;
    }

    @Test
    void serializedStateIsWellUnderOneKilobytePerMachine() {
        // The simulator's sensors: temperature and vibration with a load model on rpm.
        MachineState three = run(engine(3), 400, 1);
        assertTrue(three.lags > 0, "rpm is the load");
        int bytes3 = three.encode().getBytes(StandardCharsets.UTF_8).length;
        System.out.println("Serialized state per machine, 3 sensors with a load model: " + bytes3 + " bytes");
        assertTrue(bytes3 < 1000, "3 sensors: " + bytes3 + " bytes"); // 734 bytes before the text encoding
        // Without a load sensor (C-MAPSS: 14 sensors, no rpm), no load model is kept.
        HealthEngine noLoad = new HealthEngine(
                HealthConfig.of(
                        java.util.stream.IntStream.range(0, 14)
                                .mapToObj(i -> "s" + i)
                                .toList(),
                        70,
                        40,
                        5,
                        10_000,
                        50,
                        30_000,
                        120),
                null);
        MachineState fourteen = run(noLoad, 400, 1);
        assertEquals(0, fourteen.lags);
        int bytes14 = fourteen.encode().getBytes(StandardCharsets.UTF_8).length;
        System.out.println("Serialized state per machine, 14 sensors without a load: " + bytes14 + " bytes");
        assertTrue(bytes14 < 1024, "14 sensors: " + bytes14 + " bytes");
    }

    @Test
    void stateRoundTripsExactly() {
        HealthEngine engine = engine(3);
        MachineState state = run(engine, 300, 2);
        MachineState copy = engine.decode(state.encode());
        assertEquals(state.encode(), copy.encode());
        // Both continue identically.
        double[] values = {110, 200, 300};
        var a = engine.update(state, new ScoredReading("M1", 300_000, values, 0.5, false));
        var b = engine.update(copy, new ScoredReading("M1", 300_000, values, 0.5, false));
        assertEquals(a, b);
        assertThrows(IllegalArgumentException.class, () -> MachineState.decode(state.encode(), 4));
        assertThrows(IllegalArgumentException.class, () -> MachineState.decode("not base64!", 3));
        assertThrows(IllegalArgumentException.class, () -> MachineState.decode("AAAA", 3));
    }

    /**
     * A machine whose normal readings the anomaly model scores around {@code normalLevel} (noise 0.05), steady
     * sensors; from reading 400 on the score rises to {@code normalLevel + rise}. Returns the health at reading
     * 399 and at the end.
     */
    static double[] anomalyOnly(double normalLevel, double rise, long seed) {
        HealthEngine engine = engine(3);
        MachineState state = engine.newState();
        Random random = new Random(seed);
        double before = Double.NaN;
        double last = Double.NaN;
        for (int i = 0; i < 600; i++) {
            double[] values = {100 + random.nextGaussian(), 200 + random.nextGaussian(), 300 + random.nextGaussian()};
            double score = normalLevel + (i >= 400 ? rise : 0) + 0.05 * random.nextGaussian();
            score = Math.max(0, Math.min(1, score));
            last = engine.update(state, new ScoredReading("M1", 1_000L * i, values, score, false))
                    .health();
            if (i == 399) {
                before = last;
            }
        }
        return new double[] {before, last};
    }

    @Test
    void aMachineWhoseNormalScoresSitHighIsHealthyUntilTheyRiseAboveItsOwnLevel() {
        // Normal readings scored around 0.65 (a GLOBAL model): a fixed floor of 0.5 would cost ~40 points.
        double[] high = anomalyOnly(0.65, 0.3, 21);
        assertTrue(high[0] > 95, "normal at its own level: " + high[0]);
        assertTrue(high[1] < 40, "well above its own level: " + high[1]);
        // Normal around 0.45: the floor 0.5 still applies, the same rise costs as much as before.
        double[] low = anomalyOnly(0.45, 0.4, 22);
        assertTrue(low[0] > 95, "normal: " + low[0]);
        assertTrue(low[1] < 40, "risen: " + low[1]);
        // A model that already scores this machine's normal readings near 1 can say nothing more: no penalty.
        double[] saturated = anomalyOnly(0.97, 0.03, 23);
        assertTrue(saturated[0] > 95 && saturated[1] > 95, saturated[0] + " / " + saturated[1]);
    }

    @Test
    void theAnomalyLevelIsLearnedAgainAfterMaintenance() {
        HealthEngine engine = engine(3);
        MachineState state = engine.newState();
        Random random = new Random(24);
        long t = 0;
        for (int i = 0; i < 200; i++, t += 1_000) {
            double[] values = {100 + random.nextGaussian(), 200 + random.nextGaussian(), 300 + random.nextGaussian()};
            engine.update(state, new ScoredReading("M1", t, values, 0.45 + 0.02 * random.nextGaussian(), false));
        }
        engine.update(state, new ScoredReading("M1", t, new double[] {100, 200, 300}, Double.NaN, true));
        HealthAssessment last = null;
        for (int i = 0; i < 200; i++) {
            t += 1_000;
            double[] values = {100 + random.nextGaussian(), 200 + random.nextGaussian(), 300 + random.nextGaussian()};
            last = engine.update(state, new ScoredReading("M1", t, values, 0.8 + 0.02 * random.nextGaussian(), false));
        }
        // After the repair the model scores this machine around 0.8: its new normal, not an anomaly.
        assertTrue(last.health() > 95, "health " + last.health());
        assertTrue(MachineState.decode(state.encode(), 3, state.lags, state.loadIndex).anomalyCount > 0);
    }

    @Test
    void lateReadingsChangeNothing() {
        HealthEngine engine = engine(3);
        MachineState state = run(engine, 100, 3);
        String before = state.encode();
        var assessment = engine.update(state, new ScoredReading("M1", 50_000, new double[] {1, 2, 3}, 0.9, false));
        assertTrue(assessment.late());
        assertEquals(before, state.encode());
    }

    @Test
    void noEstimateForAFlatOrImprovingTrend() {
        HealthEngine engine = engine(3);
        MachineState state = engine.newState();
        Random random = new Random(4);
        HealthAssessment last = null;
        for (int i = 0; i < 500; i++) {
            double[] values = {100 + random.nextGaussian(), 200 + random.nextGaussian(), 300 + random.nextGaussian()};
            // anomaly score falling: health improving
            double score = 0.8 - 0.3 * i / 500.0;
            last = engine.update(state, new ScoredReading("M1", 1_000L * i, values, score, false));
        }
        assertTrue(last.health() > 0);
        assertNull(last.timeToMaintenance(), "improving: no estimate");
    }

    /**
     * A machine whose set-point moves every 5 minutes: temperature follows the speed with a 120 s thermal lag,
     * vibration at once. Returns the alerts of the readings from {@code from} on; from {@code shiftAt} on the
     * temperature runs {@code shift} degrees hotter at the same speed.
     */
    static List<Alert> regimes(HealthEngine engine, int count, int from, int shiftAt, double shift) {
        double[] levels = {2000, 4000, 3000, 1500, 4500, 2500};
        Random random = new Random(5);
        MachineState state = engine.newState();
        double rpm = levels[0];
        double temperature = 50 + 0.01 * rpm;
        double thermal = -Math.expm1(-2.0 / 120);
        List<Alert> alerts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            double setpoint = levels[(i / 150) % levels.length];
            rpm += (setpoint - rpm) * 0.2;
            temperature += (50 + 0.01 * rpm - temperature) * thermal;
            double measured = temperature + (i >= shiftAt ? shift : 0) + 0.25 * random.nextGaussian();
            double vibration = 0.2 + 1e-4 * rpm + 0.01 * random.nextGaussian();
            double[] values = {measured, vibration, rpm + 10 * random.nextGaussian()};
            var assessment = engine.update(state, new ScoredReading("M1", 2_000L * i, values, Double.NaN, false));
            if (i >= from) {
                alerts.addAll(assessment.alerts());
            }
        }
        return alerts;
    }

    @Test
    void sensorsThatFollowTheLoadDoNotDriftButAShiftAtTheSameLoadDoes() {
        HealthConfig config = HealthConfig.of(SENSORS, 70, 40, 5, 10_000, 900, 30_000, 120);
        assertEquals(2, config.loadIndex());
        HealthEngine engine = new HealthEngine(config, null);
        // Changes of speed after the baseline, including one to a speed the baseline never saw (4500): no alert.
        assertEquals(List.of(), regimes(engine, 3600, 900, Integer.MAX_VALUE, 0));
        // The same machine 3 degrees hotter at the same speeds (12 noise sigmas): an alert naming the temperature,
        // within a minute. (At speeds far from the baseline's mean the 10 % gain tolerance widens sigma, and the
        // incident may recover there: 3 degrees is a small shift against a 20-degree load effect.)
        List<Alert> hot = regimes(engine, 3600, 900, 2400, 3);
        assertTrue(hot.size() >= 1, "an alert");
        assertEquals(Alert.Event.RAISED, hot.get(0).event());
        assertTrue(hot.get(0).timestamp() <= 2_000L * 2400 + 60_000, hot.get(0).toString());
        assertTrue(hot.get(0).reason().startsWith("temperature:"), hot.get(0).reason());
        assertTrue(hot.stream().allMatch(alert -> alert.reason().startsWith("temperature:")), hot.toString());
        // The plain mean/std baseline (no load sensor) has a sigma that spans all speeds: it misses that shift.
        HealthConfig plain = HealthConfig.of(SENSORS, 70, 40, 5, 10_000, 900, 30_000, 120)
                .withContext(OperatingContext.loadFollowing(List.of()));
        assertEquals(List.of(), regimes(new HealthEngine(plain, null), 3600, 900, 2400, 3));
    }

    @Test
    void criticalMustBeBelowWarning() {
        var e = assertThrows(IllegalArgumentException.class, () -> HealthConfig.of(SENSORS, 40, 40, 5, 0, 10, 0, 120));
        assertTrue(e.getMessage().contains("Critical Threshold must be below Warning Threshold"));
    }

    @Test
    void rulModelFilesAreDataOnlyAndValidated(@TempDir Path dir) throws Exception {
        // One stump: x[1] (health) <= 50 -> 10 s, else 1000 s; bias 5.
        RulModel model = new RulModel(
                SENSORS,
                5,
                1,
                new int[][] {{1, -1, -1}},
                new double[][] {{50, 0, 0}},
                new int[][] {{1, 0, 0}},
                new int[][] {{2, 0, 0}},
                new double[][] {{0, 10, 1000}});
        Path file = dir.resolve("model.json");
        model.write(file);
        RulModel read = RulModel.read(file);
        double[] x = new double[RulFeatures.count(3)];
        x[1] = 40;
        assertEquals(15, read.predict(x));
        x[1] = 60;
        assertEquals(1005, read.predict(x));

        // A cycle (child pointing back) is refused, as is anything that is not the format.
        String cyclic = Files.readString(file).replace("\"left\":[1,0,0]", "\"left\":[0,0,0]");
        Files.writeString(file, cyclic);
        assertThrows(java.io.IOException.class, () -> RulModel.read(file));
        Files.writeString(file, new ObjectMapper().writeValueAsString(List.of("rO0ABXNy")));
        assertThrows(java.io.IOException.class, () -> RulModel.read(file));
        // A model for other sensors does not fit this configuration.
        assertThrows(
                IllegalArgumentException.class,
                () -> new HealthEngine(HealthConfig.of(List.of("vibration"), 70, 40, 5, 0, 10, 0, 120), model));
    }

    @Test
    void timeArithmeticSaturatesForAnyLong() {
        HealthEngine engine = engine(3);
        long[] extremes = {Long.MIN_VALUE + 1, Long.MAX_VALUE, 0, Long.MIN_VALUE + 1, -1, Long.MAX_VALUE - 1, 1};
        for (long first : extremes) {
            MachineState state = engine.newState();
            for (int i = 0; i < 200; i++) {
                long ts = i % 3 == 0 ? extremes[i % extremes.length] : first;
                HealthAssessment assessment = engine.update(
                        state, new ScoredReading("M1", ts, new double[] {70, 1, 3000}, 0.4, i % 50 == 49), 1_000);
                assertTrue(
                        assessment.late() || assessment.health() >= 0 && assessment.health() <= 100, "health of " + ts);
            }
        }
        assertEquals(Long.MAX_VALUE, HealthEngine.minus(Long.MAX_VALUE, -1));
        assertEquals(Long.MIN_VALUE, HealthEngine.minus(Long.MIN_VALUE, 1));
        assertEquals(-2, HealthEngine.minus(-1, 1));
    }

    @Test
    void aReadingStampedInTheFutureCannotMakeItsMachinesLaterReadingsLate() {
        HealthEngine engine = engine(3);
        long now = 1_700_000_000_000L;
        MachineState state = engine.newState();
        double[] values = {70, 1, 3000};
        engine.update(state, new ScoredReading("M1", now - 10_000, values, 0.4, false), now);
        engine.update(state, new ScoredReading("M1", Long.MAX_VALUE, values, 0.4, false), now);
        assertEquals(Long.MAX_VALUE, state.lastTimestamp());
        assertTrue(!engine.update(state, new ScoredReading("M1", now, values, 0.4, false), now + 1)
                .late());
        assertTrue(!engine.update(state, new ScoredReading("M1", now - 29_000, values, 0.4, true), now)
                .late());
        assertTrue(
                engine.update(state, new ScoredReading("M1", now - 31_000, values, 0.4, false), now)
                        .late(),
                "late against the wall clock when the machine's clock is ahead of it");
    }
}
