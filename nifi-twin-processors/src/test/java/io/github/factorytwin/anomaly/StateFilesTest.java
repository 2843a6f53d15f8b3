package io.github.factorytwin.anomaly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.factorytwin.state.StateFormatException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 13 §6: sizes in files are checked before allocating; state is checksummed; any id can be saved. */
class StateFilesTest {

    private static final FeatureSpec SPEC =
            new FeatureSpec(IsolationForestModelTest.NAMES, EnumSet.of(DerivedFeature.DELTA, DerivedFeature.WINDOW));

    @TempDir
    Path root;

    @Test
    void aSmallModelFileClaimingMillionsOfNodesFailsBeforeAllocating() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.write("FTWIN-IF".getBytes(StandardCharsets.US_ASCII));
        out.writeInt(ModelFormat.VERSION);
        out.writeInt(3);
        for (String name : IsolationForestModelTest.NAMES) {
            out.writeUTF(name);
        }
        out.writeInt(1 << 20); // subsample
        out.writeLong(1000);
        out.writeInt(10_000); // trees
        out.writeInt(64_000_000); // nodes
        for (int t = 0; t < 10_000; t++) {
            out.writeInt(t); // valid roots
        }
        while (bytes.size() < 40 * 1024) {
            out.writeInt(-1);
        }
        byte[] file = bytes.toByteArray();
        long before = allocated();
        StateFormatException e =
                assertThrows(StateFormatException.class, () -> ModelFormat.read(new ByteArrayInputStream(file)));
        assertTrue(e.getMessage().contains("truncated or damaged"), e.getMessage());
        long used = allocated() - before;
        assertTrue(used < 20_000_000, "allocated " + used + " bytes for a 40 KB file");
    }

    /** Bytes this thread allocated so far (HotSpot), or 0 where unknown. */
    static long allocated() {
        if (java.lang.management.ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean t) {
            return t.getCurrentThreadAllocatedBytes();
        }
        return 0;
    }

    @Test
    void machineIdsOfAnyLengthAreSavedAndFileNamesNeverHoldThem() throws Exception {
        StateDirectory directory = new StateDirectory(root, SPEC, List.of("PER_MACHINE"));
        String longId = "M".repeat(70_000);
        String pathLikeId = "../" + "é/".repeat(150);
        FeatureState state = new FeatureState(SPEC);
        state.extract(SPEC, new double[] {70, 1, 3000}, MissingValueStrategy.IMPUTE_LAST);
        directory.saveMachines(Map.of(longId, state, pathLikeId, state, "M1", state));
        Map<String, FeatureState> loaded = directory.loadMachines();
        assertEquals(3, loaded.size());
        assertTrue(loaded.containsKey(longId) && loaded.containsKey(pathLikeId));

        IsolationForestModel model = IsolationForestModel.fit(SPEC.names(), rows(200), 5, 32, 1);
        directory.saveModel(pathLikeId, model);
        directory.saveModel(longId, model);
        assertNotNull(directory.loadModel(pathLikeId));
        assertNotNull(directory.loadModel(longId));
        assertEquals(null, directory.loadModel("never seen"));
        try (var files = Files.list(directory.directory())) {
            for (Path file : files.toList()) {
                String name = file.getFileName().toString();
                assertTrue(name.length() < 80 && !name.contains("M".repeat(10)) && !name.contains("é"), name);
            }
        }
    }

    @Test
    void stateFilesCarryAChecksumAndCountsAreCheckedAgainstTheFile() throws Exception {
        StateDirectory directory = new StateDirectory(root, SPEC, List.of("GLOBAL"));
        FeatureState state = new FeatureState(SPEC);
        state.extract(SPEC, new double[] {70, 1, 3000}, MissingValueStrategy.IMPUTE_LAST);
        directory.saveMachines(Map.of("M1", state, "M2", state));
        Path file = directory.directory().resolve(StateDirectory.MACHINES_FILE);
        byte[] bytes = Files.readAllBytes(file);
        // a value flipped inside the last window (still a valid double; after it: its next slot, the machine count
        // and the checksum) is caught by the checksum only
        byte[] flipped = bytes.clone();
        flipped[bytes.length - 20] ^= 0x01;
        Files.write(file, flipped);
        StateFormatException damaged = assertThrows(StateFormatException.class, directory::loadMachines);
        assertTrue(damaged.getMessage().contains("checksum"), damaged.getMessage());

        byte[] claiming = bytes.clone();
        claiming[12] = 0x00; // machine count (after magic and version) = 0x00989680 = 10,000,000
        claiming[13] = (byte) 0x98;
        claiming[14] = (byte) 0x96;
        claiming[15] = (byte) 0x80;
        Files.write(file, claiming);
        StateFormatException tooMany = assertThrows(StateFormatException.class, directory::loadMachines);
        assertTrue(tooMany.getMessage().contains("machine count"), tooMany.getMessage());
    }

    @Test
    void aTruncatedFileOrAMachineRecordLongerThanTheFileIsRefused() throws Exception {
        StateDirectory directory = new StateDirectory(root, SPEC, List.of("GLOBAL"));
        FeatureState state = new FeatureState(SPEC);
        state.extract(SPEC, new double[] {70, 1, 3000}, MissingValueStrategy.IMPUTE_LAST);
        directory.saveMachines(Map.of("M1", state));
        Path file = directory.directory().resolve(StateDirectory.MACHINES_FILE);
        byte[] bytes = Files.readAllBytes(file);

        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 2)); // inside the checksum
        StateFormatException truncated = assertThrows(StateFormatException.class, directory::loadMachines);
        assertTrue(truncated.getMessage().contains("truncated"), truncated.getMessage());
        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 30)); // inside the machine's record
        StateFormatException cut = assertThrows(StateFormatException.class, directory::loadMachines);
        assertTrue(cut.getMessage().contains("machine state length"), cut.getMessage());

        byte[] claiming = bytes.clone();
        claiming[22] = 0x7f; // the record length after magic, version, count and the id "M1" (length and bytes)
        Files.write(file, claiming);
        StateFormatException length = assertThrows(StateFormatException.class, directory::loadMachines);
        assertTrue(length.getMessage().contains("machine state length"), length.getMessage());
    }

    @Test
    void version1StateFilesAndModelNamesAreStillRead() throws Exception {
        StateDirectory directory = new StateDirectory(root, SPEC, List.of("GLOBAL"));
        Files.createDirectories(directory.directory());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.write("FTWIN-MS".getBytes(StandardCharsets.US_ASCII));
        out.writeInt(1);
        out.writeInt(1);
        out.writeUTF("M1");
        // version 1/2 layout of a machine after one reading {70, 1, 3000}: field and window counts, then per field
        // its last value and its whole window (count, next slot, every slot)
        int w = SPEC.windowSize();
        out.writeInt(3);
        out.writeInt(w);
        for (double last : new double[] {70, 1, 3000}) {
            out.writeDouble(last);
            out.writeInt(1);
            out.writeInt(1);
            for (int i = 0; i < w; i++) {
                out.writeDouble(i == 0 ? last : 0.0);
            }
        }
        out.writeInt(1);
        Files.write(directory.directory().resolve(StateDirectory.MACHINES_FILE), bytes.toByteArray());
        assertEquals(
                Map.of("M1", 70.0),
                Map.of(
                        "M1",
                        directory
                                .loadMachines()
                                .get("M1")
                                .copy()
                                .extract(SPEC, new double[] {Double.NaN, 1, 3000}, MissingValueStrategy.IMPUTE_LAST)
                                .values()[0]));

        IsolationForestModel model = IsolationForestModel.fit(SPEC.names(), rows(200), 5, 32, 1);
        ModelFormat.writeAtomically(model, directory.directory().resolve("Kg.model")); // version 1 name of "*"
        assertEquals(1, directory.renameLegacyModels());
        assertNotNull(directory.loadModel("*"));
        assertFalse(Files.exists(directory.directory().resolve("Kg.model")));
    }

    private static double[][] rows(int n) {
        java.util.Random random = new java.util.Random(1);
        double[][] rows = new double[n][SPEC.dimension()];
        for (double[] row : rows) {
            for (int j = 0; j < row.length; j++) {
                row[j] = random.nextGaussian();
            }
        }
        return rows;
    }
}
