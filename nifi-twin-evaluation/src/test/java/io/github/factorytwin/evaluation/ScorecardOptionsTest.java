package io.github.factorytwin.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.factorytwin.evaluation.ScorecardOptions.Part;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ScorecardOptionsTest {

    @Test
    void defaultsRunEveryPart() {
        ScorecardOptions o = ScorecardOptions.parse();
        assertEquals(EnumSet.allOf(Part.class), EnumSet.copyOf(o.parts()));
        assertEquals(3, o.warmups());
        assertEquals(5, o.iterations());
        assertEquals(3.0, o.simulatorDays());
        assertFalse(o.help());
        assertTrue(
                o.out().endsWith(Path.of("nifi-twin-evaluation/target/scorecard.json")),
                o.out().toString());
        assertTrue(
                o.datasets().endsWith(Path.of("shared/datasets")), o.datasets().toString());
    }

    @Test
    void onlySelectsParts() {
        assertEquals(Set.of(Part.NAB), ScorecardOptions.parse("--only", "nab").parts());
        assertEquals(
                Set.of(Part.CMAPSS, Part.THROUGHPUT),
                ScorecardOptions.parse("--only=cmapss,throughput").parts());
        assertEquals(
                Set.of(Part.SIMULATOR, Part.NAB),
                ScorecardOptions.parse("--only", "SIMULATOR", "--only", "nab").parts());
        assertTrue(ScorecardOptions.parse("--only", "nab").runs(Part.NAB));
        assertFalse(ScorecardOptions.parse("--only", "nab").runs(Part.THROUGHPUT));
    }

    @Test
    void pathsAndCounts() {
        ScorecardOptions o = ScorecardOptions.parse(
                "--datasets",
                "/data/sets",
                "--out=/tmp/x/card.json",
                "--warmups",
                "0",
                "--iterations=7",
                "--sim-days",
                "0.5",
                "-h");
        assertEquals(Path.of("/data/sets"), o.datasets());
        assertEquals(Path.of("/tmp/x/card.json"), o.out());
        assertEquals(0, o.warmups());
        assertEquals(7, o.iterations());
        assertEquals(0.5, o.simulatorDays());
        assertTrue(o.help());
    }

    @Test
    void badInputIsRejectedWithAMessage() {
        assertEquals(
                "unknown part for --only: 'speed' (nab, simulator, cmapss, throughput)",
                assertThrows(IllegalArgumentException.class, () -> ScorecardOptions.parse("--only", "speed"))
                        .getMessage());
        assertEquals(
                "--datasets needs a value",
                assertThrows(IllegalArgumentException.class, () -> ScorecardOptions.parse("--datasets"))
                        .getMessage());
        assertEquals(
                "--datasets needs a value",
                assertThrows(IllegalArgumentException.class, () -> ScorecardOptions.parse("--datasets", "--only"))
                        .getMessage());
        assertEquals(
                "--iterations must be at least 1: 0",
                assertThrows(IllegalArgumentException.class, () -> ScorecardOptions.parse("--iterations", "0"))
                        .getMessage());
        assertEquals(
                "--warmups needs a whole number: x",
                assertThrows(IllegalArgumentException.class, () -> ScorecardOptions.parse("--warmups", "x"))
                        .getMessage());
        assertEquals(
                "--sim-days must be in (0, 365]: 0",
                assertThrows(IllegalArgumentException.class, () -> ScorecardOptions.parse("--sim-days", "0"))
                        .getMessage());
        assertEquals(
                "unknown option: --fast",
                assertThrows(IllegalArgumentException.class, () -> ScorecardOptions.parse("--fast"))
                        .getMessage());
    }
}
