package io.github.factorytwin.anomaly;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.factorytwin.state.StateFormatException;
import io.github.factorytwin.state.StateInput;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class DoubleRingTest {

    private static double[] slots(DoubleRing ring) {
        double[] values = new double[ring.count()];
        for (int i = 0; i < values.length; i++) {
            values[i] = ring.get(i);
        }
        return values;
    }

    @Test
    void keepsTheLastCapacityValuesOverwritingTheOldest() {
        DoubleRing ring = new DoubleRing(3);
        ring.add(1);
        ring.add(2);
        assertEquals(2, ring.count());
        assertFalse(ring.isFull());
        ring.add(3);
        assertTrue(ring.isFull());
        assertEquals(1, ring.oldest());
        ring.add(4);
        assertEquals(3, ring.count());
        assertArrayEquals(new double[] {4, 2, 3}, slots(ring));
        assertEquals(2, ring.oldest());
    }

    @Test
    void storageThatStartsSmallGrowsToTheCapacityWithTheSameContents() {
        DoubleRing growing = new DoubleRing(40, 2);
        DoubleRing whole = new DoubleRing(40);
        for (int i = 0; i < 100; i++) {
            growing.add(i);
            whole.add(i);
            assertArrayEquals(slots(whole), slots(growing));
        }
    }

    @Test
    void aRingOfCapacityZeroKeepsNothing() {
        DoubleRing ring = new DoubleRing(0);
        ring.add(5);
        assertEquals(0, ring.count());
    }

    @Test
    void aCopyIsIndependent() {
        DoubleRing ring = new DoubleRing(4);
        ring.add(1);
        DoubleRing copy = ring.copy();
        copy.add(2);
        assertEquals(1, ring.count());
        assertEquals(2, copy.count());
    }

    @Test
    void aSavedRingContinuesExactly() throws IOException {
        for (int added : new int[] {0, 2, 5, 11}) {
            DoubleRing ring = new DoubleRing(5, 1);
            for (int i = 0; i < added; i++) {
                ring.add(i * 1.5);
            }
            DoubleRing whole = new DoubleRing(5);
            DoubleRing.FIELDS.read(DoubleRing.FIELDS.toBytes(ring), 0, whole);
            DoubleRing growing = new DoubleRing(5, 1);
            DoubleRing.FIELDS.read(DoubleRing.FIELDS.toBytes(ring), 0, growing);
            ring.add(99);
            whole.add(99);
            growing.add(99);
            assertArrayEquals(slots(ring), slots(whole));
            assertArrayEquals(slots(ring), slots(growing));
        }
    }

    @Test
    void theSavedRingHoldsOnlyItsFilledSlots() {
        DoubleRing ring = new DoubleRing(3);
        ring.add(7);
        assertEquals(4 + 8 + 4, DoubleRing.FIELDS.toBytes(ring).length);
    }

    @Test
    void aSavedCountOrNextSlotTheRingCouldNotHaveReachedIsRefused() throws IOException {
        // 2 values, next slot 0: a ring that is not full always has its next slot at its count
        byte[] unreachable = bytes(out -> {
            out.writeInt(2);
            out.writeDouble(1);
            out.writeDouble(2);
            out.writeInt(0);
        });
        StateFormatException next = assertThrows(
                StateFormatException.class, () -> DoubleRing.FIELDS.read(unreachable, 0, new DoubleRing(5)));
        assertTrue(next.getMessage().contains("next slot"), next.getMessage());
        byte[] tooMany = bytes(out -> out.writeInt(6));
        StateFormatException count =
                assertThrows(StateFormatException.class, () -> DoubleRing.FIELDS.read(tooMany, 0, new DoubleRing(5)));
        assertTrue(count.getMessage().contains("value count"), count.getMessage());
    }

    @Test
    void bothVersion2LayoutsAreStillRead() throws IOException {
        // a feature window: count, next slot, every slot; a likelihood ring: count, the filled slots, next slot
        DoubleRing whole = new DoubleRing(3);
        whole.readWhole(input(out -> {
            out.writeInt(2);
            out.writeInt(2);
            out.writeDouble(4);
            out.writeDouble(5);
            out.writeDouble(0);
        }));
        DoubleRing filled = new DoubleRing(3, 1);
        filled.readFilled(
                input(out -> {
                    out.writeInt(2);
                    out.writeDouble(4);
                    out.writeDouble(5);
                    out.writeInt(2);
                }),
                "test ring");
        for (DoubleRing ring : new DoubleRing[] {whole, filled}) {
            ring.add(6);
            ring.add(7);
            assertArrayEquals(new double[] {7, 5, 6}, slots(ring));
        }
        byte[] damaged = bytes(out -> {
            out.writeInt(2);
            out.writeDouble(1);
            out.writeDouble(2);
            out.writeInt(0);
        });
        assertThrows(ModelFormatException.class, () -> new DoubleRing(5)
                .readFilled(StateInput.of(new ByteArrayInputStream(damaged), damaged.length), "test"));
        byte[] tooMany = bytes(out -> {
            out.writeInt(6);
            out.writeInt(0);
        });
        assertThrows(IOException.class, () -> new DoubleRing(5)
                .readWhole(StateInput.of(new ByteArrayInputStream(tooMany), tooMany.length)));
    }

    private interface Writing {
        void write(DataOutputStream out) throws IOException;
    }

    private static byte[] bytes(Writing writing) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        writing.write(out);
        out.flush();
        return bytes.toByteArray();
    }

    private static StateInput input(Writing writing) throws IOException {
        byte[] bytes = bytes(writing);
        return StateInput.of(new ByteArrayInputStream(bytes), bytes.length);
    }
}
