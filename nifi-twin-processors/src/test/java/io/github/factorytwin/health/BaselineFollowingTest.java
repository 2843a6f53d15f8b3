package io.github.factorytwin.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Baselines follow slow, benign change but not a developing fault (see {@link HealthEngine}, "Following slow,
 * benign change").
 */
class BaselineFollowingTest {

    private static final long STEP = 2_000;

    private final HealthEngine engine = new HealthEngine(
            HealthConfig.of(List.of("temperature", "vibration"), 70, 40, 5, 60_000, 300, 30_000, 120), null);
    private final MachineState state = engine.newState();
    private final Random random = new Random(5);
    private long time;
    private double temperature = 70;

    /** {@code n} readings, temperature (standard deviation 1) moved by {@code step} per reading; the last outcome. */
    private HealthAssessment run(int n, double step) {
        HealthAssessment outcome = null;
        for (int i = 0; i < n; i++) {
            temperature += step;
            time += STEP;
            double[] values = {temperature + random.nextGaussian(), 1.0 + 0.01 * random.nextGaussian()};
            outcome = engine.update(state, new ScoredReading("M1", time, values, Double.NaN, false));
        }
        return outcome;
    }

    private HealthStatus worstOf(int n, double step) {
        HealthStatus worst = HealthStatus.HEALTHY;
        for (int i = 0; i < n; i++) {
            HealthStatus status = run(1, step).status();
            worst = status.compareTo(worst) > 0 ? status : worst;
        }
        return worst;
    }

    @Test
    void aSlowBenignDriftKeepsTheMachineHealthy() {
        run(600, 0);
        // 12 standard deviations over a day (43,200 readings): far beyond what the first baseline allows
        assertEquals(HealthStatus.HEALTHY, worstOf(43_200, 12.0 / 43_200));
        assertTrue(run(1, 0).health() > 90, "health " + run(1, 0).health());
    }

    @Test
    void aDevelopingFaultIsFlaggedAndTheMachineRecoversAfterItEnds() {
        run(600, 0);
        // 15 standard deviations over one hour (1,800 readings), then held
        assertEquals(HealthStatus.CRITICAL, worstOf(1_800, 15.0 / 1_800));
        assertEquals(HealthStatus.CRITICAL, run(1_800, 0).status(), "not learned away while it lasts");

        // the fault ends: back to the old level; healthy again within five minutes (smoothing, dwell, hysteresis)
        temperature = 70;
        run(150, 0);
        assertEquals(HealthStatus.HEALTHY, run(1, 0).status());
        assertEquals(HealthStatus.HEALTHY, worstOf(1_800, 0));
    }
}
