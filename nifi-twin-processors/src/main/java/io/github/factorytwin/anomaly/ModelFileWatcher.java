package io.github.factorytwin.anomaly;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Keeps the model of a model file current. {@link #refresh()} costs one file-attribute read: the file is read
 * again only when its modification time or size changed. A file that cannot be used (missing, damaged, other
 * features) leaves the previous model in place; the problem is reported by {@link #refresh()} once per change.
 * Thread-safe; the model is swapped atomically.
 */
public final class ModelFileWatcher implements Supplier<IsolationForestModel> {

    /** What a refresh did. */
    public enum Outcome {
        UNCHANGED,
        LOADED,
        /** The file changed but could not be used; the previous model (if any) stays. */
        FAILED
    }

    /** The outcome of a refresh and, for FAILED, why. */
    public record Refresh(Outcome outcome, String message) {}

    private record Seen(FileTime modified, long size) {}

    private final Path path;
    private final List<String> expectedFeatures;
    private final AtomicReference<IsolationForestModel> loaded = new AtomicReference<>();
    private final AtomicReference<Seen> lastSeen = new AtomicReference<>();

    /** @param expectedFeatures the feature names the processor is configured for; a model must have exactly these */
    public ModelFileWatcher(Path path, List<String> expectedFeatures) {
        this.path = Objects.requireNonNull(path);
        this.expectedFeatures = List.copyOf(expectedFeatures);
    }

    @Override
    public IsolationForestModel get() {
        return loaded.get();
    }

    public Path path() {
        return path;
    }

    /** Loads the file when it changed since the last look. */
    public Refresh refresh() {
        FileTime modified;
        long size;
        try {
            BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
            modified = attributes.lastModifiedTime();
            size = attributes.size();
        } catch (IOException e) {
            return remember("Model file " + path + " cannot be read: " + reason(e));
        }
        Seen seen = new Seen(modified, size);
        Seen previous = lastSeen.get();
        if (seen.equals(previous)) {
            return new Refresh(Outcome.UNCHANGED, null);
        }
        if (!lastSeen.compareAndSet(previous, seen)) {
            return new Refresh(Outcome.UNCHANGED, null); // another task is loading this change
        }
        try {
            IsolationForestModel model = load(path, expectedFeatures);
            loaded.set(model);
            return new Refresh(Outcome.LOADED, null);
        } catch (IOException e) {
            return new Refresh(Outcome.FAILED, "Model file " + path + " cannot be used: " + reason(e));
        }
    }

    /** A failure to read the file's attributes, reported once until they can be read again. */
    private Refresh remember(String message) {
        Seen seen = new Seen(null, -1);
        Seen previous = lastSeen.getAndSet(seen);
        return seen.equals(previous) ? new Refresh(Outcome.UNCHANGED, null) : new Refresh(Outcome.FAILED, message);
    }

    /** Reads a model file and checks it was trained on {@code expectedFeatures}. */
    public static IsolationForestModel load(Path path, List<String> expectedFeatures) throws IOException {
        IsolationForestModel model = ModelFormat.read(path);
        if (!model.featureNames().equals(expectedFeatures)) {
            throw new ModelFormatException("the model was trained on features " + model.featureNames()
                    + " but the processor is configured for " + expectedFeatures
                    + " (check Feature Fields and Derived Features, or retrain)");
        }
        return model;
    }

    /** Why a model file could not be used, for an operator. */
    public static String reason(Exception e) {
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
