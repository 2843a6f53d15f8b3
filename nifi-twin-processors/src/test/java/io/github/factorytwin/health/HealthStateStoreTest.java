package io.github.factorytwin.health;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HealthStateStoreTest {

    private static final String LAYOUT = "test-layout";
    private static final String TOKEN = "token-1";

    @TempDir
    Path dir;

    private static byte[] state(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private HealthStateStore open(int maxMachines) throws IOException {
        return HealthStateStore.open(dir, LAYOUT, TOKEN, maxMachines);
    }

    private long journalSize() throws IOException {
        return Files.size(dir.resolve(HealthStateStore.JOURNAL_FILE));
    }

    @Test
    void whatWasFlushedIsThereAfterAReopenWithoutAStop() throws IOException {
        HealthStateStore store = open(10);
        assertNotNull(store.loadReport(), "nothing there yet");
        store.put("a", state("A1"));
        store.put("b", state("B1"));
        store.flush();
        store.put("a", state("A2"));
        store.flush();
        store.put("c", state("C1")); // never flushed: lost, as after a crash before the commit's write
        // no close: as if the process died

        HealthStateStore reopened = open(10);
        assertNull(reopened.loadReport());
        assertArrayEquals(state("A2"), reopened.get("a"));
        assertArrayEquals(state("B1"), reopened.get("b"));
        assertNull(reopened.get("c"));
        assertEquals(2, reopened.size());
    }

    @Test
    void afterACleanStopTheJournalContinuesWithoutANewSnapshot() throws IOException {
        HealthStateStore store = open(10);
        store.put("a", state("A1"));
        store.compact(); // what the processor does when it stops
        store.close();
        long snapshotTime = Files.getLastModifiedTime(dir.resolve(HealthStateStore.SNAPSHOT_FILE))
                .toMillis();
        byte[] snapshot = Files.readAllBytes(dir.resolve(HealthStateStore.SNAPSHOT_FILE));

        HealthStateStore reopened = open(10);
        assertNull(reopened.loadReport());
        assertArrayEquals(snapshot, Files.readAllBytes(dir.resolve(HealthStateStore.SNAPSHOT_FILE)), "not rewritten");
        assertEquals(
                snapshotTime,
                Files.getLastModifiedTime(dir.resolve(HealthStateStore.SNAPSHOT_FILE))
                        .toMillis());
        reopened.put("b", state("B1"));
        reopened.flush();

        HealthStateStore third = open(10);
        assertArrayEquals(state("A1"), third.get("a"));
        assertArrayEquals(state("B1"), third.get("b"));
    }

    @Test
    void aFlushAppendsOnlyWhatChanged() throws IOException {
        HealthStateStore store = open(100_000);
        byte[] big = new byte[600];
        for (int m = 0; m < 10_000; m++) {
            store.put("M" + m, big);
        }
        store.flush();
        long before = journalSize();
        store.put("M42", new byte[600]);
        store.flush();
        assertEquals(HealthStateStore.recordBytes("M42", big), journalSize() - before);
        store.flush();
        assertEquals(HealthStateStore.recordBytes("M42", big), journalSize() - before, "nothing new, nothing written");
    }

    @Test
    void theJournalIsFoldedIntoASnapshotWhenItOutgrowsTheLiveState() throws IOException {
        HealthStateStore store = open(10);
        byte[] big = new byte[1 << 20];
        long biggest = 0;
        for (int i = 0; i < 40; i++) {
            store.put("m" + (i % 3), big);
            store.flush();
            biggest = Math.max(biggest, journalSize());
        }
        // Live state: 3 MB; the journal is compacted beyond max(16 MB, 2 x 3 MB) + one flush.
        assertTrue(biggest <= HealthStateStore.MIN_COMPACT_BYTES + (2L << 20), "journal peaked at " + biggest);
        assertEquals(3, open(10).size());
    }

    @Test
    void theLeastRecentlyPutMachineIsEvictedAndStaysEvictedAfterAReopen() throws IOException {
        HealthStateStore store = open(2);
        assertEquals(0, store.put("a", state("A")));
        assertEquals(0, store.put("b", state("B")));
        assertEquals(0, store.put("a", state("A2"))); // a is now the most recent
        assertEquals(1, store.put("c", state("C")));
        assertNull(store.get("b"));
        assertEquals(1, store.evicted());
        store.flush();

        HealthStateStore reopened = open(2);
        assertNull(reopened.get("b"), "the eviction was journalled");
        assertArrayEquals(state("A2"), reopened.get("a"));
        assertArrayEquals(state("C"), reopened.get("c"));
        assertEquals(1, reopened.put("d", state("D")));
        assertNull(reopened.get("a"), "the order of recency survived the reopen");
    }

    @Test
    void aTornJournalTailLosesOnlyTheTornChanges() throws IOException {
        HealthStateStore store = open(10);
        store.put("a", state("A1"));
        store.flush();
        long good = journalSize();
        store.put("b", state("B1"));
        store.flush();
        try (RandomAccessFile file =
                new RandomAccessFile(dir.resolve(HealthStateStore.JOURNAL_FILE).toFile(), "rw")) {
            file.setLength(journalSize() - 3); // the crash cut the last append short
        }
        HealthStateStore reopened = open(10);
        assertArrayEquals(state("A1"), reopened.get("a"));
        assertNull(reopened.get("b"));
        assertTrue(reopened.loadReport().contains("damaged"), reopened.loadReport());
        assertTrue(journalSize() < good, "reopening starts a clean journal");
    }

    @Test
    void aFlippedBitIsCaughtByTheChecksum() throws IOException {
        HealthStateStore store = open(10);
        store.put("a", state("AAAA"));
        store.compact();
        Path snapshot = dir.resolve(HealthStateStore.SNAPSHOT_FILE);
        byte[] bytes = Files.readAllBytes(snapshot);
        int at = new String(bytes, StandardCharsets.ISO_8859_1).indexOf("AAAA");
        bytes[at] ^= 1;
        Files.write(snapshot, bytes);

        HealthStateStore reopened = open(10);
        assertEquals(0, reopened.size());
        assertTrue(reopened.loadReport().contains("checksum"), reopened.loadReport());
    }

    @Test
    void aDamagedLengthDoesNotAllocateWhatItClaims() throws IOException {
        HealthStateStore store = open(10);
        store.put("a", state("A"));
        store.compact();
        Path snapshot = dir.resolve(HealthStateStore.SNAPSHOT_FILE);
        byte[] bytes = Files.readAllBytes(snapshot);
        bytes[0] = 0x7f; // the header record now claims about 2 GB
        Files.write(snapshot, bytes);
        HealthStateStore reopened = open(10);
        assertEquals(0, reopened.size());
        assertTrue(reopened.loadReport().contains("bad record length"), reopened.loadReport());
    }

    @Test
    void filesOfAnotherLayoutOrTokenAreNotLoaded() throws IOException {
        HealthStateStore store = open(10);
        store.put("a", state("A"));
        store.flush();
        HealthStateStore otherLayout = HealthStateStore.open(dir, "other-layout", TOKEN, 10);
        assertEquals(0, otherLayout.size());
        assertTrue(otherLayout.loadReport().contains("other settings"), otherLayout.loadReport());

        otherLayout.put("b", state("B"));
        otherLayout.flush();
        HealthStateStore otherToken = HealthStateStore.open(dir, "other-layout", "token-2", 10);
        assertEquals(0, otherToken.size());
        assertTrue(otherToken.loadReport().contains("cleared"), otherToken.loadReport());
    }

    @Test
    void aJournalLeftFromBeforeTheLastSnapshotIsNotReplayed() throws IOException {
        HealthStateStore store = open(10);
        store.put("a", state("old"));
        store.flush();
        byte[] staleJournal = Files.readAllBytes(dir.resolve(HealthStateStore.JOURNAL_FILE));
        store.put("a", state("new"));
        store.compact();
        // A crash between the snapshot's write and the new journal's leaves the previous generation's journal.
        Files.write(dir.resolve(HealthStateStore.JOURNAL_FILE), staleJournal);
        assertArrayEquals(state("new"), open(10).get("a"));
    }

    @Test
    void idsOfAnyLengthAndCharactersRoundTrip() throws IOException {
        HealthStateStore store = open(10);
        List<String> ids = new ArrayList<>(List.of("", "é", "机器-7", "\uD83D\uDE00 pump", "x".repeat(70_000)));
        for (String id : ids) {
            store.put(id, state(id.isEmpty() ? "empty" : id.substring(0, 1)));
        }
        store.flush();
        HealthStateStore reopened = open(10);
        for (String id : ids) {
            assertArrayEquals(state(id.isEmpty() ? "empty" : id.substring(0, 1)), reopened.get(id), id);
        }
    }
}
