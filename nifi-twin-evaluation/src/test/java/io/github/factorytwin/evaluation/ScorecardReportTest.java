package io.github.factorytwin.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScorecardReportTest {

    @TempDir
    Path dir;

    @Test
    void jsonHasFlatDottedKeysWithNumbersAndLeavesOutWhatWasNotMeasured() throws Exception {
        ScorecardReport report = new ScorecardReport();
        report.number("nab.twin.standard", 55.25);
        report.number("throughput.ScoreAnomaly.records_per_s", 120000);
        report.number("simulator.precision", Double.NaN);
        report.text("nab.twin.detector", "isolation forest");
        report.unavailable("C-MAPSS", "FD001", "not merged yet");
        Path file = dir.resolve("nested/target/scorecard.json");
        report.writeJson(file);

        JsonNode json = new ObjectMapper().readTree(file.toFile());
        assertTrue(json.get("nab.twin.standard").isNumber());
        assertEquals(55.25, json.get("nab.twin.standard").asDouble());
        assertTrue(json.get("throughput.ScoreAnomaly.records_per_s").isNumber());
        assertEquals(120000.0, json.get("throughput.ScoreAnomaly.records_per_s").asDouble());
        assertTrue(json.get("nab.twin.detector").isTextual());
        assertFalse(json.has("simulator.precision"));
        assertFalse(json.has("cmapss.FD001.rmse"));
        List<String> keys = new ArrayList<>();
        json.fieldNames().forEachRemaining(keys::add);
        assertEquals(List.of("nab.twin.standard", "throughput.ScoreAnomaly.records_per_s", "nab.twin.detector"), keys);
    }

    @Test
    void aNumberMeasuredAgainAsNaNIsRemoved() {
        ScorecardReport report = new ScorecardReport();
        report.number("x", 1);
        report.number("x", Double.POSITIVE_INFINITY);
        assertFalse(report.values().containsKey("x"));
    }

    @Test
    void tableShowsValuesAndUnavailableParts() {
        ScorecardReport report = new ScorecardReport();
        report.row("NAB", "twin, standard", "55.25", "RCF 51.7");
        report.unavailable("C-MAPSS", "FD001", "C-MAPSS data missing at /x");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        report.print(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String table = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(table.contains("twin, standard"), table);
        assertTrue(table.contains("55.25"), table);
        assertTrue(table.contains("not available  C-MAPSS data missing at /x"), table);
    }
}
