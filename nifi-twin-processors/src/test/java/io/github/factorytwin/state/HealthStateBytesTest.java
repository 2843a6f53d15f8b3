package io.github.factorytwin.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.factorytwin.health.HealthEngine;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * ComputeHealthScore's machine state bytes under damage: every byte set to extreme values and every truncation of
 * a current (format 5) and of each former (formats 3, 4) state is read or refused with the documented
 * IllegalArgumentException, never anything else, and a damaged count cannot make reading allocate more than the
 * engine's dimensions allow.
 */
class HealthStateBytesTest {

    @Test
    void damagedStatesAreReadOrRefusedWithTheDocumentedException() {
        check(
                StateFixtures.loadEngine(),
                StateFixtures.healthState(StateFixtures.loadEngine(), "M1", 300).toBytes());
        check(
                StateFixtures.regimesEngine(),
                StateFixtures.healthState(StateFixtures.regimesEngine(), "M1", 300)
                        .toBytes());
        check(StateFixtures.loadEngine(), StateFixtures.resource("health-load-format3.bin"));
        check(StateFixtures.regimesEngine(), StateFixtures.resource("health-regimes-format4.bin"));
    }

    private static void check(HealthEngine engine, byte[] valid) {
        int refused = 0;
        for (int at = 0; at < valid.length; at++) {
            for (byte value : new byte[] {0, -1, 0x7f, (byte) 0x80, (byte) (valid[at] ^ 1)}) {
                byte[] bytes = valid.clone();
                bytes[at] = value;
                refused += read(engine, bytes);
            }
            refused += read(engine, Arrays.copyOf(valid, at));
        }
        refused += read(engine, Arrays.copyOf(valid, valid.length + 1));
        assertTrue(refused >= valid.length + 1, "every truncation and the extended state are refused: " + refused);
        assertEquals(0, read(engine, valid));
    }

    /** 1 when refused, 0 when read. */
    private static int read(HealthEngine engine, byte[] bytes) {
        long before = StateFixturesAllocation.allocated();
        try {
            engine.fromBytes(bytes);
            return 0;
        } catch (IllegalArgumentException refused) {
            return 1;
        } finally {
            long used = StateFixturesAllocation.allocated() - before;
            assertTrue(used < 1 << 20, used + " bytes allocated reading " + bytes.length + " bytes");
        }
    }
}
