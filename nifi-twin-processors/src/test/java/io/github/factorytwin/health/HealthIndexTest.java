package io.github.factorytwin.health;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fused health index, the feature layout 2 built on it, and RUL model files of version 3 that carry it. */
class HealthIndexTest {

    private static final List<String> SENSORS = List.of("s1", "s2", "s3");

    @Test
    void fitRecoversTheDirectionInWhichTheSensorsDegrade() {
        Random random = new Random(5);
        List<double[]> z = new ArrayList<>();
        double[] target = new double[2000];
        for (int r = 0; r < target.length; r++) {
            double[] row = {random.nextGaussian(), random.nextGaussian(), random.nextGaussian()};
            z.add(row);
            target[r] = 100 - 20 * row[0] + 5 * row[1] + 0.5 * random.nextGaussian(); // the third sensor says nothing
        }
        HealthIndex index = HealthIndex.fit(z, target, 0);
        assertEquals(100, index.value(new double[] {0, 0, 0}), 0.1);
        assertEquals(80, index.value(new double[] {1, 0, 0}), 0.1);
        assertEquals(105, index.value(new double[] {0, 1, 0}), 0.1);
        assertEquals(100, index.value(new double[] {0, 0, 1}), 0.1);
    }

    @Test
    void theRidgeSharesTheWeightOfSensorsThatMoveTogether() {
        Random random = new Random(7);
        List<double[]> z = new ArrayList<>();
        double[] target = new double[1000];
        for (int r = 0; r < target.length; r++) {
            double common = random.nextGaussian();
            z.add(new double[] {common + 1e-6 * random.nextGaussian(), common + 1e-6 * random.nextGaussian()});
            target[r] = -10 * common;
        }
        HealthIndex index = HealthIndex.fit(z, target, 0.1);
        double first = index.value(new double[] {1, 0}) - index.value(new double[] {0, 0});
        double second = index.value(new double[] {0, 1}) - index.value(new double[] {0, 0});
        // without the ridge the near-collinear pair gets huge weights of opposite sign
        assertEquals(first, second, 0.1);
        assertTrue(first < -3 && first > -5.1, "weight " + first);
    }

    @Test
    void layoutTwoAddsEachSensorsDriftRateAndTheFusedIndexOfSlowAndFastValues() {
        HealthIndex index = new HealthIndex(new double[] {-10, 0, 2}, 100);
        double[] x = new double[RulFeatures.count(3)];
        for (int i = 0; i < 3; i++) {
            x[4 + 4 * i + 2] = i + 1; // fast z: 1, 2, 3
            x[4 + 4 * i + 3] = 0.5 * (i + 1); // slow z: 0.5, 1, 1.5
        }
        double[] extended = RulFeatures.extend(x, index);
        assertEquals(RulFeatures.count(RulFeatures.LAYOUT_V2, 3), extended.length);
        assertArrayEquals(x, java.util.Arrays.copyOf(extended, x.length));
        int k = x.length;
        assertArrayEquals(new double[] {0.5, 1, 1.5}, java.util.Arrays.copyOfRange(extended, k, k + 3));
        assertEquals(100 - 5 + 3, extended[k + 3], 1e-12); // slow index
        assertEquals(100 - 10 + 6, extended[k + 4], 1e-12); // fast index
        assertEquals(-2, extended[k + 5], 1e-12); // falling: degrading now faster than on average
    }

    /** A stump on the slow fused index: at most 90 -> 10 s, else 1000 s. */
    private static RulModel stumpOnTheIndex(HealthIndex index) {
        int slowIndex = RulFeatures.count(3) + 3;
        return new RulModel(
                SENSORS,
                0,
                1,
                new int[][] {{slowIndex, -1, -1}},
                new double[][] {{90, 0, 0}},
                new int[][] {{1, 0, 0}},
                new int[][] {{2, 0, 0}},
                new double[][] {{0, 10, 1000}},
                index);
    }

    @Test
    void aVersion3FileCarriesTheIndexAndTheEngineAnswersFromIt(@TempDir Path dir) throws IOException {
        HealthIndex index = new HealthIndex(new double[] {-10, 0, 0}, 100);
        Path file = dir.resolve("v3.json");
        stumpOnTheIndex(index).write(file);
        String json = Files.readString(file);
        assertTrue(json.contains("\"version\":3") && json.contains("\"features\":\"health-state-v2\""), json);
        RulModel read = RulModel.read(file);
        assertEquals(RulFeatures.LAYOUT_V2, read.layout());

        // A machine whose first sensor drifts far above its baseline: the index falls, the answer with it.
        HealthEngine engine = new HealthEngine(HealthConfig.of(SENSORS, 70, 40, 5, 10_000, 50, 30_000, 120), read);
        MachineState state = engine.newState();
        Long steady = null;
        Long degraded = null;
        Random random = new Random(3);
        for (int i = 0; i < 400; i++) {
            double drift = i < 200 ? 0 : (i - 200) * 0.1;
            double[] values = {
                100 + drift + random.nextGaussian(), 200 + random.nextGaussian(), 300 + random.nextGaussian()
            };
            Long ttm = engine.update(state, new ScoredReading("M1", 1_000L * i, values, 0.5, false))
                    .timeToMaintenance();
            if (i == 199) {
                steady = ttm;
            }
            degraded = ttm;
        }
        assertEquals(1000L, steady);
        assertEquals(10L, degraded);
        assertEquals(read.predict(RulFeatures.extend(RulFeatures.of(state), index)), read.predict(state));
    }

    @Test
    void layoutOneFilesStayReadableAndOtherLayoutsAreRefusedWithTheReason(@TempDir Path dir) throws IOException {
        Path v1 = dir.resolve("v1.json");
        RulModel.constant(SENSORS, 3600, null).write(v1);
        RulModel old = RulModel.read(v1);
        assertEquals(RulFeatures.LAYOUT, old.layout());
        assertNull(old.index());

        Path v3 = dir.resolve("v3.json");
        stumpOnTheIndex(new HealthIndex(new double[] {1, 2, 3}, 4)).write(v3);
        String json = Files.readString(v3);
        assertRefused(
                json.replace("health-state-v2", "health-state-v9"), "neither health-state-v2 nor health-state-v1");
        assertRefused(json.replace("\"version\":3", "\"version\":2"), "need an 'index' object and version 3");
        assertRefused(json.replace("\"index\"", "\"unknown\""), "need an 'index' object");
        assertRefused(json.replace("\"weights\":[1.0,2.0,3.0]", "\"weights\":[1.0,2.0]"), "one number per sensor (3)");
        // trees over layout 2's extra features cannot be read as layout 1
        assertRefused(
                json.replace("health-state-v2", "health-state-v1").replaceFirst(",\"index\":\\{[^}]*}", ""),
                "uses feature");
    }

    private static void assertRefused(String json, String reason) {
        IOException e = assertThrows(
                IOException.class,
                () -> RulModel.read(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8))));
        assertTrue(e.getMessage().contains(reason), e.getMessage());
    }
}
