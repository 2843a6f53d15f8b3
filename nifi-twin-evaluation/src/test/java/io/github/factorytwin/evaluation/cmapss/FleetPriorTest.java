package io.github.factorytwin.evaluation.cmapss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class FleetPriorTest {

    private final FleetPrior prior = new FleetPrior(List.of(100, 150, 300), 125);

    @Test
    void aNewEngineGetsTheFleetsMeanCappedLife() {
        // min(125, life): 100, 125, 125
        assertEquals(350.0 / 3, prior.estimate(0), 1e-9);
        double mean = 350.0 / 3;
        double variance = (Math.pow(100 - mean, 2) + 2 * Math.pow(125 - mean, 2)) / 2;
        assertEquals(Math.sqrt(variance), prior.spread(0), 1e-9);
    }

    @Test
    void onlyEnginesThatLivedLongerCount() {
        // at 120 cycles the 100-cycle engine is gone: min(125, 30) and min(125, 180)
        assertEquals((30 + 125) / 2.0, prior.estimate(120), 1e-9);
        assertEquals(Math.sqrt(2 * Math.pow(47.5, 2)), prior.spread(120), 1e-9);
        // one engine left: its remaining life, no spread
        assertEquals(100, prior.estimate(200), 1e-9);
        assertEquals(0, prior.spread(200), 1e-9);
    }

    @Test
    void anEngineOlderThanTheWholeFleetIsDueNow() {
        assertEquals(0, prior.estimate(300), 1e-9);
        assertEquals(0, prior.estimate(1000), 1e-9);
    }

    @Test
    void aFleetIsNeeded() {
        assertThrows(IllegalArgumentException.class, () -> new FleetPrior(List.of(), 125));
    }
}
