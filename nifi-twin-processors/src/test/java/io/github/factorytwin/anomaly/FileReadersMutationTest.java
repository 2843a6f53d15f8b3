package io.github.factorytwin.anomaly;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Seeded random mutations of valid files, about 1,000 per reader: bytes flipped, set to extreme values (0, -1,
 * 0x7f, 0x80), ints overwritten with huge counts, bytes inserted and cut, files truncated. Every one must be read
 * or refused with an IOException, within {@link FileReaders#allowedBytes}. Deterministic (seed per reader).
 */
class FileReadersMutationTest {

    private static final int MUTATIONS = 1_000;

    @ParameterizedTest
    @EnumSource(FileReaders.Reader.class)
    void mutatedFilesAreReadOrRefusedWithinBoundedMemory(FileReaders.Reader reader) {
        byte[] valid = FileReaders.valid(reader);
        FileReaders.check(reader, valid);
        Random random = new Random(reader.ordinal() + 1);
        for (int i = 0; i < MUTATIONS; i++) {
            FileReaders.check(reader, mutate(valid, random));
        }
        assertTrue(valid.length > 0);
    }

    static byte[] mutate(byte[] valid, Random random) {
        byte[] bytes = valid.clone();
        int edits = 1 + random.nextInt(4);
        for (int e = 0; e < edits && bytes.length > 0; e++) {
            int at = random.nextInt(bytes.length);
            switch (random.nextInt(6)) {
                case 0 -> bytes[at] ^= (byte) (1 << random.nextInt(8));
                case 1 -> bytes[at] = new byte[] {0, -1, 0x7f, (byte) 0x80}[random.nextInt(4)];
                case 2 -> { // a huge or negative count where an int may be
                    int value = new int[] {Integer.MAX_VALUE, Integer.MIN_VALUE, 64_000_000, -1, 10_000_000}
                            [random.nextInt(5)];
                    for (int b = 0; b < 4 && at + b < bytes.length; b++) {
                        bytes[at + b] = (byte) (value >>> (24 - 8 * b));
                    }
                }
                case 3 -> bytes = Arrays.copyOf(bytes, at); // truncated
                case 4 -> { // bytes inserted
                    byte[] longer = new byte[bytes.length + 1 + random.nextInt(16)];
                    System.arraycopy(bytes, 0, longer, 0, at);
                    for (int b = at; b < at + longer.length - bytes.length; b++) {
                        longer[b] = (byte) random.nextInt(256);
                    }
                    System.arraycopy(bytes, at, longer, at + longer.length - bytes.length, bytes.length - at);
                    bytes = longer;
                }
                default -> { // bytes cut out
                    int cut = Math.min(bytes.length - at, 1 + random.nextInt(16));
                    byte[] shorter = new byte[bytes.length - cut];
                    System.arraycopy(bytes, 0, shorter, 0, at);
                    System.arraycopy(bytes, at + cut, shorter, at, bytes.length - at - cut);
                    bytes = shorter;
                }
            }
        }
        return bytes;
    }
}
