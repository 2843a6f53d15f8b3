package io.github.factorytwin.anomaly;

import io.github.factorytwin.files.AtomicFiles;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What a ScoreAnomaly has learned, kept in a directory so that a restart continues where it stopped instead of
 * warming up again: learned models, each machine's feature state and each machine's score post-processing state.
 *
 * <p>Layout: {@code <directory>/<fingerprint>/} holds one model file per scope key, {@code <key>.model} in the
 * {@link ModelFormat} (the key base64url-encoded, e.g. {@code Kg.model} for the GLOBAL key "*"), written
 * atomically after each (re)fit; {@code machines.state}, the feature state of every machine (last values and
 * rolling windows, for DELTA and WINDOW); and {@code postprocessing.state}, every machine's anomaly likelihood and
 * range (with Score Post-processing or a Range Tolerance). The two state files are written atomically when the
 * processor stops. The fingerprint is a hash of everything a saved model or state depends on (features, derived
 * features, window size, and the model source's settings): after a change of these settings the old files are
 * simply not found, and the processor learns anew. The post-processing file also records its own settings and is
 * ignored when they changed.
 *
 * <p>Fingerprint sub-directories that have not been used for {@link #STALE_AFTER} (no file written, not started
 * with) are deleted when a processor starts with the same directory, so a directory does not fill up with the
 * models of settings tried long ago. Only our own files are deleted; a sub-directory with anything else in it is
 * left alone.
 */
public final class StateDirectory {

    static final String MODEL_SUFFIX = ".model";
    static final String MACHINES_FILE = "machines.state";
    static final String POST_PROCESSING_FILE = "postprocessing.state";
    public static final Duration STALE_AFTER = Duration.ofDays(7);
    private static final Pattern FINGERPRINT_NAME = Pattern.compile("fp-[0-9a-f]{16}");
    private static final Pattern OWN_FILE_NAME =
            Pattern.compile("[A-Za-z0-9_-]*\\.model|(machines|postprocessing)\\.state|\\..+\\.tmp");
    private static final byte[] MACHINES_MAGIC = "FTWIN-MS".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] POST_PROCESSING_MAGIC = "FTWIN-PP".getBytes(StandardCharsets.US_ASCII);
    private static final int MACHINES_VERSION = 1;
    private static final int POST_PROCESSING_VERSION = 1;
    /** Most machines a saved state may hold (a bound for reading damaged files). */
    static final int MAX_MACHINES = 10_000_000;

    private final Path root;
    private final Path directory;
    private final FeatureSpec spec;

    /**
     * @param root the configured directory
     * @param spec the features
     * @param settings the other settings saved state depends on, in a fixed order (hashed into the fingerprint)
     */
    public StateDirectory(Path root, FeatureSpec spec, List<String> settings) {
        this.spec = spec;
        this.root = root;
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

    /**
     * Marks the current sub-directory as in use (if it exists) and deletes the other fingerprints' sub-directories
     * unused for longer than {@code staleAfter}.
     *
     * @return the sub-directories deleted
     */
    public List<Path> markUsedAndDeleteStale(Instant now, Duration staleAfter) throws IOException {
        if (Files.isDirectory(directory)) {
            Files.setLastModifiedTime(directory, FileTime.from(now));
        }
        List<Path> deleted = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return deleted;
        }
        Instant cutoff = now.minus(staleAfter);
        try (DirectoryStream<Path> children = Files.newDirectoryStream(root)) {
            for (Path child : children) {
                if (child.equals(directory)
                        || !FINGERPRINT_NAME
                                .matcher(child.getFileName().toString())
                                .matches()
                        || !Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS)
                        || !lastUsed(child).isBefore(cutoff)
                        || !onlyOwnFiles(child)) {
                    continue;
                }
                try (DirectoryStream<Path> files = Files.newDirectoryStream(child)) {
                    for (Path file : files) {
                        Files.delete(file);
                    }
                }
                Files.delete(child);
                deleted.add(child);
            }
        }
        return deleted;
    }

    /** The latest modification time of the sub-directory or any file in it. */
    private static Instant lastUsed(Path subDirectory) throws IOException {
        Instant latest = Files.getLastModifiedTime(subDirectory, LinkOption.NOFOLLOW_LINKS)
                .toInstant();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(subDirectory)) {
            for (Path file : files) {
                Instant modified = Files.getLastModifiedTime(file, LinkOption.NOFOLLOW_LINKS)
                        .toInstant();
                latest = modified.isAfter(latest) ? modified : latest;
            }
        }
        return latest;
    }

    private static boolean onlyOwnFiles(Path subDirectory) throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(subDirectory)) {
            for (Path file : files) {
                if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)
                        || !OWN_FILE_NAME.matcher(file.getFileName().toString()).matches()) {
                    return false;
                }
            }
        }
        return true;
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
                    models.put(key, ModelFileWatcher.load(file, spec.names()));
                } catch (IOException | RuntimeException e) {
                    problems.add(new Problem(file, ModelFileWatcher.reason(e)));
                }
            }
        }
        return models;
    }

    /** Saves the feature state of the machines atomically. */
    public void saveMachines(Map<String, MachineState> machines) throws IOException {
        writeStateFile(MACHINES_FILE, MACHINES_MAGIC, MACHINES_VERSION, out -> {
            out.writeInt(machines.size());
            for (Map.Entry<String, MachineState> entry : machines.entrySet()) {
                out.writeUTF(entry.getKey());
                entry.getValue().write(out);
            }
            out.writeInt(machines.size());
        });
    }

    /** The saved feature state of the machines (empty when there is none). */
    public Map<String, MachineState> loadMachines() throws IOException {
        Map<String, MachineState> machines = new HashMap<>();
        readStateFile(MACHINES_FILE, MACHINES_MAGIC, MACHINES_VERSION, "machine state", in -> {
            int count = in.readInt();
            if (count < 0 || count > MAX_MACHINES) {
                throw new ModelFormatException("Invalid machine count " + count);
            }
            for (int i = 0; i < count; i++) {
                String id = in.readUTF();
                machines.put(id, MachineState.read(spec, in));
            }
            if (in.readInt() != count) {
                throw new ModelFormatException("Saved machine state is damaged");
            }
        });
        return machines;
    }

    /** Saves every machine's post-processing state atomically. */
    public void savePostProcessing(ScorePostProcessing.PerMachine postProcessing) throws IOException {
        writeStateFile(POST_PROCESSING_FILE, POST_PROCESSING_MAGIC, POST_PROCESSING_VERSION, postProcessing::write);
    }

    /**
     * Loads the saved post-processing state into {@code postProcessing}.
     *
     * @return whether there was a saved state
     * @throws ScorePostProcessing.SettingsChangedException when it was saved with other post-processing settings
     * @throws ModelFormatException when the file is damaged
     */
    public boolean loadPostProcessing(ScorePostProcessing.PerMachine postProcessing) throws IOException {
        return readStateFile(
                POST_PROCESSING_FILE,
                POST_PROCESSING_MAGIC,
                POST_PROCESSING_VERSION,
                "post-processing state",
                postProcessing::read);
    }

    private interface Writer {
        void write(DataOutputStream out) throws IOException;
    }

    private interface Reader {
        void read(DataInputStream in) throws IOException;
    }

    /** Writes a state file of the current sub-directory atomically: magic, version, then the content. */
    private void writeStateFile(String name, byte[] magic, int version, Writer content) throws IOException {
        AtomicFiles.write(directory.resolve(name), out -> {
            DataOutputStream data = new DataOutputStream(out);
            data.write(magic);
            data.writeInt(version);
            content.write(data);
            data.flush();
        });
    }

    /**
     * Reads a state file {@link #writeStateFile} wrote, checking its magic and version and that {@code content}
     * read all of it.
     *
     * @return false when there is no such file
     */
    private boolean readStateFile(String name, byte[] magic, int version, String what, Reader content)
            throws IOException {
        Path file = directory.resolve(name);
        if (!Files.isRegularFile(file)) {
            return false;
        }
        try (InputStream stream = Files.newInputStream(file);
                DataInputStream in = new DataInputStream(new BufferedInputStream(stream))) {
            byte[] actual = new byte[magic.length];
            in.readFully(actual);
            if (!Arrays.equals(actual, magic) || in.readInt() != version) {
                throw new ModelFormatException("Not a saved " + what + " file of this version");
            }
            content.read(in);
            if (in.read() != -1) {
                throw new ModelFormatException("Saved " + what + " is damaged");
            }
        } catch (EOFException e) {
            throw new ModelFormatException("Saved " + what + " is truncated");
        }
        return true;
    }
}
