package io.github.factorytwin.anomaly;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
    void bothSavedLayoutsRestoreARingThatContinuesExactly() throws IOException {
        for (int added : new int[] {0, 2, 5, 11}) {
            DoubleRing ring = new DoubleRing(5, 1);
            for (int i = 0; i < added; i++) {
                ring.add(i * 1.5);
            }
            DoubleRing whole = new DoubleRing(5);
            whole.readWhole(input(out -> ring.writeWhole(out)));
            DoubleRing filled = new DoubleRing(5, 1);
            filled.readFilled(input(out -> ring.writeFilled(out)), "test ring");
            ring.add(99);
            whole.add(99);
            filled.add(99);
            assertArrayEquals(slots(ring), slots(whole));
            assertArrayEquals(slots(ring), slots(filled));
        }
    }

    @Test
    void theLayoutsAreTheFilesBytes() throws IOException {
        DoubleRing ring = new DoubleRing(3);
        ring.add(7);
        assertEquals(4 + 4 + 3 * 8, bytes(out -> ring.writeWhole(out)).length);
        assertEquals(4 + 8 + 4, bytes(out -> ring.writeFilled(out)).length);
    }

    @Test
    void aNextSlotTheRingCouldNotHaveReachedIsRefused() throws IOException {
        // 2 values, next slot 0: a ring that is not full always writes next to its count
        byte[] damaged = bytes(out -> {
            out.writeInt(2);
            out.writeDouble(1);
            out.writeDouble(2);
            out.writeInt(0);
        });
        DoubleRing ring = new DoubleRing(5);
        assertThrows(
                ModelFormatException.class,
                () -> ring.readFilled(StateInput.of(new ByteArrayInputStream(damaged), damaged.length), "test"));
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
