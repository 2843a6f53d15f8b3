package io.github.factorytwin.state;

import io.github.factorytwin.files.AtomicFiles;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

/**
 * The one envelope of every saved state file, written and checked here only:
 *
 * <pre>
 * magic     8 ASCII bytes naming the kind of file (e.g. "FTWIN-IF" for a model)
 * version   int, the content's format version
 * content   what the kind's writer wrote (big-endian, {@link DataOutputStream})
 * checksum  int CRC-32 of every byte before it (absent in versions older than {@link Kind#firstChecksummed})
 * </pre>
 *
 * Reading checks, before any content is used: the file's size against the kind's bound, the magic, that the
 * version is one this code reads, that the reader consumed the content exactly, the checksum, and that nothing
 * follows it. The reader gets a {@link StateInput} that checks every count it reads against the bytes left, and
 * the version, so it can keep older layouts readable behind a switch on it.
 */
public final class StateFile {

    /**
     * What one kind of file is: its name in messages (e.g. "ScoreAnomaly model file"), magic, current version, the
     * versions still read, and the largest size read.
     */
    public record Kind(
            String what,
            byte[] magic,
            int version,
            int oldestVersion,
            int firstChecksummed,
            long maxBytes,
            String advice) {

        public Kind {
            if (magic.length != MAGIC_BYTES || oldestVersion > version || maxBytes < MAGIC_BYTES + 8) {
                throw new IllegalArgumentException("invalid state file kind " + what);
            }
        }

        /** A kind of which only {@code version} exists, always checksummed. */
        public static Kind of(String what, String magic, int version, long maxBytes) {
            return new Kind(what, magic.getBytes(StandardCharsets.US_ASCII), version, version, 0, maxBytes, "");
        }

        /** The same kind, also reading versions from {@code oldest} on; those before {@code firstChecksummed} end without a checksum. */
        public Kind readingFrom(int oldest, int firstChecksummedVersion) {
            return new Kind(what, magic, version, oldest, firstChecksummedVersion, maxBytes, advice);
        }

        /** The same kind with a hint appended to the messages about a file of another kind or version. */
        public Kind withAdvice(String text) {
            return new Kind(what, magic, version, oldestVersion, firstChecksummed, maxBytes, text);
        }

        private String capitalised() {
            return what.substring(0, 1).toUpperCase(Locale.ROOT) + what.substring(1);
        }
    }

    /** Writes a kind's content. */
    public interface Writer {
        void write(DataOutputStream out) throws IOException;
    }

    /** Reads a kind's content of the given version. */
    public interface Reader<T> {
        T read(StateInput in, int version) throws IOException;
    }

    private static final int MAGIC_BYTES = 8;

    private StateFile() {}

    /** Writes the envelope of {@code kind} around {@code content}, in the kind's current version. */
    public static void write(Kind kind, OutputStream target, Writer content) throws IOException {
        CRC32 crc = new CRC32();
        DataOutputStream out = new DataOutputStream(new CheckedOutputStream(target, crc));
        out.write(kind.magic());
        out.writeInt(kind.version());
        content.write(out);
        out.flush();
        new DataOutputStream(target).writeInt((int) crc.getValue());
        target.flush();
    }

    /** {@link #write} to {@code path} atomically (a temporary file, then a move), so readers never see half. */
    public static void writeAtomically(Kind kind, Path path, Writer content) throws IOException {
        AtomicFiles.write(path, out -> write(kind, out, content));
    }

    /** Reads the file at {@code path} (refused unread when larger than the kind allows). */
    public static <T> T read(Kind kind, Path path, Reader<T> content) throws IOException {
        long size = Files.size(path);
        checkSize(kind, size);
        try (InputStream in = Files.newInputStream(path)) {
            return read(kind, in, size, content);
        }
    }

    /** Reads a stream of unknown length, holding at most the kind's {@code maxBytes} in memory. */
    public static <T> T read(Kind kind, InputStream source, Reader<T> content) throws IOException {
        int limit = (int) Math.min(kind.maxBytes(), Integer.MAX_VALUE - 8);
        byte[] bytes = source.readNBytes(limit + 1);
        if (bytes.length > limit) {
            throw new StateFormatException(
                    kind.capitalised() + " is more than the " + kind.maxBytes() + " bytes allowed");
        }
        return read(kind, new ByteArrayInputStream(bytes), bytes.length, content);
    }

    /** Reads a stream of exactly {@code length} bytes. */
    public static <T> T read(Kind kind, InputStream source, long length, Reader<T> content) throws IOException {
        checkSize(kind, length);
        CRC32 crc = new CRC32();
        StateInput in = StateInput.of(new CheckedInputStream(new BufferedInputStream(source), crc), length);
        try {
            byte[] magic = new byte[MAGIC_BYTES];
            in.readFully(magic);
            if (!Arrays.equals(magic, kind.magic())) {
                throw new StateFormatException("Not a " + kind.what() + " (it does not start with "
                        + new String(kind.magic(), StandardCharsets.US_ASCII) + ")" + kind.advice());
            }
            int version = in.readInt();
            if (version < kind.oldestVersion() || version > kind.version()) {
                throw new StateFormatException("Unsupported " + kind.what() + " version " + version
                        + "; this version reads " + versions(kind) + kind.advice());
            }
            T result = content.read(in, version);
            if (version >= kind.firstChecksummed()) {
                int expected = (int) crc.getValue();
                if (in.readInt() != expected) {
                    throw new StateFormatException(kind.capitalised() + " is damaged (checksum mismatch)");
                }
            }
            if (in.read() != -1) {
                throw new StateFormatException(kind.capitalised() + " is damaged (unexpected data at its end)");
            }
            return result;
        } catch (EOFException e) {
            throw new StateFormatException(kind.capitalised() + " is truncated");
        }
    }

    private static String versions(Kind kind) {
        return kind.oldestVersion() == kind.version()
                ? "version " + kind.version()
                : "versions " + kind.oldestVersion() + " to " + kind.version();
    }

    private static void checkSize(Kind kind, long size) throws StateFormatException {
        if (size > kind.maxBytes()) {
            throw new StateFormatException(
                    kind.capitalised() + " is " + size + " bytes, more than the " + kind.maxBytes() + " allowed");
        }
    }
}
