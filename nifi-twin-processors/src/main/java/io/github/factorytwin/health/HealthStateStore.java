package io.github.factorytwin.health;

import io.github.factorytwin.files.AtomicFiles;
import io.github.factorytwin.state.ChecksummedRecords;
import io.github.factorytwin.state.StateFormatException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The machines' states of one ComputeHealthScore: in memory, at most {@code maxMachines} of them, the least recently
 * seen evicted first; on disk, a snapshot plus a journal of what changed since, so that writing out a commit costs
 * in proportion to the machines it changed, not to the machines tracked.
 *
 * <p>States are opaque bytes here ({@link MachineState#toBytes()}); a {@code layout} string names what they depend
 * on, and a {@code token} names the life of the state (a new token, e.g. after an operator cleared the processor's
 * state, means: start empty). Files in {@code directory}:
 *
 * <ul>
 *   <li>{@code machines.snapshot}: every machine's state when it was written (oldest seen first), written
 *       atomically.
 *   <li>{@code machines.journal}: appended by {@link #flush()}: the states put and the machines evicted since the
 *       snapshot of the same generation. When it grows beyond twice the live state (and at least {@link
 *       #MIN_COMPACT_BYTES}), {@link #compact()} writes a new snapshot and starts an empty journal, so a commit costs
 *       amortised O(changed machines) and the files hold at most about three times the live state.
 * </ul>
 *
 * <p>Every record of both files carries its length and a CRC-32C; a journal's torn or damaged tail (a crash during
 * an append) is ignored from the first bad record on; a damaged snapshot is not used at all. Not thread-safe: one
 * thread at a time (ComputeHealthScore runs serially).
 */
public final class HealthStateStore implements Closeable {

    static final String SNAPSHOT_FILE = "machines.snapshot";
    static final String JOURNAL_FILE = "machines.journal";
    /** Journal size under which no compaction is done, however small the live state. */
    static final long MIN_COMPACT_BYTES = 16L << 20;
    /** Largest record read back: checked before anything is allocated, so a damaged length cannot exhaust memory. */
    private static final int MAX_RECORD_BYTES = 64 << 20;

    private static final int FORMAT = 1;
    private static final byte HEADER = 'H';
    private static final byte PUT = 'P';
    private static final byte REMOVE = 'R';
    private static final byte END = 'E';
    /** Framing of a record ({@link ChecksummedRecords}) and its type and id length. */
    private static final int FRAME_BYTES = ChecksummedRecords.FRAME_BYTES + 1 + 4;

    private final Path directory;
    private final String layout;
    private final String token;
    private final int maxMachines;
    /** Order of the last put (a put moves a machine to the end): the eldest is the least recently seen machine. */
    private final LinkedHashMap<String, byte[]> machines;
    /** Machines changed since the last flush: their new state, or null when evicted. */
    private LinkedHashMap<String, byte[]> dirty = new LinkedHashMap<>();

    private long generation;
    private FileChannel journal;
    private long journalBytes;
    /** Bytes the live machines take as records (what a snapshot would hold). */
    private long liveBytes;

    private long evicted;
    /** Records replayed from the journal at load; -1 when there was none of the snapshot's generation. */
    private long journalRecords = -1;

    private boolean needsCompaction;
    private String loadReport;

    private HealthStateStore(Path directory, String layout, String token, int maxMachines) {
        if (maxMachines < 1) {
            throw new IllegalArgumentException("maxMachines must be positive: " + maxMachines);
        }
        this.directory = directory;
        this.layout = layout;
        this.token = token;
        this.maxMachines = maxMachines;
        this.machines = new LinkedHashMap<>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, byte[]> eldest) {
                if (size() <= HealthStateStore.this.maxMachines) {
                    return false;
                }
                liveBytes -= recordBytes(eldest.getKey(), eldest.getValue());
                dirty.put(eldest.getKey(), null);
                evicted++;
                return true;
            }
        };
    }

    /**
     * Loads what {@code directory} holds for this {@code layout} and {@code token} (states beyond {@code maxMachines}
     * dropped, least recently seen first), then writes it out again as a fresh snapshot and empty journal, so the
     * files hold exactly what is in memory. Files of another layout or token, or damaged ones, are not loaded:
     * {@link #loadReport()} says why.
     */
    public static HealthStateStore open(Path directory, String layout, String token, int maxMachines)
            throws IOException {
        HealthStateStore store = new HealthStateStore(directory, layout, token, maxMachines);
        store.load();
        store.evicted = 0; // what did not fit at start is counted in the report, not as evictions
        if (store.loadReport == null && store.journalRecords == 0) {
            store.clearDirty(); // as after a stop: the snapshot is what memory holds, the journal continues
            Path journalFile = directory.resolve(JOURNAL_FILE);
            store.journal = FileChannel.open(journalFile, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
            store.journalBytes = Files.size(journalFile);
        } else {
            store.compact();
        }
        return store;
    }

    /** A store without files: states live in memory only (replays, evaluations, tests of the engine). */
    public static HealthStateStore inMemory(int maxMachines) {
        return new HealthStateStore(null, "memory", "memory", maxMachines);
    }

    /** Null when everything stored was loaded; otherwise what was not loaded and why. */
    public String loadReport() {
        return loadReport;
    }

    public int size() {
        return machines.size();
    }

    public int maxMachines() {
        return maxMachines;
    }

    /** The machine's state, null when unknown. Do not modify the array. */
    public byte[] get(String machineId) {
        return machines.get(machineId);
    }

    /**
     * Stores the machine's state, which makes it the most recently seen (the array is kept: do not modify it later),
     * and returns how many machines were evicted for it.
     */
    public int put(String machineId, byte[] state) {
        long before = evicted;
        byte[] old = machines.remove(machineId);
        machines.put(machineId, state);
        if (old != null) {
            liveBytes -= recordBytes(machineId, old);
        }
        liveBytes += recordBytes(machineId, state);
        dirty.put(machineId, state);
        return (int) (evicted - before);
    }

    /** The ids of the {@code n} machines stored most recently, the least recent of them first. */
    public List<String> newest(int n) {
        List<String> ids = new ArrayList<>(Math.min(n, machines.size()));
        for (String id : machines.sequencedKeySet().reversed()) {
            if (ids.size() == n) {
                break;
            }
            ids.add(id);
        }
        Collections.reverse(ids);
        return ids;
    }

    /** Machines evicted since this store was opened. */
    public long evicted() {
        return evicted;
    }

    /** Current journal size in bytes. */
    public long journalBytes() {
        return journalBytes;
    }

    /**
     * Writes out what changed since the last flush: appends it to the journal (compacting when the journal has
     * grown past its bound). On failure nothing is lost from memory: the next flush writes a full snapshot.
     */
    public void flush() throws IOException {
        if (directory == null) {
            clearDirty();
            return;
        }
        if (needsCompaction) {
            compact();
            return;
        }
        if (dirty.isEmpty()) {
            return;
        }
        long size = 0;
        for (Map.Entry<String, byte[]> entry : dirty.entrySet()) {
            size += recordBytes(entry.getKey(), entry.getValue());
        }
        if (size > Integer.MAX_VALUE - 8) {
            compact(); // cheaper than a journal larger than the snapshot anyway
            return;
        }
        ByteBuffer buffer = ByteBuffer.allocate((int) size);
        for (Map.Entry<String, byte[]> entry : dirty.entrySet()) {
            byte[] state = entry.getValue();
            putRecord(buffer, state == null ? REMOVE : PUT, entry.getKey(), state == null ? new byte[0] : state);
        }
        buffer.flip();
        try {
            while (buffer.hasRemaining()) {
                journal.write(buffer);
            }
        } catch (IOException e) {
            needsCompaction = true; // the journal may end in half a record: rewrite both files next time
            throw e;
        }
        journalBytes += size;
        clearDirty();
        if (journalBytes > Math.max(MIN_COMPACT_BYTES, 2 * liveBytes)) {
            compact();
        }
    }

    /** Writes every machine's state as a new snapshot and starts an empty journal; O(machines). */
    public void compact() throws IOException {
        if (directory == null) {
            clearDirty();
            return;
        }
        needsCompaction = true;
        closeJournal();
        long next = generation + 1;
        // Snapshot first, then the journal of the same generation: a crash in between leaves a journal of the old
        // generation, which the next load ignores (the new snapshot already holds its changes).
        AtomicFiles.write(directory.resolve(SNAPSHOT_FILE), out -> {
            DataOutputStream data = new DataOutputStream(out);
            writeRecord(data, HEADER, header(next));
            for (Map.Entry<String, byte[]> entry : machines.entrySet()) {
                writeRecord(data, PUT, entry.getKey(), entry.getValue());
            }
            writeRecord(
                    data,
                    END,
                    "",
                    ByteBuffer.allocate(4).putInt(machines.size()).array());
            data.flush();
        });
        byte[] journalHeader = record(HEADER, header(next));
        AtomicFiles.write(directory.resolve(JOURNAL_FILE), out -> out.write(journalHeader));
        generation = next;
        journal =
                FileChannel.open(directory.resolve(JOURNAL_FILE), StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        journalBytes = journalHeader.length;
        clearDirty();
        needsCompaction = false;
    }

    /** A new map rather than clear(): clearing costs the capacity its largest batch (a load: every machine) left. */
    private void clearDirty() {
        dirty = new LinkedHashMap<>();
    }

    @Override
    public void close() throws IOException {
        closeJournal();
    }

    private void closeJournal() throws IOException {
        if (journal != null) {
            FileChannel channel = journal;
            journal = null;
            channel.close();
        }
    }

    // ---- reading ----

    private void load() throws IOException {
        Path snapshot = directory.resolve(SNAPSHOT_FILE);
        if (!Files.exists(snapshot)) {
            loadReport = "no state files in " + directory;
            return;
        }
        Long snapshotGeneration;
        try {
            snapshotGeneration = readSnapshot(snapshot);
        } catch (Damaged e) {
            machines.clear();
            liveBytes = 0;
            loadReport = snapshot + " is damaged (" + e.getMessage() + "): no machine state loaded";
            return;
        }
        if (snapshotGeneration == null) {
            return; // loadReport set
        }
        generation = snapshotGeneration;
        Path journalFile = directory.resolve(JOURNAL_FILE);
        if (Files.exists(journalFile)) {
            replayJournal(journalFile);
        }
        if (evicted > 0) {
            String dropped = evicted + " stored machine states beyond Maximum Machines (" + maxMachines
                    + ") were dropped, least recently seen first";
            loadReport = loadReport == null ? dropped : loadReport + "; " + dropped;
        }
    }

    /** The snapshot's generation, or null when it belongs to another layout or token (loadReport says so). */
    private Long readSnapshot(Path file) throws IOException, Damaged {
        long length = Files.size(file);
        try (RecordInput in = new RecordInput(Files.newInputStream(file), length)) {
            Record header = in.next();
            if (header == null || header.type != HEADER) {
                throw new Damaged("no header");
            }
            long fileGeneration = checkHeader(header);
            if (loadReport != null) {
                return null;
            }
            for (Record record; (record = in.next()) != null; ) {
                if (record.type == END) {
                    if (record.state.length != 4
                            || ByteBuffer.wrap(record.state).getInt() != machines.size() + evicted) {
                        throw new Damaged("machine count does not match");
                    }
                    return fileGeneration;
                }
                if (record.type != PUT) {
                    throw new Damaged("unexpected record type " + record.type);
                }
                put(record.id, record.state);
            }
            throw new Damaged("truncated");
        }
    }

    private void replayJournal(Path file) throws IOException {
        long length = Files.size(file);
        long ignored = 0;
        try (RecordInput in = new RecordInput(Files.newInputStream(file), length)) {
            try {
                Record header = in.next();
                if (header == null || header.type != HEADER) {
                    throw new Damaged("no header");
                }
                String before = loadReport;
                long fileGeneration = checkHeader(header);
                loadReport = before; // a journal of another generation/layout/token is simply stale
                if (fileGeneration != generation) {
                    return;
                }
                journalRecords = 0;
                for (Record record; (record = in.next()) != null; ) {
                    journalRecords++;
                    if (record.type == PUT) {
                        put(record.id, record.state);
                    } else if (record.type == REMOVE) {
                        byte[] old = machines.remove(record.id);
                        if (old != null) {
                            liveBytes -= recordBytes(record.id, old);
                        }
                    } else {
                        throw new Damaged("unexpected record type " + record.type);
                    }
                }
            } catch (Damaged e) {
                ignored = length - in.goodPosition;
            }
        }
        if (ignored > 0) {
            loadReport = "the last " + ignored + " bytes of " + file
                    + " are damaged (an interrupted write?): the changes in them are lost";
        }
    }

    /** Checks a header's layout and token (setting loadReport when they differ); returns its generation. */
    private long checkHeader(Record header) throws Damaged {
        try {
            DataInputStream data = new DataInputStream(new ByteArrayInputStream(header.state));
            int format = data.readInt();
            long fileGeneration = data.readLong();
            String fileLayout = data.readUTF();
            String fileToken = data.readUTF();
            if (format != FORMAT) {
                loadReport = "state files of another format (" + format + ")";
            } else if (!fileToken.equals(token)) {
                loadReport = "state files of another life of the state (it was cleared)";
            } else if (!fileLayout.equals(layout)) {
                loadReport = "state files written for other settings (" + fileLayout + ", now " + layout + ")";
            }
            return fileGeneration;
        } catch (IOException e) {
            throw new Damaged("unreadable header");
        }
    }

    private byte[] header(long fileGeneration) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream data = new DataOutputStream(bytes);
        data.writeInt(FORMAT);
        data.writeLong(fileGeneration);
        data.writeUTF(layout);
        data.writeUTF(token);
        data.flush();
        return bytes.toByteArray();
    }

    // ---- records: ChecksummedRecords of payload [byte type][int id length][id UTF-8][state] ----

    static long recordBytes(String id, byte[] state) {
        return FRAME_BYTES + utf8Length(id) + (state == null ? 0 : state.length);
    }

    private static int utf8Length(String id) {
        int n = 0;
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (c < 0x80) {
                n++;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c)
                    && i + 1 < id.length()
                    && Character.isLowSurrogate(id.charAt(i + 1))) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }

    private static byte[] record(byte type, byte[] state) {
        ByteBuffer buffer = ByteBuffer.allocate((int) recordBytes("", state));
        putRecord(buffer, type, "", state);
        return buffer.array();
    }

    private static void writeRecord(DataOutputStream out, byte type, byte[] state) throws IOException {
        out.write(record(type, state));
    }

    private static void writeRecord(DataOutputStream out, byte type, String id, byte[] state) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate((int) recordBytes(id, state));
        putRecord(buffer, type, id, state);
        out.write(buffer.array());
    }

    private static void putRecord(ByteBuffer buffer, byte type, String id, byte[] state) {
        byte[] idBytes = id.getBytes(StandardCharsets.UTF_8);
        ChecksummedRecords.put(
                buffer,
                1 + 4 + idBytes.length + state.length,
                payload -> payload.put(type).putInt(idBytes.length).put(idBytes).put(state));
    }

    private record Record(byte type, String id, byte[] state) {}

    /** A file that is not what this store wrote. */
    private static final class Damaged extends Exception {
        Damaged(String message) {
            super(message);
        }
    }

    /** Reads the store's records from checksummed frames. */
    private static final class RecordInput implements Closeable {
        private final ChecksummedRecords.Input in;
        /** Position after the last record that was read whole and checked. */
        long goodPosition;

        RecordInput(InputStream in, long length) {
            this.in = new ChecksummedRecords.Input(in, length, MAX_RECORD_BYTES);
        }

        /** The next record, null at the end of the file. */
        Record next() throws IOException, Damaged {
            byte[] bytes;
            try {
                bytes = in.next();
            } catch (StateFormatException e) {
                throw new Damaged(e.getMessage());
            }
            if (bytes == null) {
                return null;
            }
            ByteBuffer b = ByteBuffer.wrap(bytes);
            if (bytes.length < 5) {
                throw new Damaged("bad record length " + bytes.length + " at " + goodPosition);
            }
            byte type = b.get();
            int idLength = b.getInt();
            if (idLength < 0 || idLength > b.remaining()) {
                throw new Damaged("bad id length at " + goodPosition);
            }
            String id = new String(bytes, 5, idLength, StandardCharsets.UTF_8);
            byte[] state = new byte[b.remaining() - idLength];
            System.arraycopy(bytes, 5 + idLength, state, 0, state.length);
            goodPosition = in.goodPosition();
            return new Record(type, id, state);
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
