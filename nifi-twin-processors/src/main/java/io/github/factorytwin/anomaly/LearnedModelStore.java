package io.github.factorytwin.anomaly;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Learned models and per-machine feature state kept in a directory, so that a learning detector continues scoring
 * after a restart instead of warming up again.
 *
 * <p>Layout: {@code <directory>/<fingerprint>/} holds one model file per scope key, {@code <key>.model} in the
 * {@link ModelFormat} (the key base64url-encoded, e.g. {@code Kg.model} for the GLOBAL key "*"), written
 * atomically after each (re)fit, and {@code machines.state}, the feature state of every machine (last values and
 * rolling windows, for DELTA and WINDOW), written atomically when the processor stops. The fingerprint is a hash of
 * everything a saved model or state depends on (features, derived features, window size, scope, warm-up size,
 * trees, subsample size, seed): after a change of these settings the old files are simply not found, and the
 * processor learns anew (the old sub-directory may be deleted by hand).
 */
public final class LearnedModelStore {

    static final String MODEL_SUFFIX = ".model";
    static final String MACHINES_FILE = "machines.state";
    private static final byte[] MACHINES_MAGIC = "FTWIN-MS".getBytes(StandardCharsets.US_ASCII);
    private static final int MACHINES_VERSION = 1;
    private static final int MAX_MACHINES = 10_000_000;

    private final Path directory;
    private final FeatureSpec spec;

    /**
     * @param root the configured directory
     * @param spec the features
     * @param settings the other settings a saved model depends on, in a fixed order (hashed into the fingerprint)
     */
    public LearnedModelStore(Path root, FeatureSpec spec, List<String> settings) {
        this.spec = spec;
        this.directory = root.resolve(fingerprint(spec, settings));
    }

    /** The sub-directory of the current settings. */
    public Path directory() {
        return directory;
    }

    static String fingerprint(FeatureSpec spec, List<String> settings) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            StringBuilder text = new StringBuilder("v1");
            for (String name : spec.names()) {
                text.append('\u0000').append(name);
            }
            text.append('\u0001').append(spec.windowSize());
            for (String setting : settings) {
                text.append('\u0001').append(setting);
            }
            byte[] hash = digest.digest(text.toString().getBytes(StandardCharsets.UTF_8));
            return "fp-" + HexFormat.of().formatHex(hash, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String fileName(String scopeKey) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(scopeKey.getBytes(StandardCharsets.UTF_8))
                + MODEL_SUFFIX;
    }

    /** Saves the model of a scope key atomically (temporary file, then move). */
    public void saveModel(String scopeKey, IsolationForestModel model) throws IOException {
        ModelFormat.writeAtomically(model, directory.resolve(fileName(scopeKey)));
    }

    /** A saved model that could not be used, and why. */
    public record Problem(Path file, String reason) {}

    /** The models saved for the current settings, by scope key; unusable files are reported and skipped. */
    public Map<String, IsolationForestModel> loadModels(List<Problem> problems) throws IOException {
        Map<String, IsolationForestModel> models = new HashMap<>();
        if (!Files.isDirectory(directory)) {
            return models;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*" + MODEL_SUFFIX)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                String key;
                try {
                    key = new String(
                            Base64.getUrlDecoder().decode(name.substring(0, name.length() - MODEL_SUFFIX.length())),
                            StandardCharsets.UTF_8);
                } catch (IllegalArgumentException e) {
                    problems.add(new Problem(file, "not a saved model name"));
                    continue;
                }
                try {
                    IsolationForestModel model = ModelFormat.read(file);
                    if (!model.featureNames().equals(spec.names())) {
                        problems.add(new Problem(file, "its features " + model.featureNames() + " differ"));
                        continue;
                    }
                    models.put(key, model);
                } catch (IOException | RuntimeException e) {
                    problems.add(new Problem(file, String.valueOf(e.getMessage())));
                }
            }
        }
        return models;
    }

    /** Saves the feature state of the machines atomically. */
    public void saveMachines(Map<String, MachineState> machines) throws IOException {
        Files.createDirectories(directory);
        Path target = directory.resolve(MACHINES_FILE);
        Path temp = Files.createTempFile(directory, "." + MACHINES_FILE, ".tmp");
        try {
            try (OutputStream file = Files.newOutputStream(temp);
                    DataOutputStream out = new DataOutputStream(new BufferedOutputStream(file))) {
                out.write(MACHINES_MAGIC);
                out.writeInt(MACHINES_VERSION);
                out.writeInt(machines.size());
                for (Map.Entry<String, MachineState> entry : machines.entrySet()) {
                    out.writeUTF(entry.getKey());
                    entry.getValue().write(out);
                }
                out.writeInt(machines.size());
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** The saved feature state of the machines (empty when there is none). */
    public Map<String, MachineState> loadMachines() throws IOException {
        Map<String, MachineState> machines = new HashMap<>();
        Path file = directory.resolve(MACHINES_FILE);
        if (!Files.isRegularFile(file)) {
            return machines;
        }
        try (InputStream stream = Files.newInputStream(file);
                DataInputStream in = new DataInputStream(new BufferedInputStream(stream))) {
            byte[] magic = new byte[MACHINES_MAGIC.length];
            in.readFully(magic);
            if (!java.util.Arrays.equals(magic, MACHINES_MAGIC) || in.readInt() != MACHINES_VERSION) {
                throw new ModelFormatException("Not a saved machine state file of this version");
            }
            int count = in.readInt();
            if (count < 0 || count > MAX_MACHINES) {
                throw new ModelFormatException("Invalid machine count " + count);
            }
            for (int i = 0; i < count; i++) {
                String id = in.readUTF();
                machines.put(id, MachineState.read(spec, in));
            }
            if (in.readInt() != count || in.read() != -1) {
                throw new ModelFormatException("Saved machine state is damaged");
            }
        } catch (EOFException e) {
            throw new ModelFormatException("Saved machine state is truncated");
        }
        return machines;
    }
}
