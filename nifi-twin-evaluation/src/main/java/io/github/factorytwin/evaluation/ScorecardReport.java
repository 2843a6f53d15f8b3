package io.github.factorytwin.evaluation;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the scorecard found: a flat map of dotted keys to numbers (and a few descriptive strings)
 * written as {@code scorecard.json}, and the rows of the terminal table. A figure that could not be
 * measured is absent from the JSON and shown as "not available" with the reason.
 */
public final class ScorecardReport {

    /** One table row. */
    public record Row(String part, String metric, String value, String reference) {}

    private final Map<String, Object> values = new LinkedHashMap<>();
    private final List<Row> rows = new ArrayList<>();

    /** Records a measured number under {@code key}; non-finite numbers are not recorded. */
    public void number(String key, double value) {
        if (Double.isFinite(value)) {
            values.put(key, value);
        } else {
            values.remove(key);
        }
    }

    /** Records a descriptive text (method, configuration) under {@code key}. */
    public void text(String key, String value) {
        values.put(key, value);
    }

    public void row(String part, String metric, String value, String reference) {
        rows.add(new Row(part, metric, value, reference == null ? "" : reference));
    }

    /** A part (or figure) that could not be measured, with the reason; nothing goes in the JSON. */
    public void unavailable(String part, String metric, String reason) {
        rows.add(new Row(part, metric, "not available", reason));
    }

    public Map<String, Object> values() {
        return Collections.unmodifiableMap(values);
    }

    public List<Row> rows() {
        return Collections.unmodifiableList(rows);
    }

    /** Writes the values as one flat JSON object (keys in the order recorded), creating parent folders. */
    public void writeJson(Path file) throws IOException {
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        mapper.writeValue(tmp.toFile(), values);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    /** Prints the table: part, metric, value, reference. */
    public void print(PrintStream out) {
        String[] header = {"part", "metric", "value", "reference / note"};
        int[] width = new int[4];
        for (int i = 0; i < 4; i++) {
            width[i] = header[i].length();
        }
        for (Row r : rows) {
            width[0] = Math.max(width[0], r.part().length());
            width[1] = Math.max(width[1], r.metric().length());
            width[2] = Math.max(width[2], r.value().length());
        }
        String format = "%-" + width[0] + "s  %-" + width[1] + "s  %" + width[2] + "s  %s%n";
        out.printf(Locale.ROOT, format, (Object[]) header);
        out.println("-".repeat(width[0] + width[1] + width[2] + 6 + 40));
        String last = null;
        for (Row r : rows) {
            if (last != null && !last.equals(r.part())) {
                out.println();
            }
            out.printf(Locale.ROOT, format, r.part(), r.metric(), r.value(), r.reference());
            last = r.part();
        }
    }

    /** Formats a figure for the table. */
    public static String fmt(double value, int decimals) {
        return Double.isFinite(value) ? String.format(Locale.ROOT, "%." + decimals + "f", value) : "n/a";
    }
}
