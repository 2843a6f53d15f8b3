package io.github.factorytwin.anomaly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.factorytwin.state.StateFormatException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StateDirectoryTest {

    private static final FeatureSpec SPEC =
            new FeatureSpec(IsolationForestModelTest.NAMES, EnumSet.noneOf(DerivedFeature.class));

    @TempDir
    Path root;

    private StateDirectory directory(String... settings) {
        return new StateDirectory(root, SPEC, List.of(settings));
    }

    @Test
    void postProcessingStateRoundTripsThroughTheDirectory() throws Exception {
        StateDirectory directory = directory("GLOBAL", "1000");
        ScorePostProcessing settings = ScorePostProcessing.likelihoodAndRange(10);
        PostProcessingState saved = settings.newState();
        for (int i = 0; i < 100; i++) {
            saved.apply(0.4 + (i % 7) * 0.01, 70 + i % 5, 1.0, 3000);
        }
        assertNull(directory.loadPostProcessing(settings), "nothing saved yet");

        directory.savePostProcessing(settings, java.util.Map.of("M1", saved));
        java.util.Map<String, PostProcessingState> restored = directory.loadPostProcessing(settings);
        assertEquals(java.util.Set.of("M1"), restored.keySet());
        assertEquals(saved.apply(0.9, 90, 1.0, 3000), restored.get("M1").apply(0.9, 90, 1.0, 3000));

        assertThrows(
                ScorePostProcessing.SettingsChangedException.class,
                () -> directory.loadPostProcessing(ScorePostProcessing.likelihoodAndRange(20)));
    }

    @Test
    void aDamagedOrTruncatedStateFileIsReportedNotUsed() throws Exception {
        StateDirectory directory = directory("GLOBAL");
        ScorePostProcessing settings = ScorePostProcessing.likelihoodAndRange(10);
        PostProcessingState saved = settings.newState();
        saved.apply(0.4, 70.0);
        directory.savePostProcessing(settings, java.util.Map.of("M1", saved));
        Path file = directory.directory().resolve(StateDirectory.POST_PROCESSING_FILE);
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 5));
        assertThrows(StateFormatException.class, () -> directory.loadPostProcessing(settings));
        Files.writeString(file, "garbage that is long enough");
        assertThrows(StateFormatException.class, () -> directory.loadPostProcessing(settings));
    }

    @Test
    void differentSettingsLiveInDifferentSubDirectories() {
        assertEquals(
                directory("GLOBAL", "1000").directory(),
                directory("GLOBAL", "1000").directory());
        assertNotEquals(
                directory("GLOBAL", "1000").directory(),
                directory("GLOBAL", "2000").directory());
        assertEquals(root, directory("GLOBAL").directory().getParent());
    }

    @Test
    void subDirectoriesOfOtherSettingsUnusedForLongAreDeleted() throws Exception {
        Instant now = Instant.parse("2026-11-25T10:00:00Z");
        StateDirectory current = directory("current");
        StateDirectory stale = directory("stale");
        StateDirectory recent = directory("recent");
        StateDirectory foreign = directory("foreign");
        ScorePostProcessing state = ScorePostProcessing.likelihoodAndRange(10);
        for (StateDirectory d : List.of(current, stale, recent, foreign)) {
            d.savePostProcessing(state, java.util.Map.of());
            d.saveMachines(java.util.Map.of());
        }
        Files.writeString(foreign.directory().resolve("notes.txt"), "someone's file");
        Path unrelated = Files.createDirectories(root.resolve("backup"));
        ageTo(current.directory(), now.minus(Duration.ofDays(30)));
        ageTo(stale.directory(), now.minus(Duration.ofDays(8)));
        ageTo(recent.directory(), now.minus(Duration.ofDays(6)));
        ageTo(foreign.directory(), now.minus(Duration.ofDays(30)));
        ageTo(unrelated, now.minus(Duration.ofDays(30)));

        List<Path> deleted = current.markUsedAndDeleteStale(now, Duration.ofDays(7));

        assertEquals(List.of(stale.directory()), deleted);
        assertFalse(Files.exists(stale.directory()));
        assertTrue(Files.exists(current.directory().resolve(StateDirectory.POST_PROCESSING_FILE)), "in use: kept");
        assertEquals(now, Files.getLastModifiedTime(current.directory()).toInstant(), "and marked as used now");
        assertTrue(Files.exists(recent.directory()), "used within the period: kept");
        assertTrue(Files.exists(foreign.directory().resolve("notes.txt")), "holds a file not ours: kept");
        assertTrue(Files.exists(unrelated), "not a fingerprint directory: kept");
    }

    private static void ageTo(Path directory, Instant time) throws Exception {
        try (var files = Files.list(directory)) {
            for (Path file : files.toList()) {
                Files.setLastModifiedTime(file, FileTime.from(time));
            }
        }
        Files.setLastModifiedTime(directory, FileTime.from(time));
    }
}
