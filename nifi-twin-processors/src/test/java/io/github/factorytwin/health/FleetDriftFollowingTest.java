package io.github.factorytwin.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Baselines follow a drift the fleet shares, but not the same drift on one machine (see {@link BaselineFollowing}
 * and {@link FleetDrift}): five machines, temperature (standard deviation 1) around levels of their own, one
 * reading each every 2 s, each reading committed on its own.
 */
class FleetDriftFollowingTest {

    private static final long STEP = 2_000;
    private static final int MACHINES = 5;
    /**
     * 5 standard deviations per hour: five times what the machine's own following (1 h, within 1 sigma) follows,
     * and with the fleet's 10 min a lag of 5 / 6 sigma, within what costs no health.
     */
    private static final double FAST_DRIFT = 5.0 / 1_800;

    private final Random random = new Random(11);
    private final double[] offset = new double[MACHINES];
    private HealthEngine engine;
    private long time;

    private void fleet(BaselineFollowing following) {
        engine = new HealthEngine(
                HealthConfig.of(List.of("temperature", "vibration"), 70, 40, 5, 60_000, 300, 30_000, 120)
                        .withFollowing(following),
                null);
    }

    /** Machine m's committed state. */
    private MachineState state(int m) {
        return engine.machines().committed("M" + m);
    }

    /**
     * {@code n} rounds of readings, each round one batch (a FlowFile); machine m's temperature offset grows by {@code
     * drift[m]} per round. Returns each machine's worst status over them.
     */
    private HealthStatus[] run(int n, double... drift) throws Exception {
        HealthStatus[] worst = new HealthStatus[MACHINES];
        java.util.Arrays.fill(worst, HealthStatus.HEALTHY);
        for (int i = 0; i < n; i++) {
            time += STEP;
            HealthEngine.Batch batch = engine.begin();
            for (int m = 0; m < MACHINES; m++) {
                offset[m] += m < drift.length ? drift[m] : 0;
                double[] values = {60 + 5 * m + offset[m] + random.nextGaussian(), 1.0 + 0.01 * random.nextGaussian()};
                HealthStatus status = batch.process(
                                new ScoredReading("M" + m, time, values, Double.NaN, false), Long.MAX_VALUE)
                        .status();
                worst[m] = status.compareTo(worst[m]) > 0 ? status : worst[m];
            }
            batch.commit();
        }
        return worst;
    }

    private static double[] all(double drift) {
        double[] each = new double[MACHINES];
        java.util.Arrays.fill(each, drift);
        return each;
    }

    @Test
    void aDriftTheWholeFleetSharesIsFollowed() throws Exception {
        fleet(BaselineFollowing.DEFAULT);
        run(600);
        for (HealthStatus status : run(3_600, all(FAST_DRIFT))) {
            assertEquals(HealthStatus.HEALTHY, status, "10 standard deviations in two hours, shared by the fleet");
        }
        assertTrue(state(0).health > 90, "health " + state(0).health);
    }

    @Test
    void withoutTheFleetPartTheSameDriftIsADeviation() throws Exception {
        fleet(new BaselineFollowing(3_600, 1, 0));
        run(600);
        for (HealthStatus status : run(3_600, all(FAST_DRIFT))) {
            assertEquals(HealthStatus.CRITICAL, status, "the machine's own following alone cannot keep up");
        }
    }

    @Test
    void theSameDriftOnOneMachineIsNotFollowedAndItRecoversWhenItEnds() throws Exception {
        fleet(BaselineFollowing.DEFAULT);
        run(600);
        HealthStatus[] worst = run(1_800, FAST_DRIFT);
        assertEquals(HealthStatus.CRITICAL, worst[0], "a developing fault on one machine");
        for (int m = 1; m < MACHINES; m++) {
            assertEquals(HealthStatus.HEALTHY, worst[m], "machine " + m);
        }
        assertEquals(HealthStatus.CRITICAL, run(1_800)[0], "not learned away while it lasts");
        assertEquals(HealthStatus.CRITICAL, state(0).status);

        // the fault ends: back to the old level; healthy again within five minutes (smoothing, dwell, hysteresis)
        offset[0] = 0;
        run(150);
        assertEquals(HealthStatus.HEALTHY, state(0).status);
        assertEquals(HealthStatus.HEALTHY, run(1_800)[0]);
    }

    @Test
    void aMachineWithAFaultStillFollowsTheSharedPart() throws Exception {
        fleet(BaselineFollowing.DEFAULT);
        run(600);
        // the whole fleet drifts up; machine 0 also has a fault of 8 standard deviations from the start of it
        offset[0] += 8;
        run(3_600, all(FAST_DRIFT));
        MachineState faulty = state(0);
        double z = HealthEngine.zScore(faulty, 0, faulty.fast[0]);
        assertEquals(8, z, 1.5, "the fault, not the fleet's 10 standard deviations of drift");
        assertNotEquals(HealthStatus.HEALTHY, faulty.status);
    }

    @Test
    void aRestartedEngineFollowsTheFleetAsIfUninterrupted(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        BaselineFollowing following = BaselineFollowing.DEFAULT;
        HealthConfig config = HealthConfig.of(List.of("temperature", "vibration"), 70, 40, 5, 60_000, 300, 30_000, 120)
                .withFollowing(following);
        fleet(following);
        run(600);
        run(600, all(FAST_DRIFT));
        HealthStatus[] uninterrupted = run(600, all(FAST_DRIFT));
        double[] health = new double[MACHINES];
        for (int m = 0; m < MACHINES; m++) {
            health[m] = state(m).health;
        }

        java.util.Arrays.fill(offset, 0);
        time = 0;
        random.setSeed(11);
        engine = HealthEngine.open(config, null, dir, "life", 100, (machine, reason) -> {});
        run(600);
        run(600, all(FAST_DRIFT));
        engine.machines().close();
        engine = HealthEngine.open(config, null, dir, "life", 100, (machine, reason) -> {});
        assertTrue(engine.machines().size() == MACHINES, "the states were saved");
        HealthStatus[] restarted = run(600, all(FAST_DRIFT));
        assertEquals(java.util.Arrays.asList(uninterrupted), java.util.Arrays.asList(restarted));
        for (int m = 0; m < MACHINES; m++) {
            assertEquals(health[m], state(m).health, 1e-9, "machine " + m + " after the restart");
        }
    }
}
