package io.github.factorytwin.state;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ChecksummedRecordsTest {

    private static byte[] twoRecords() {
        ByteBuffer buffer = ByteBuffer.allocate(2 * ChecksummedRecords.FRAME_BYTES + 3 + 5);
        ChecksummedRecords.put(buffer, 3, b -> b.put(new byte[] {1, 2, 3}));
        ChecksummedRecords.put(buffer, 5, b -> b.put(new byte[] {4, 5, 6, 7, 8}));
        return buffer.array();
    }

    private static ChecksummedRecords.Input input(byte[] bytes, int max) {
        return new ChecksummedRecords.Input(new ByteArrayInputStream(bytes), bytes.length, max);
    }

    @Test
    void recordsAreReadBackUntilTheEnd() throws IOException {
        try (ChecksummedRecords.Input in = input(twoRecords(), 100)) {
            assertArrayEquals(new byte[] {1, 2, 3}, in.next());
            assertEquals(11, in.goodPosition());
            assertArrayEquals(new byte[] {4, 5, 6, 7, 8}, in.next());
            assertNull(in.next());
        }
    }

    @Test
    void aTornOrDamagedTailStopsAtTheLastGoodRecord() throws IOException {
        byte[] bytes = twoRecords();
        try (ChecksummedRecords.Input in = input(Arrays.copyOf(bytes, bytes.length - 2), 100)) {
            in.next();
            assertThrows(StateFormatException.class, in::next);
            assertEquals(11, in.goodPosition());
        }
        byte[] damaged = bytes.clone();
        damaged[16] ^= 1;
        try (ChecksummedRecords.Input in = input(damaged, 100)) {
            in.next();
            assertThrows(StateFormatException.class, in::next);
        }
    }

    @Test
    void aLengthBeyondTheBoundOrTheFileIsRefusedBeforeAllocating() {
        assertThrows(StateFormatException.class, () -> input(twoRecords(), 2).next());
        byte[] huge = twoRecords();
        ByteBuffer.wrap(huge).putInt(Integer.MAX_VALUE);
        assertThrows(
                StateFormatException.class, () -> input(huge, Integer.MAX_VALUE).next());
    }
}
