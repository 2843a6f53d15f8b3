package io.github.factorytwin.evaluation;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** The scorecard's command-line options. */
public record ScorecardOptions(
        Set<ScorecardOptions.Part> parts,
        Path datasets,
        Path out,
        int warmups,
        int iterations,
        double simulatorDays,
        boolean help) {

    /** The parts of the scorecard, each runnable alone with {@code --only}. */
    public enum Part {
        NAB,
        SIMULATOR,
        CMAPSS,
        THROUGHPUT;

        public String token() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public static final String USAGE =
            """
            Usage: scorecard.sh [--only nab|simulator|cmapss|throughput[,...]] [--datasets <dir>]
                                [--out <file>] [--warmups <n>] [--iterations <n>] [--sim-days <d>] [--help]
              --only        run only these parts (comma-separated or repeated); default: all
              --datasets    the shared datasets folder holding nab/ and cmapss/
                            (default: -Dtwin.datasets, $TWIN_DATASETS, else <project>/../shared/datasets)
              --out         where to write the JSON (default: <project>/nifi-twin-evaluation/target/scorecard.json)
              --warmups     throughput warm-up iterations (default 3)
              --iterations  throughput measured iterations (default 5)
              --sim-days    simulated days of the seeded fleet for the simulator part (default 3)
            """;

    /** Parses the arguments; throws {@link IllegalArgumentException} with a message on bad input. */
    public static ScorecardOptions parse(String... args) {
        EnumSet<Part> parts = EnumSet.noneOf(Part.class);
        String datasets = null;
        String out = null;
        int warmups = 3;
        int iterations = 5;
        double simulatorDays = 3;
        boolean help = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                value = arg.substring(eq + 1);
                arg = arg.substring(0, eq);
            }
            switch (arg) {
                case "--help", "-h" -> help = true;
                case "--only" -> {
                    String list = value != null ? value : next(args, ++i, arg);
                    for (String token : list.split(",")) {
                        parts.add(part(token.trim()));
                    }
                }
                case "--datasets" -> datasets = value != null ? value : next(args, ++i, arg);
                case "--out" -> out = value != null ? value : next(args, ++i, arg);
                case "--warmups" -> warmups = count(value != null ? value : next(args, ++i, arg), arg, 0);
                case "--iterations" -> iterations = count(value != null ? value : next(args, ++i, arg), arg, 1);
                case "--sim-days" -> simulatorDays = days(value != null ? value : next(args, ++i, arg));
                default -> throw new IllegalArgumentException("unknown option: " + args[i]);
            }
        }
        if (parts.isEmpty()) {
            parts = EnumSet.allOf(Part.class);
        }
        Path outPath = out != null
                ? Path.of(out).toAbsolutePath().normalize()
                : Datasets.projectRoot().resolve("nifi-twin-evaluation/target/scorecard.json");
        return new ScorecardOptions(
                Set.copyOf(parts), Datasets.resolve(datasets), outPath, warmups, iterations, simulatorDays, help);
    }

    private static String next(String[] args, int i, String option) {
        if (i >= args.length || args[i].startsWith("--")) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    private static Part part(String token) {
        for (Part p : Part.values()) {
            if (p.token().equals(token.toLowerCase(Locale.ROOT))) {
                return p;
            }
        }
        throw new IllegalArgumentException(
                "unknown part for --only: '" + token + "' (nab, simulator, cmapss, throughput)");
    }

    private static int count(String text, String option, int min) {
        try {
            int n = Integer.parseInt(text);
            if (n < min) {
                throw new IllegalArgumentException(option + " must be at least " + min + ": " + text);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " needs a whole number: " + text);
        }
    }

    private static double days(String text) {
        try {
            double d = Double.parseDouble(text);
            if (!(d > 0 && d <= 365)) {
                throw new IllegalArgumentException("--sim-days must be in (0, 365]: " + text);
            }
            return d;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--sim-days needs a number: " + text);
        }
    }

    public boolean runs(Part part) {
        return parts.contains(part);
    }
}
