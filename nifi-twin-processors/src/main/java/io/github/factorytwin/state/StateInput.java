package io.github.factorytwin.state;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Big-endian input of saved state whose length is known, for the readers of our binary files. Every count read from
 * a file goes through {@link #count}, which checks it against the bytes the file still holds before anything is
 * allocated for it: a damaged or hostile file claiming millions of entries fails at once instead of exhausting
 * memory.
 */
public final class StateInput extends DataInputStream {

    private final Counting counting;
    private final long length;
    private final boolean legacyText;

    private StateInput(Counting counting, long length, boolean legacyText) {
        super(counting);
        this.counting = counting;
        this.length = length;
        this.legacyText = legacyText;
    }

    /** Input of {@code length} bytes (more are not read as content; fewer end in an EOFException). */
    public static StateInput of(InputStream in, long length) {
        return new StateInput(new Counting(in), length, false);
    }

    /** The same input, with texts in the modified UTF-8 of {@link DataInputStream#readUTF()} (old file versions). */
    public StateInput withLegacyText() {
        return new StateInput(counting, length, true);
    }

    /** Bytes not read yet. */
    public long remaining() {
        return length - counting.count;
    }

    /**
     * Checks a count read from the file: within {@code 0..max}, and each entry needing at least {@code bytesEach}
     * bytes, all of them must still be in the file.
     */
    public int count(int value, int max, long bytesEach, String what) throws StateFormatException {
        if (value < 0 || value > max || (long) value * bytesEach > remaining()) {
            throw new StateFormatException("Invalid " + what + " " + value + " (at most " + max + ", and the "
                    + remaining() + " bytes left in the file hold at most "
                    + (bytesEach == 0 ? "any number" : String.valueOf(remaining() / bytesEach)) + ")");
        }
        return value;
    }

    /** Reads a text {@link #writeText} wrote (its byte length is checked like a count). */
    public String readText() throws IOException {
        if (legacyText) {
            return readUTF();
        }
        int bytes = count(readInt(), Integer.MAX_VALUE - 8, 1, "text length");
        byte[] text = readNBytes(bytes);
        if (text.length != bytes) {
            throw new java.io.EOFException();
        }
        return new String(text, StandardCharsets.UTF_8);
    }

    /** Writes a text of any length as its UTF-8 byte count and bytes. */
    public static void writeText(DataOutputStream out, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    /** Counts the bytes read through it. */
    private static final class Counting extends FilterInputStream {
        long count;

        Counting(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(n);
            count += skipped;
            return skipped;
        }
    }
}
