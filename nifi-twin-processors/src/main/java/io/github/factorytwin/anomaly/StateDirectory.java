package io.github.factorytwin.anomaly;

import io.github.factorytwin.context.OperatingContext;
import io.github.factorytwin.context.Regimes;
import io.github.factorytwin.state.StateFile;
import io.github.factorytwin.state.StateInput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What a ScoreAnomaly has learned, kept in a directory so that a restart continues where it stopped instead of
 * warming up again: learned models, unfinished warm-up samples, each machine's feature state and each machine's
 * score post-processing state.
 *
 * <p>Layout: {@code <directory>/<fingerprint>/} holds one model file per scope key, {@code m-<sha-256 of the
 * key>.model} in the {@link ModelFormat}, written atomically after each (re)fit, and read when the key is first
 * seen (file names never contain the key itself, so any key can be saved); {@code s-<sha-256>.sample}, a scope
 * key's learning sample (its unfinished warm-up), written when the processor stops; {@code r-<sha-256>.regimes}, a
 * scope key's operating regimes (with Operating Context Fields), written before a model of one of them is saved
 * and when the processor stops; {@code machines.state}, the
 * feature state of every machine (last values and rolling windows, for DELTA and WINDOW); and {@code
 * postprocessing.state}, every machine's anomaly likelihood and range (with Score Post-processing or a Range
 * Tolerance). The state files are written atomically when the processor stops, end with a CRC-32 of their
 * content, and store keys and machine ids as a byte length and UTF-8 (any length). Every count read from them is
 * checked against the bytes left in the file before anything is allocated. In version 3 of the machine and
 * post-processing files each machine's state is a record of its {@code Fields} list; version 2 and version 1 state
 * files (no checksum, ids in modified UTF-8) are still read, and version 1 model names ({@code <base64url of the key>.model}) are
 * renamed when the directory is first used.
 *
 * <p>The fingerprint is a hash of everything a saved model or state depends on (features, derived features,
 * window size, and the model source's settings): after a change of these settings the old files are simply not
 * found, and the processor learns anew. The post-processing file also records its own settings and is ignored
 * when they changed.
 *
 * <p>Fingerprint sub-directories that have not been used for {@link #STALE_AFTER} (no file written, not started
 * with) are deleted when a processor starts with the same directory, so a directory does not fill up with the
 * models of settings tried long ago. Only our own files are deleted; a sub-directory with anything else in it is
 * left alone.
 */
public final class StateDirectory {

    static final String MODEL_SUFFIX = ".model";
    static final String SAMPLE_SUFFIX = ".sample";
    static final String REGIMES_SUFFIX = ".regimes";
    static final String MACHINES_FILE = "machines.state";
    static final String POST_PROCESSING_FILE = "postprocessing.state";
    public static final Duration STALE_AFTER = Duration.ofDays(7);
    private static final Pattern FINGERPRINT_NAME = Pattern.compile("fp-[0-9a-f]{16}");
    private static final Pattern OWN_FILE_NAME = Pattern.compile(
            "[A-Za-z0-9_-]*\\.model|s-[0-9a-f]{64}\\.sample|r-[0-9a-f]{64}\\.regimes|(machines|postprocessing)\\.state|\\..+\\.tmp");
    private static final Pattern LEGACY_MODEL_NAME = Pattern.compile("(?!m-[0-9a-f]{64}\\.)[A-Za-z0-9_-]*\\.model");
    /** Version 2: CRC-32 at the end, texts as length and UTF-8. Version 1 (neither) is still read. */
    static final int STATE_VERSION = 2;
    /**
     * Version 3 of the machine and post-processing files: each machine's state a record written and read by its
     * {@code Fields} list (versions 1 and 2, each state inline in a hand-written layout, are still read).
     */
    static final int FIELDS_VERSION = 3;

    private static final int LEGACY_VERSION = 1;
    /** Most machines a saved state may hold (a bound for reading damaged files). */
    static final int MAX_MACHINES = 10_000_000;
    /** A state file larger than this is refused before it is read. */
    static final long MAX_STATE_BYTES = 16L * 1024 * 1024 * 1024;

    static final StateFile.Kind MACHINES = stateKind("saved machine state", "FTWIN-MS", FIELDS_VERSION);
    static final StateFile.Kind POST_PROCESSING = stateKind("saved post-processing state", "FTWIN-PP", FIELDS_VERSION);
    static final StateFile.Kind SAMPLE = stateKind("saved learning sample", "FTWIN-SS", STATE_VERSION);
    static final StateFile.Kind REGIMES =
            StateFile.Kind.of("saved operating regimes", "FTWIN-RG", STATE_VERSION, MAX_STATE_BYTES);

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
        StringBuilder text = new StringBuilder("v1");
        for (String name : spec.names()) {
            text.append('\u0000').append(name);
        }
        text.append('\u0001').append(spec.windowSize());
        for (String setting : settings) {
            text.append('\u0001').append(setting);
        }
        return "fp-" + sha256(text.toString()).substring(0, 16);
    }

    private static String sha256(String text) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The file of a scope key's model: named after a hash of the key, whatever its length or characters. */
    Path modelFile(String scopeKey) {
        return directory.resolve("m-" + sha256(scopeKey) + MODEL_SUFFIX);
    }

    /** The file of a scope key's learning sample. */
    Path sampleFile(String scopeKey) {
        return directory.resolve("s-" + sha256(scopeKey) + SAMPLE_SUFFIX);
    }

    /** The file of a scope key's operating regimes. */
    Path regimesFile(String scopeKey) {
        return directory.resolve("r-" + sha256(scopeKey) + REGIMES_SUFFIX);
    }

    /**
     * Renames model files of version 1 ({@code <base64url of the key>.model}) to their hashed names, so what an
     * older version learned is found.
     *
     * @return the files renamed
     */
    public int renameLegacyModels() throws IOException {
        if (!Files.isDirectory(directory)) {
            return 0;
        }
        int renamed = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*" + MODEL_SUFFIX)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                if (!LEGACY_MODEL_NAME.matcher(name).matches()) {
                    continue;
                }
                try {
                    String key = new String(
                            Base64.getUrlDecoder().decode(name.substring(0, name.length() - MODEL_SUFFIX.length())),
                            StandardCharsets.UTF_8);
                    Files.move(file, modelFile(key), StandardCopyOption.REPLACE_EXISTING);
                    renamed++;
                } catch (IllegalArgumentException e) {
                    // not a name we wrote: left alone
                }
            }
        }
        return renamed;
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
        ModelFormat.writeAtomically(model, modelFile(scopeKey));
    }

    /**
     * The saved model of a scope key, or null when there is none.
     *
     * @throws IOException when the file cannot be read or used (the reason is in the message)
     */
    public IsolationForestModel loadModel(String scopeKey) throws IOException {
        Path file = modelFile(scopeKey);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        return ModelFileWatcher.load(file, spec.names());
    }

    /** Saves the learning sample of a scope key atomically, or deletes it when {@code rows} is empty. */
    public void saveSample(String scopeKey, List<double[]> rows) throws IOException {
        Path file = sampleFile(scopeKey);
        if (rows.isEmpty()) {
            Files.deleteIfExists(file);
            return;
        }
        int d = spec.dimension();
        StateFile.writeAtomically(SAMPLE, file, out -> {
            StateInput.writeText(out, scopeKey);
            out.writeInt(d);
            out.writeInt(rows.size());
            for (double[] row : rows) {
                for (double x : row) {
                    out.writeDouble(x);
                }
            }
        });
    }

    /** The saved learning sample of a scope key, oldest row first (empty when there is none). */
    public List<double[]> loadSample(String scopeKey) throws IOException {
        List<double[]> rows = new ArrayList<>();
        readStateFile(sampleFile(scopeKey), SAMPLE, (in, version) -> {
            if (!in.readText().equals(scopeKey) || in.readInt() != spec.dimension()) {
                throw new ModelFormatException("Saved learning sample belongs to another key or other features");
            }
            int d = spec.dimension();
            int count = in.count(in.readInt(), Integer.MAX_VALUE - 8, 8L * d, "sample size");
            for (int i = 0; i < count; i++) {
                double[] row = new double[d];
                for (int j = 0; j < d; j++) {
                    row[j] = in.readDouble();
                }
                if (!IsolationForestModel.isFinite(row)) {
                    throw new ModelFormatException("Saved learning sample holds a value that is not finite");
                }
                rows.add(row);
            }
        });
        return rows;
    }

    /**
     * Saves the operating regimes of a scope key atomically. Regimes are only appended, so the regimes of every
     * saved model (the key's regime index is part of its model key) are in the last file saved before it.
     */
    public void saveRegimes(String scopeKey, Regimes regimes) throws IOException {
        StateFile.writeAtomically(REGIMES, regimesFile(scopeKey), out -> {
            StateInput.writeText(out, scopeKey);
            out.writeInt(regimes.fields());
            out.writeInt(regimes.count());
            for (int r = 0; r < regimes.count(); r++) {
                out.writeInt(regimes.size(r));
                for (int f = 0; f < regimes.fields(); f++) {
                    out.writeDouble(regimes.centre(r, f));
                }
            }
        });
    }

    /** The saved operating regimes of a scope key, added to {@code regimes} (none added when nothing was saved). */
    public void loadRegimes(String scopeKey, Regimes regimes) throws IOException {
        readStateFile(regimesFile(scopeKey), REGIMES, (in, version) -> {
            int fields = regimes.fields();
            if (!in.readText().equals(scopeKey) || in.readInt() != fields) {
                throw new ModelFormatException("Saved operating regimes belong to another key or other context fields");
            }
            int count = in.count(in.readInt(), OperatingContext.REGIME_LIMIT, 4 + 8L * fields, "regimes");
            double[] centre = new double[fields];
            for (int r = 0; r < count; r++) {
                int size = in.readInt();
                for (int f = 0; f < fields; f++) {
                    centre[f] = in.readDouble();
                }
                if (size < 0 || !IsolationForestModel.isFinite(centre)) {
                    throw new ModelFormatException("Saved operating regimes hold an impossible regime");
                }
                regimes.add(centre, size);
            }
        });
    }

    /** Saves the feature state of the machines atomically. */
    public void saveMachines(Map<String, FeatureState> machines) throws IOException {
        StateFile.writeAtomically(MACHINES, directory.resolve(MACHINES_FILE), out -> {
            out.writeInt(machines.size());
            for (Map.Entry<String, FeatureState> entry : machines.entrySet()) {
                StateInput.writeText(out, entry.getKey());
                FeatureState.FIELDS.writeRecord(out, entry.getValue());
            }
            out.writeInt(machines.size());
        });
    }

    /** The saved feature state of the machines (empty when there is none). */
    public Map<String, FeatureState> loadMachines() throws IOException {
        Map<String, FeatureState> machines = new HashMap<>();
        readStateFile(directory.resolve(MACHINES_FILE), MACHINES, (in, version) -> {
            boolean records = version >= FIELDS_VERSION;
            // each machine takes its id's length and its record's length (version 1/2: the state the features size)
            long bytesEach = 4 + (records ? 4 : FeatureState.savedBytes(spec));
            int count = in.count(in.readInt(), MAX_MACHINES, bytesEach, "machine count");
            for (int i = 0; i < count; i++) {
                String id = in.readText();
                FeatureState state = records ? new FeatureState(spec) : FeatureState.read(spec, in);
                if (records) {
                    FeatureState.FIELDS.readRecord(in, state, "machine state");
                }
                machines.put(id, state);
            }
            if (in.readInt() != count) {
                throw new ModelFormatException("Saved machine state is damaged");
            }
        });
        return machines;
    }

    /** Saves every machine's post-processing state (made with {@code settings}) atomically. */
    public void savePostProcessing(ScorePostProcessing settings, Map<String, PostProcessingState> machines)
            throws IOException {
        StateFile.writeAtomically(
                POST_PROCESSING, directory.resolve(POST_PROCESSING_FILE), out -> settings.write(out, machines));
    }

    /**
     * The saved post-processing state of the machines, or null when none was saved.
     *
     * @throws ScorePostProcessing.SettingsChangedException when it was saved with other post-processing settings
     * @throws ModelFormatException when the file is damaged
     */
    public Map<String, PostProcessingState> loadPostProcessing(ScorePostProcessing settings) throws IOException {
        Map<String, PostProcessingState> machines = new HashMap<>();
        boolean found = readStateFile(
                directory.resolve(POST_PROCESSING_FILE),
                POST_PROCESSING,
                (in, version) -> machines.putAll(settings.read(in, version)));
        return found ? machines : null;
    }

    /** State files of {@code version} (and 1, without a checksum and with texts in modified UTF-8, still read). */
    private static StateFile.Kind stateKind(String what, String magic, int version) {
        return StateFile.Kind.of(what, magic, version, MAX_STATE_BYTES).readingFrom(LEGACY_VERSION, STATE_VERSION);
    }

    /** Reads what one state file's content holds, of the version given. */
    interface Reader {
        void read(StateInput in, int version) throws IOException;
    }

    /**
     * Reads a state file (envelope checked by {@link StateFile}; texts of version 1 in modified UTF-8).
     *
     * @return false when there is no such file
     */
    static boolean readStateFile(Path file, StateFile.Kind kind, Reader content) throws IOException {
        if (!Files.isRegularFile(file)) {
            return false;
        }
        StateFile.read(kind, file, (in, version) -> {
            content.read(version == LEGACY_VERSION ? in.withLegacyText() : in, version);
            return null;
        });
        return true;
    }
}
