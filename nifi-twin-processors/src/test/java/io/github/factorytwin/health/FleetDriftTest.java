package io.github.factorytwin.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class FleetDriftTest {

    private static final long T = 1_700_000_000_000L;

    private static double[] others(FleetDrift fleet, String machine, long now, int sensors) {
        double[] shared = new double[sensors];
        fleet.othersMedians(machine, now, shared);
        return shared;
    }

    @Test
    void theMedianOfTheOthersNeedsThreeOfThemAndLeavesTheAskerOut() {
        FleetDrift fleet = new FleetDrift(2, 16);
        fleet.publish("a", T, new double[] {1.0, Double.NaN});
        fleet.publish("b", T, new double[] {1.2, 0.5});
        fleet.publish("c", T, new double[] {50.0, 0.7});
        assertTrue(Double.isNaN(others(fleet, "c", T, 2)[0]), "two other machines are no fleet");
        fleet.publish("d", T, new double[] {0.8, 0.6});
        long later = T + FleetDrift.REFRESH_MILLIS;
        assertEquals(1.0, others(fleet, "c", later, 2)[0], 1e-12, "the others of the machine with a fault");
        assertEquals(1.2, others(fleet, "a", later, 2)[0], 1e-12, "one machine's fault moves the median by little");
        assertEquals(1.1, others(fleet, "new", later, 2)[0], 1e-12, "a machine not seen yet: all of them");
        assertTrue(
                Double.isNaN(others(fleet, "b", later, 2)[1]),
                "a machine without a value for a sensor does not count for it: two others have one");
        assertEquals(0.6, others(fleet, "a", later, 2)[1], 1e-12);
    }

    @Test
    void aMachinesLatestDeviationReplacesItsOlderOne() {
        FleetDrift fleet = new FleetDrift(1, 16);
        for (String machine : new String[] {"a", "b", "c", "d"}) {
            fleet.publish(machine, T, new double[] {5});
        }
        fleet.publish("a", T, new double[] {0});
        fleet.publish("b", T, new double[] {0});
        fleet.publish("c", T, new double[] {0});
        assertEquals(0, others(fleet, "x", T, 1)[0]);
        assertEquals(4, fleet.size());
    }

    @Test
    void deviationsOlderThanTheWindowDoNotCount() {
        FleetDrift fleet = new FleetDrift(1, 16);
        fleet.publish("old1", T, new double[] {9});
        fleet.publish("old2", T, new double[] {9});
        long later = T + FleetDrift.WINDOW_MILLIS + 1;
        fleet.publish("a", later, new double[] {1});
        fleet.publish("b", later, new double[] {2});
        fleet.publish("c", later, new double[] {3});
        assertEquals(2, others(fleet, "x", later, 1)[0]);
    }

    @Test
    void theMachinesKeptAreBoundedByTheCapacity() {
        FleetDrift fleet = new FleetDrift(1, 4);
        for (int m = 0; m < 100; m++) {
            fleet.publish("m" + m, T + m, new double[] {m});
        }
        assertEquals(4, fleet.size());
        assertEquals(97.5, others(fleet, "x", T + 100, 1)[0], 1e-12, "the machines written most recently");
    }

    @Test
    void theMediansAreRecomputedOnlyWhenTheEventTimeMoved() {
        FleetDrift fleet = new FleetDrift(1, 8);
        for (String machine : new String[] {"a", "b", "c"}) {
            fleet.publish(machine, T, new double[] {1});
        }
        assertEquals(1, others(fleet, "x", T, 1)[0]);
        fleet.publish("a", T, new double[] {3});
        fleet.publish("b", T, new double[] {3});
        assertEquals(1, others(fleet, "x", T + FleetDrift.REFRESH_MILLIS - 1, 1)[0], "within a refresh: as computed");
        assertEquals(3, others(fleet, "x", T + FleetDrift.REFRESH_MILLIS, 1)[0]);
    }

    @Test
    void theMedianWithoutOneValue() {
        double[] values = {1, 2, 3, 4, 5};
        assertEquals(3.5, FleetDrift.medianWithout(values, 5, 1));
        assertEquals(2.5, FleetDrift.medianWithout(values, 5, 5));
        assertEquals(3, FleetDrift.medianWithout(values, 5, Double.NaN));
        assertEquals(3, FleetDrift.medianWithout(values, 4, 1), "2, 3, 4");
        assertTrue(Double.isNaN(FleetDrift.medianWithout(values, 3, 2)), "two left");
    }

    @Test
    void theSharedShareIsThePartTheFleetAlsoShows() {
        assertEquals(0.5, BaselineFollowing.sharedShare(2, 1));
        assertEquals(1, BaselineFollowing.sharedShare(2, 3), "never more than the machine's own deviation");
        assertEquals(0, BaselineFollowing.sharedShare(2, -1), "the other way");
        assertEquals(0, BaselineFollowing.sharedShare(2, Double.NaN), "no fleet");
        assertEquals(0, BaselineFollowing.sharedShare(0, 1));
    }
}
