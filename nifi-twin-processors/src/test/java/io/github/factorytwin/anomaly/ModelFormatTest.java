package io.github.factorytwin.anomaly;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.factorytwin.state.StateFormatException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelFormatTest {

    @TempDir
    Path dir;

    static IsolationForestModel model() {
        return IsolationForestModel.fit(IsolationForestModelTest.NAMES, new Readings(1).normal(500), 20, 64, 3);
    }

    static byte[] bytes(IsolationForestModel model) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ModelFormat.write(model, out);
        return out.toByteArray();
    }

    @Test
    void roundTripKeepsEveryScoreAndExplanation() throws Exception {
        IsolationForestModel model = model();
        Path file = dir.resolve("sub/model.iforest");
        ModelFormat.writeAtomically(model, file);
        IsolationForestModel read = ModelFormat.read(file);
        assertEquals(model.featureNames(), read.featureNames());
        assertEquals(model.trainingCount(), read.trainingCount());
        assertArrayEquals(bytes(model), bytes(read), "a model read back writes the same file");
        Readings readings = new Readings(4);
        for (int i = 0; i < 500; i++) {
            double[] x = i % 5 == 0 ? Readings.correlationBreak() : readings.normal();
            assertEquals(model.score(x), read.score(x), 0.0);
            assertEquals(model.explain(x, true, List.of()), read.explain(x, true, List.of()));
        }
        try (var files = Files.list(file.getParent())) {
            assertEquals(List.of(file), files.toList(), "no temporary file left behind");
        }
    }

    /**
     * A model file written before the trees were grown without Smile's classes (they were Smile 4.4.2's
     * {@code IsolationTree}s then) still loads and scores exactly as the model that wrote it did.
     */
    @Test
    void aModelFileOfSmileGrownTreesScoresAsItDidWhenWritten() throws Exception {
        Path fixtures = Path.of(ModelFormatTest.class
                .getResource("model-compatibility/smile-4.4.2-trees.iforest")
                .toURI());
        IsolationForestModel model = ModelFormat.read(fixtures);
        assertEquals(30, model.numberOfTrees());
        List<String> lines = Files.readAllLines(fixtures.resolveSibling("smile-4.4.2-trees.scores"));
        int checked = 0;
        for (String line : lines) {
            if (line.startsWith("#")) {
                continue;
            }
            double[] v = Arrays.stream(line.trim().split(" "))
                    .mapToDouble(Double::parseDouble)
                    .toArray();
            double[] x = {v[0], v[1], v[2]};
            assertEquals(v[3], model.forestScore(x), 0.0, line);
            assertEquals(v[4], model.score(x), 0.0, line);
            checked++;
        }
        assertEquals(63, checked);
    }

    @Test
    void refusesAFileThatIsNotAModel() {
        StateFormatException e = assertThrows(
                StateFormatException.class,
                () -> ModelFormat.read(new ByteArrayInputStream("{\"trees\":[]}".getBytes())));
        assertTrue(e.getMessage().contains("Not a ScoreAnomaly model file"), e.getMessage());
    }

    @Test
    void refusesJavaSerializedObjectsWithoutDeserializingThem() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ObjectOutputStream objects = new ObjectOutputStream(out)) {
            objects.writeObject(new java.util.HashMap<>(java.util.Map.of("gadget", "payload")));
        }
        assertThrows(StateFormatException.class, () -> ModelFormat.read(new ByteArrayInputStream(out.toByteArray())));
    }

    @Test
    void refusesAnotherVersion() throws Exception {
        byte[] bytes = bytes(model());
        ByteBuffer.wrap(bytes).putInt(8, 2);
        StateFormatException e =
                assertThrows(StateFormatException.class, () -> ModelFormat.read(new ByteArrayInputStream(bytes)));
        assertTrue(e.getMessage().contains("Unsupported ScoreAnomaly model file version 2"), e.getMessage());
    }

    @Test
    void refusesDamagedAndTruncatedFiles() throws Exception {
        byte[] bytes = bytes(model());
        byte[] damaged = bytes.clone();
        damaged[damaged.length / 2] ^= 0x10;
        assertThrows(StateFormatException.class, () -> ModelFormat.read(new ByteArrayInputStream(damaged)));
        byte[] truncated = Arrays.copyOf(bytes, bytes.length - 100);
        StateFormatException e =
                assertThrows(StateFormatException.class, () -> ModelFormat.read(new ByteArrayInputStream(truncated)));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    @Test
    void refusesACraftedTreeThatWouldLoopEvenWithAValidChecksum() throws Exception {
        IsolationForestModel model = model();
        byte[] bytes = bytes(model);
        // Header: magic 8, version 4, d 4, names (2-byte length + chars), psi 4, rows 8, trees 4, nodes 4, roots.
        int offset = 8 + 4 + 4;
        for (String name : model.featureNames()) {
            offset += 2 + name.length();
        }
        offset += 4 + 8 + 4 + 4 + 4 * model.numberOfTrees();
        // First node is the root of tree 0, an inner node: point its right child back at itself.
        assertTrue(ByteBuffer.wrap(bytes).getInt(offset) > 0);
        ByteBuffer.wrap(bytes).putInt(offset, 0);
        byte[] resealed = reseal(bytes);
        StateFormatException e =
                assertThrows(StateFormatException.class, () -> ModelFormat.read(new ByteArrayInputStream(resealed)));
        assertTrue(e.getMessage().contains("invalid child index"), e.getMessage());
    }

    @Test
    void refusesAbsurdCountsBeforeAllocating() throws Exception {
        byte[] bytes = bytes(model());
        int treesOffset = 8 + 4 + 4;
        for (String name : IsolationForestModelTest.NAMES) {
            treesOffset += 2 + name.length();
        }
        treesOffset += 4 + 8;
        ByteBuffer.wrap(bytes).putInt(treesOffset, Integer.MAX_VALUE);
        StateFormatException e =
                assertThrows(StateFormatException.class, () -> ModelFormat.read(new ByteArrayInputStream(bytes)));
        assertTrue(e.getMessage().contains("Invalid tree count"), e.getMessage());
    }

    private static byte[] reseal(byte[] bytes) throws IOException {
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, bytes.length - 4);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(bytes, 0, bytes.length - 4);
        new DataOutputStream(out).writeInt((int) crc.getValue());
        return out.toByteArray();
    }
}
