package io.github.factorytwin.evaluation;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the shared reference datasets are: the {@code --datasets} option if given, else the system
 * property {@value #PROPERTY}, else the environment variable {@value #ENV}, else
 * {@code ../shared/datasets} relative to the project root (the directory holding {@code mvnw},
 * found from the working directory upwards).
 */
public final class Datasets {

    public static final String PROPERTY = "twin.datasets";
    public static final String ENV = "TWIN_DATASETS";

    private Datasets() {}

    public static Path resolve(String option) {
        if (option != null && !option.isBlank()) {
            return Path.of(option).toAbsolutePath().normalize();
        }
        String property = System.getProperty(PROPERTY);
        if (property != null && !property.isBlank()) {
            return Path.of(property).toAbsolutePath().normalize();
        }
        String env = System.getenv(ENV);
        if (env != null && !env.isBlank()) {
            return Path.of(env).toAbsolutePath().normalize();
        }
        return projectRoot().resolve("../shared/datasets").toAbsolutePath().normalize();
    }

    /** The default location, from the system property or the project root. */
    public static Path resolve() {
        return resolve(null);
    }

    static Path projectRoot() {
        Path dir = Path.of("").toAbsolutePath();
        for (Path d = dir; d != null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve("mvnw")) && Files.isRegularFile(d.resolve("pom.xml"))) {
                return d;
            }
        }
        return dir;
    }

    public static Path nab(Path datasets) {
        return datasets.resolve("nab");
    }

    public static Path cmapss(Path datasets) {
        return datasets.resolve("cmapss");
    }
}
