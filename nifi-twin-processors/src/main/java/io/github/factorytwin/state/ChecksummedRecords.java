package io.github.factorytwin.state;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.function.Consumer;
import java.util.zip.CRC32C;

/**
 * Records that are appended one by one (a journal) and read back until the first one that is not whole: each is
 * framed as {@code [int payload length][payload][int CRC-32C of the payload]}. Used where a {@link StateFile}
 * envelope around the whole file does not fit, because the file grows by appends and a crash may tear its tail.
 */
public final class ChecksummedRecords {

    /** Bytes a record takes beyond its payload. */
    public static final int FRAME_BYTES = 8;

    private ChecksummedRecords() {}

    /** Puts one record whose payload ({@code payloadBytes} long) {@code payload} puts into the buffer. */
    public static void put(ByteBuffer buffer, int payloadBytes, Consumer<ByteBuffer> payload) {
        buffer.putInt(payloadBytes);
        int start = buffer.position();
        payload.accept(buffer);
        if (buffer.position() - start != payloadBytes) {
            throw new IllegalStateException(
                    "payload of " + (buffer.position() - start) + " bytes, announced " + payloadBytes);
        }
        CRC32C crc = new CRC32C();
        crc.update(buffer.array(), buffer.arrayOffset() + start, payloadBytes);
        buffer.putInt((int) crc.getValue());
    }

    /**
     * Reads records from a file of known length, checking each length against the bound and what is left of the
     * file before allocating it, and each checksum.
     */
    public static final class Input implements Closeable {
        private final DataInputStream in;
        private final long length;
        private final int maxPayloadBytes;
        private long position;

        public Input(InputStream in, long length, int maxPayloadBytes) {
            this.in = new DataInputStream(new BufferedInputStream(in, 1 << 16));
            this.length = length;
            this.maxPayloadBytes = maxPayloadBytes;
        }

        /**
         * The next record's payload, null at the end of the file.
         *
         * @throws StateFormatException when the record is cut short or damaged: this and everything after it is
         *     unusable
         */
        public byte[] next() throws IOException {
            if (position == length) {
                return null;
            }
            try {
                int payload = in.readInt();
                if (payload < 1 || payload > maxPayloadBytes || payload > length - position - FRAME_BYTES) {
                    throw new StateFormatException("bad record length " + payload + " at " + position);
                }
                byte[] bytes = new byte[payload];
                in.readFully(bytes);
                int stored = in.readInt();
                CRC32C crc = new CRC32C();
                crc.update(bytes);
                if ((int) crc.getValue() != stored) {
                    throw new StateFormatException("checksum mismatch at " + position);
                }
                position += FRAME_BYTES + payload;
                return bytes;
            } catch (EOFException e) {
                throw new StateFormatException("truncated at " + position);
            }
        }

        /** The position after the last record read whole and checked. */
        public long goodPosition() {
            return position;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
