package io.github.factorytwin.evaluation.nab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Read access to a NAB v1.1 folder (the {@code nab/} folder of the shared datasets): the data files,
 * the combined label windows, the profiles, the published thresholds and the published per-row
 * results of NAB's own detectors.
 */
public final class NabCorpus {

    /** One NAB data file: its rows' timestamps and values, and its anomaly windows. */
    public record DataFile(String relativePath, List<LocalDateTime> timestamps, double[] values, List<Window> windows) {
        public int size() {
            return values.length;
        }
    }

    /** One labelled anomaly window, both ends inclusive; both are timestamps of rows of the file. */
    public record Window(LocalDateTime start, LocalDateTime end) {}

    private final Path root;
    private final Map<String, List<Window>> windows;

    private NabCorpus(Path root, Map<String, List<Window>> windows) {
        this.root = root;
        this.windows = windows;
    }

    /** True when {@code root} looks like a NAB folder (labels, profiles and data present). */
    public static boolean isPresent(Path root) {
        return root != null
                && Files.isRegularFile(root.resolve("labels/combined_windows.json"))
                && Files.isRegularFile(root.resolve("config/profiles.json"))
                && Files.isDirectory(root.resolve("data"));
    }

    public static NabCorpus open(Path root) throws IOException {
        if (!isPresent(root)) {
            throw new IOException("not a NAB folder (labels/combined_windows.json, config/profiles.json, data/): "
                    + root.toAbsolutePath());
        }
        JsonNode json = new ObjectMapper()
                .readTree(root.resolve("labels/combined_windows.json").toFile());
        Map<String, List<Window>> windows = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = json.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            List<Window> list = new ArrayList<>();
            for (JsonNode pair : entry.getValue()) {
                list.add(new Window(
                        parseTimestamp(pair.get(0).asText()),
                        parseTimestamp(pair.get(1).asText())));
            }
            windows.put(entry.getKey(), List.copyOf(list));
        }
        return new NabCorpus(root, windows);
    }

    public Path root() {
        return root;
    }

    /** The relative paths of the corpus's files (e.g. {@code realKnownCause/nyc_taxi.csv}), sorted. */
    public List<String> files() {
        return List.copyOf(windows.keySet());
    }

    public List<Window> windows(String relativePath) {
        List<Window> list = windows.get(relativePath);
        if (list == null) {
            throw new IllegalArgumentException("no labels for " + relativePath);
        }
        return list;
    }

    /** Total number of labelled windows in the corpus (116 in NAB v1.1). */
    public int windowCount() {
        return windows.values().stream().mapToInt(List::size).sum();
    }

    public List<NabProfile> profiles() throws IOException {
        return NabProfile.load(root.resolve("config/profiles.json"));
    }

    public DataFile load(String relativePath) throws IOException {
        Table table = readCsv(root.resolve("data").resolve(relativePath), "value");
        return new DataFile(relativePath, table.timestamps, table.column, windows(relativePath));
    }

    /**
     * The per-row {@code anomaly_score} column of a published detector's results file
     * {@code results/<detector>/<category>/<detector>_<file>.csv}.
     */
    public double[] publishedScores(String detector, String relativePath) throws IOException {
        int slash = relativePath.lastIndexOf('/');
        String dir = relativePath.substring(0, slash);
        String file = relativePath.substring(slash + 1);
        Path path = root.resolve("results").resolve(detector).resolve(dir).resolve(detector + "_" + file);
        return readCsv(path, "anomaly_score").column;
    }

    /** The threshold NAB published for a detector and profile ({@code config/thresholds.json}). */
    public double publishedThreshold(String detector, String profile) throws IOException {
        JsonNode node = new ObjectMapper()
                .readTree(root.resolve("config/thresholds.json").toFile())
                .path(detector)
                .path(profile)
                .path("threshold");
        if (!node.isNumber()) {
            throw new IOException("no threshold for " + detector + "/" + profile);
        }
        return node.asDouble();
    }

    /** The published final normalised score of a detector ({@code results/final_results.json}). */
    public double publishedFinalScore(String detector, String profile) throws IOException {
        JsonNode node = new ObjectMapper()
                .readTree(root.resolve("results/final_results.json").toFile())
                .path(detector)
                .path(profile);
        if (!node.isNumber()) {
            throw new IOException("no final score for " + detector + "/" + profile);
        }
        return node.asDouble();
    }

    /** NAB timestamps: {@code 2013-12-02 21:15:00} in data, {@code 2014-04-10 07:15:00.000000} in labels. */
    public static LocalDateTime parseTimestamp(String text) {
        return LocalDateTime.parse(text.trim().replace(' ', 'T'));
    }

    private record Table(List<LocalDateTime> timestamps, double[] column) {}

    private static Table readCsv(Path path, String columnName) throws IOException {
        try (BufferedReader in = Files.newBufferedReader(path)) {
            String header = in.readLine();
            if (header == null) {
                throw new IOException("empty file " + path);
            }
            String[] names = header.split(",");
            int column = -1;
            for (int i = 0; i < names.length; i++) {
                if (names[i].trim().equals(columnName)) {
                    column = i;
                }
            }
            if (column < 0 || !names[0].trim().equals("timestamp")) {
                throw new IOException("no timestamp/" + columnName + " column in " + path);
            }
            List<LocalDateTime> timestamps = new ArrayList<>();
            double[] values = new double[1024];
            int n = 0;
            String line;
            while ((line = in.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                String[] cells = line.split(",", -1);
                timestamps.add(parseTimestamp(cells[0]));
                if (n == values.length) {
                    values = java.util.Arrays.copyOf(values, n * 2);
                }
                values[n++] = Double.parseDouble(cells[column].trim());
            }
            return new Table(List.copyOf(timestamps), java.util.Arrays.copyOf(values, n));
        }
    }
}
