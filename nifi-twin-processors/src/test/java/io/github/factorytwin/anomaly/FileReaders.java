package io.github.factorytwin.anomaly;

import io.github.factorytwin.health.RulModel;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The file readers under attack (model file, State Directory files, RUL model) with their oracle: a reader
 * either returns or throws an IOException (the documented type: ModelFormatException, SettingsChangedException
 * and plain IOException are all IOExceptions), never anything else and never an OutOfMemoryError, and it
 * allocates at most {@link #allowedBytes} for an input of that size.
 */
final class FileReaders {

    static final FeatureSpec SPEC =
            new FeatureSpec(IsolationForestModelTest.NAMES, EnumSet.of(DerivedFeature.DELTA, DerivedFeature.WINDOW));
    static final String KEY = "M001";

    /** Which reader an input is for. */
    enum Reader {
        MODEL,
        MACHINES,
        POST_PROCESSING,
        SAMPLE,
        RUL
    }

    private static final ScorePostProcessing POST = ScorePostProcessing.likelihoodAndRange(20);
    private static Path directory;
    private static StateDirectory state;

    private FileReaders() {}

    /** Most bytes a reader may allocate for an input of {@code length} bytes. */
    static long allowedBytes(long length) {
        return 32L * 1024 * 1024 + 100 * length;
    }

    /** Reads {@code input} with {@code reader}; fails (AssertionError) when the oracle is broken. */
    static void check(Reader reader, byte[] input) {
        long before = allocated();
        try {
            read(reader, input);
        } catch (IOException expected) {
            // a documented refusal
        } catch (OutOfMemoryError e) {
            throw new AssertionError(reader + ": out of memory on " + input.length + " bytes", e);
        } catch (RuntimeException e) {
            throw new AssertionError(reader + ": undocumented " + e + " on " + input.length + " bytes", e);
        }
        long used = allocated() - before;
        if (used > allowedBytes(input.length)) {
            throw new AssertionError(reader + ": allocated " + used + " bytes for " + input.length + " bytes");
        }
    }

    private static void read(Reader reader, byte[] input) throws IOException {
        switch (reader) {
            case MODEL -> ModelFormat.read(new ByteArrayInputStream(input));
            case RUL -> RulModel.read(new ByteArrayInputStream(input));
            case MACHINES -> {
                Files.write(state().directory().resolve(StateDirectory.MACHINES_FILE), input);
                state().loadMachines();
            }
            case POST_PROCESSING -> {
                Files.write(state().directory().resolve(StateDirectory.POST_PROCESSING_FILE), input);
                state().loadPostProcessing(POST);
            }
            case SAMPLE -> {
                Files.write(state().sampleFile(KEY), input);
                state().loadSample(KEY);
            }
        }
    }

    private static synchronized StateDirectory state() throws IOException {
        if (state == null) {
            directory = Files.createTempDirectory("file-readers");
            directory.toFile().deleteOnExit();
            state = new StateDirectory(directory, SPEC, List.of("fuzz"));
            Files.createDirectories(state.directory());
        }
        return state;
    }

    /** A valid file for {@code reader}, as the writers write it. */
    static byte[] valid(Reader reader) {
        try {
            return switch (reader) {
                case MODEL -> {
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    ModelFormat.write(IsolationForestModel.fit(SPEC.names(), rows(60), 3, 16, 1), out);
                    yield out.toByteArray();
                }
                case MACHINES -> {
                    FeatureState a = new FeatureState(SPEC);
                    for (double[] row : rows(12)) {
                        a.extract(SPEC, java.util.Arrays.copyOf(row, 3), MissingValueStrategy.IMPUTE_LAST);
                    }
                    state().saveMachines(Map.of("M001", a, "M002", new FeatureState(SPEC)));
                    yield Files.readAllBytes(state().directory().resolve(StateDirectory.MACHINES_FILE));
                }
                case POST_PROCESSING -> {
                    Map<String, PostProcessingState> post = Map.of("M0", POST.newState(), "M1", POST.newState());
                    Random random = new Random(2);
                    for (int i = 0; i < 60; i++) {
                        post.get("M" + (i % 2)).apply(0.4 + 0.05 * random.nextGaussian(), 10 + random.nextGaussian());
                    }
                    state().savePostProcessing(POST, post);
                    yield Files.readAllBytes(state().directory().resolve(StateDirectory.POST_PROCESSING_FILE));
                }
                case SAMPLE -> {
                    state().saveSample(KEY, List.of(rows(20)));
                    yield Files.readAllBytes(state().sampleFile(KEY));
                }
                case RUL -> {
                    Path file = Files.createTempFile("rul", ".json");
                    new RulModel(
                                    List.of("temperature", "vibration", "rpm"),
                                    1,
                                    0.5,
                                    new int[][] {{0, -1, 3, -1, -1}},
                                    new double[][] {{80, 0, 5, 0, 0}},
                                    new int[][] {{1, 0, 3, 0, 0}},
                                    new int[][] {{2, 0, 4, 0, 0}},
                                    new double[][] {{0, 3600, 0, 1800, 900}})
                            .write(file);
                    byte[] bytes = Files.readAllBytes(file);
                    Files.delete(file);
                    yield bytes;
                }
            };
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (MissingFeatureException e) {
            throw new IllegalStateException(e);
        }
    }

    private static double[][] rows(int n) {
        Random random = new Random(1);
        List<double[]> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double[] row = new double[SPEC.dimension()];
            for (int j = 0; j < row.length; j++) {
                row[j] = 70 * (j + 1) + random.nextGaussian();
            }
            rows.add(row);
        }
        return rows.toArray(double[][]::new);
    }

    static long allocated() {
        if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean t) {
            return t.getCurrentThreadAllocatedBytes();
        }
        return 0;
    }
}
