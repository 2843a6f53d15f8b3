package io.github.factorytwin.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The answer beyond a capped RUL model's cap, from the training fleet's lifetimes and the machine's age. */
class LifeBeyondCapTest {

    private static final List<String> SENSORS = List.of("s1", "s2");
    // lifetimes 150, 200, 250, 300 readings; cap 100
    private static final LifeBeyondCap FLEET = new LifeBeyondCap(new int[] {150, 200, 250, 300}, 100, 10, 1);

    @Test
    void anEstimateAtTheCapGetsTheFleetsMeanLifeBeyondItAtThatAge() {
        // age 0: lives beyond the cap 50, 100, 150, 200 -> mean 125
        assertEquals(225, FLEET.answer(100, 0), 1e-9);
        // age 120: all four outlived it; beyond the cap: 0, 0, 30, 80 -> mean 27.5
        assertEquals(127.5, FLEET.answer(100, 120), 1e-9);
        // age 160: three outlived it; beyond the cap: 0, 0, 40 -> mean 13.33
        assertEquals(100 + 40.0 / 3, FLEET.answer(100, 160), 1e-9);
        // older than every training machine: nothing is known beyond the cap
        assertEquals(100, FLEET.answer(100, 400), 1e-9);
    }

    @Test
    void theExpectationIsTheMeanOverTheMachinesThatOutlivedTheAgeInAnyOrder() {
        java.util.Random random = new java.util.Random(9);
        for (int trial = 0; trial < 200; trial++) {
            int[] lives = new int[1 + random.nextInt(50)];
            for (int i = 0; i < lives.length; i++) {
                lives[i] = 1 + random.nextInt(400);
            }
            double cap = 1 + random.nextInt(200);
            LifeBeyondCap fleet = new LifeBeyondCap(lives, cap, 1, 1);
            long age = random.nextInt(450);
            int n = 0;
            double sum = 0;
            for (int life : lives) {
                if (life > age) {
                    n++;
                    sum += Math.max(0, life - age - cap);
                }
            }
            assertEquals(n == 0 ? 0 : sum / n, fleet.meanLifeBeyondCap(age), 1e-9);
        }
    }

    @Test
    void estimatesBelowTheBandAreUnchangedAndTheBandBlendsSmoothly() {
        assertEquals(80, FLEET.answer(80, 0), 1e-12);
        assertEquals(90, FLEET.answer(90, 0), 1e-12);
        assertEquals(95 + 0.25 * 125, FLEET.answer(95, 0), 1e-9); // halfway into the band: a quarter of it
        LifeBeyondCap half = new LifeBeyondCap(new int[] {150, 200, 250, 300}, 100, 10, 0.5);
        assertEquals(100 + 62.5, half.answer(100, 0), 1e-9);
    }

    @Test
    void theModelFileCarriesItAndTheEngineAnswersWithTheMachinesAge(@TempDir Path dir) throws IOException {
        RulModel model = RulModel.constant(SENSORS, 100, null).withBeyondCap(FLEET);
        Path file = dir.resolve("rul.json");
        model.write(file);
        String json = Files.readString(file);
        assertTrue(json.contains("\"version\":3") && json.contains("\"beyondCap\""), json);
        RulModel read = RulModel.read(file);

        HealthEngine engine = new HealthEngine(HealthConfig.of(SENSORS, 70, 40, 5, 10_000, 20, 30_000, 120), read);
        MachineState state = engine.newState();
        Long ttm = null;
        for (int i = 0; i < 120; i++) {
            ttm = engine.update(
                            state, new ScoredReading("M1", 1_000L * i, new double[] {1 + i % 2, 5 - i % 3}, 0.5, false))
                    .timeToMaintenance();
        }
        assertEquals(120, state.readings);
        assertEquals(128L, ttm); // 127.5 at 120 readings

        assertRefused(json.replace("\"version\":3", "\"version\":2"), "'beyondCap' needs version 3");
        assertRefused(json.replaceFirst("\"weight\":1.0", "\"weight\":2.0"), "a weight from 0 to 1");
        assertRefused(json.replaceFirst("\"lives\":\\[150", "\"lives\":[-1"), "positive numbers of readings");
        assertRefused(json.replaceFirst("\"lives\":\\[150", "\"lives\":[1.5"), "whole numbers of readings");
    }

    private static void assertRefused(String json, String reason) {
        IOException e = assertThrows(
                IOException.class,
                () -> RulModel.read(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8))));
        assertTrue(e.getMessage().contains(reason), e.getMessage());
    }
}
