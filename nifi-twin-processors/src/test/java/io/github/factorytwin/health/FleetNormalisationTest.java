package io.github.factorytwin.health;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.factorytwin.context.OperatingContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fleet normalisation a RUL model may carry: learned regimes, the model file, and the engine applying it. */
class FleetNormalisationTest {

    private static final List<String> SENSORS = List.of("temperature", "pressure");
    private static final OperatingContext CONTEXT = OperatingContext.regimes(List.of("altitude", "mach"), 0.1, 8);

    /** A healthy fleet in two conditions: at altitude 0 the sensors sit at 500/20, at 35 at 300/8. */
    private static double[] sensors(double[] context, Random random) {
        boolean high = context[0] > 10;
        return new double[] {
            (high ? 300 : 500) + random.nextGaussian() * (high ? 2 : 5), (high ? 8 : 20) + random.nextGaussian() * 0.5
        };
    }

    private static double[] context(int cycle, Random random) {
        return cycle % 3 == 0
                ? new double[] {35 + random.nextGaussian() * 0.01, 0.84}
                : new double[] {random.nextGaussian() * 1e-5, 0.2};
    }

    private static FleetNormalisation fleet() {
        Random random = new Random(7);
        List<double[]> sensors = new ArrayList<>();
        List<double[]> contexts = new ArrayList<>();
        for (int k = 0; k < 3000; k++) {
            double[] c = context(k, random);
            contexts.add(c);
            sensors.add(sensors(c, random));
        }
        return FleetNormalisation.learn(sensors, contexts, CONTEXT);
    }

    @Test
    void learnsTheFleetsRegimesAndMeasuresEachSensorInItsRegime() {
        FleetNormalisation n = fleet();
        assertEquals(2, n.regimes());
        assertEquals(CONTEXT.fields(), n.contextFields());
        double[] low = n.apply(new double[] {505, 20}, new double[] {0, 0.2});
        double[] high = n.apply(new double[] {302, 8}, new double[] {35, 0.84});
        assertEquals(1, low[0], 0.1); // one standard deviation (5) above the sea-level mean
        assertEquals(1, high[0], 0.1); // one standard deviation (2) above the high regime's mean
        assertEquals(0, high[1], 0.1);
        double[] unknown = n.apply(new double[] {500, 20}, new double[] {Double.NaN, 0});
        assertTrue(Double.isNaN(unknown[0]) && Double.isNaN(unknown[1]));
    }

    @Test
    void modelFileVersion2KeepsTheNormalisationAndVersion1StaysReadable(@TempDir Path dir) throws IOException {
        FleetNormalisation n = fleet();
        RulModel model = RulModel.constant(SENSORS, 3600, null);
        Path plain = dir.resolve("plain.json");
        model.write(plain);
        assertTrue(Files.readString(plain).contains("\"version\":1"));
        assertNull(RulModel.read(plain).normalisation());

        Path normalised = dir.resolve("normalised.json");
        model.withNormalisation(n).write(normalised);
        assertTrue(Files.readString(normalised).contains("\"version\":2"));
        RulModel read = RulModel.read(normalised);
        assertEquals(n.contextFields(), read.normalisation().contextFields());
        assertArrayEquals(
                n.apply(new double[] {320, 9}, new double[] {35, 0.84}),
                read.normalisation().apply(new double[] {320, 9}, new double[] {35, 0.84}),
                1e-12);

        String v1WithNormalisation = Files.readString(normalised).replace("\"version\":2", "\"version\":1");
        IOException refused = assertThrows(
                IOException.class,
                () -> RulModel.read(
                        new java.io.ByteArrayInputStream(v1WithNormalisation.getBytes(StandardCharsets.UTF_8))));
        assertTrue(refused.getMessage().contains("'normalisation' needs version 2"), refused.getMessage());
        String zeroSpread = Files.readString(normalised).replaceFirst("\"sd\":\\[\\[[^,\\]]+", "\"sd\":[[0");
        IOException invalid = assertThrows(
                IOException.class,
                () -> RulModel.read(new java.io.ByteArrayInputStream(zeroSpread.getBytes(StandardCharsets.UTF_8))));
        assertTrue(invalid.getMessage().contains("sd finite and above 0"), invalid.getMessage());
    }

    @Test
    void theEngineSeesNormalisedSensorsSoAChangeOfConditionIsNoDrift() {
        RulModel model = RulModel.constant(SENSORS, 3600, fleet());
        HealthConfig config = HealthConfig.of(SENSORS, 70, 40, 5, 0, 20, 0, 60).withContext(CONTEXT);
        HealthEngine normalising = new HealthEngine(config, model);
        // Without the fleet's regimes, a machine that learned its baseline at sea level only drifts at altitude.
        HealthEngine plain = new HealthEngine(HealthConfig.of(SENSORS, 70, 40, 5, 0, 20, 0, 60), null);
        MachineState a = normalising.newState();
        MachineState b = plain.newState();
        Random random = new Random(11);
        double lowestNormalised = 100;
        double lowestPlain = 100;
        for (int k = 0; k < 200; k++) {
            double[] c = k < 20 ? new double[] {0, 0.2} : context(k, random);
            double[] s = sensors(c, random);
            lowestNormalised = Math.min(
                    lowestNormalised,
                    normalising
                            .update(a, new ScoredReading("m", k * 1000L, s, Double.NaN, false, c))
                            .health());
            lowestPlain = Math.min(
                    lowestPlain,
                    plain.update(b, new ScoredReading("m", k * 1000L, s, Double.NaN, false))
                            .health());
        }
        assertTrue(lowestNormalised > 90, "normalised health fell to " + lowestNormalised);
        assertTrue(lowestPlain < 70, "plain health stayed above the warning threshold: " + lowestPlain);
    }

    @Test
    void aModelNormalisingByOtherFieldsIsRefused() {
        RulModel model = RulModel.constant(SENSORS, 3600, fleet());
        HealthConfig other = HealthConfig.of(SENSORS, 70, 40, 5, 0, 20, 0, 60)
                .withContext(OperatingContext.regimes(List.of("altitude"), 0.1, 8));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new HealthEngine(other, model));
        assertTrue(e.getMessage().contains("[altitude, mach]"), e.getMessage());
    }
}
