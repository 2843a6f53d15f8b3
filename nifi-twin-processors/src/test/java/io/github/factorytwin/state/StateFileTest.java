package io.github.factorytwin.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateFileTest {

    private static final StateFile.Kind KIND = StateFile.Kind.of("test state", "FTWIN-TS", 3, 1_000);
    private static final StateFile.Reader<String> TEXT = (in, version) -> version + ":" + in.readText();

    private static byte[] written(StateFile.Kind kind, String text) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StateFile.write(kind, out, data -> StateInput.writeText(data, text));
        return out.toByteArray();
    }

    private static String read(StateFile.Kind kind, byte[] bytes) throws IOException {
        return StateFile.read(kind, new ByteArrayInputStream(bytes), bytes.length, TEXT);
    }

    private static StateFormatException refused(StateFile.Kind kind, byte[] bytes) {
        return assertThrows(StateFormatException.class, () -> read(kind, bytes));
    }

    @Test
    void whatIsWrittenIsReadWithItsVersion(@TempDir Path dir) throws IOException {
        assertEquals("3:hello", read(KIND, written(KIND, "hello")));
        Path file = dir.resolve("a/b.state");
        StateFile.writeAtomically(KIND, file, data -> StateInput.writeText(data, "on disk"));
        assertEquals("3:on disk", StateFile.read(KIND, file, TEXT));
        assertEquals("3:on disk", StateFile.read(KIND, Files.newInputStream(file), TEXT));
    }

    @Test
    void theLayoutIsMagicVersionContentAndCrc32() throws IOException {
        byte[] bytes = written(KIND, "x");
        assertEquals("FTWIN-TS", new String(bytes, 0, 8, java.nio.charset.StandardCharsets.US_ASCII));
        assertEquals(3, java.nio.ByteBuffer.wrap(bytes, 8, 4).getInt());
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(bytes, 0, bytes.length - 4);
        assertEquals(
                (int) crc.getValue(),
                java.nio.ByteBuffer.wrap(bytes, bytes.length - 4, 4).getInt());
    }

    @Test
    void anotherKindOrVersionIsRefusedWithAdvice() throws IOException {
        StateFile.Kind other = StateFile.Kind.of("other", "FTWIN-XX", 3, 1_000);
        StateFile.Kind advised = KIND.withAdvice("; write it again");
        StateFormatException kind = refused(advised, written(other, "x"));
        assertTrue(
                kind.getMessage().contains("Not a test state (it does not start with FTWIN-TS); write it again"),
                kind.getMessage());
        StateFormatException newer =
                refused(advised, written(StateFile.Kind.of("test state", "FTWIN-TS", 4, 1_000), "x"));
        assertTrue(
                newer.getMessage().contains("Unsupported test state version 4; this version reads version 3"),
                newer.getMessage());
        refused(KIND, written(StateFile.Kind.of("test state", "FTWIN-TS", 2, 1_000), "x"));
    }

    @Test
    void olderVersionsAreReadBehindTheSwitchWithOrWithoutChecksum() throws IOException {
        StateFile.Kind reading = KIND.readingFrom(1, 2);
        assertEquals("2:v2", read(reading, written(StateFile.Kind.of("test state", "FTWIN-TS", 2, 1_000), "v2")));
        byte[] v1 = written(StateFile.Kind.of("test state", "FTWIN-TS", 1, 1_000), "v1");
        byte[] unchecked = Arrays.copyOf(v1, v1.length - 4); // version 1 ended without a checksum
        assertEquals("1:v1", read(reading, unchecked));
        assertTrue(refused(reading, v1).getMessage().contains("unexpected data"));
    }

    @Test
    void damageTruncationAndTrailingBytesAreRefused() throws IOException {
        byte[] bytes = written(KIND, "some content");
        byte[] flipped = bytes.clone();
        flipped[18] ^= 1; // inside the text: only the checksum tells
        assertTrue(refused(KIND, flipped).getMessage().contains("checksum mismatch"));
        assertTrue(refused(KIND, Arrays.copyOf(bytes, bytes.length - 1))
                .getMessage()
                .contains("truncated"));
        assertTrue(refused(KIND, Arrays.copyOf(bytes, bytes.length + 1))
                .getMessage()
                .contains("unexpected data"));
        assertTrue(refused(KIND, new byte[0]).getMessage().contains("truncated"));
    }

    @Test
    void sizesAreBoundedBeforeReading(@TempDir Path dir) throws IOException {
        byte[] big = written(KIND, "x".repeat(990));
        assertTrue(refused(KIND, big).getMessage().contains("more than the 1000"));
        assertThrows(StateFormatException.class, () -> StateFile.read(KIND, new ByteArrayInputStream(big), TEXT));
        Path file = dir.resolve("big");
        Files.write(file, big);
        assertThrows(StateFormatException.class, () -> StateFile.read(KIND, file, TEXT));
        // a count larger than the bytes left is refused before anything is allocated for it
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StateFile.write(KIND, out, data -> data.writeInt(Integer.MAX_VALUE - 9));
        byte[] huge = out.toByteArray();
        StateFormatException e = refused(KIND, huge);
        assertTrue(e.getMessage().contains("Invalid text length"), e.getMessage());
    }

    @Test
    void aReaderThatLeavesContentUnreadIsCaught() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StateFile.write(KIND, out, (DataOutputStream data) -> {
            StateInput.writeText(data, "a");
            data.writeLong(7);
        });
        assertThrows(StateFormatException.class, () -> read(KIND, out.toByteArray()));
    }
}
