package io.github.factorytwin.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checks the NAR exactly as it ships: size, parent NAR, documented processors, dependency set. */
class ShippedNarTest {

    private static final long MAX_NAR_BYTES = 5L * 1024 * 1024;
    private static final String BUNDLED = "META-INF/bundled-dependencies/";
    private static final String SERVICES = "META-INF/services/org.apache.nifi.processor.Processor";

    private static Path nar;

    @BeforeAll
    static void locateNar() {
        nar = Path.of(System.getProperty("twin.nar", "../nifi-twin-nar/target/nifi-twin-nar.nar"));
        assertTrue(Files.isRegularFile(nar), "NAR not built: " + nar);
    }

    @Test
    void narFitsTheSizeBudget() throws IOException {
        long size = Files.size(nar);
        assertTrue(size <= MAX_NAR_BYTES, "NAR is " + size + " bytes, budget is " + MAX_NAR_BYTES);
    }

    @Test
    void parentNarIsStandardServicesApi() throws IOException {
        try (JarFile jar = new JarFile(nar.toFile())) {
            Manifest manifest = jar.getManifest();
            assertEquals(
                    "nifi-standard-services-api-nar",
                    manifest.getMainAttributes().getValue("Nar-Dependency-Id"));
            assertEquals("2.6.0", manifest.getMainAttributes().getValue("Nar-Dependency-Version"));
        }
    }

    @Test
    void extensionManifestDocumentsEveryProcessor(@TempDir Path unpacked) throws IOException {
        try (ZipFile zip = new ZipFile(nar.toFile())) {
            Set<String> declared = new TreeSet<>();
            for (Path jar : bundledJars(zip, unpacked)) {
                try (ZipFile bundled = new ZipFile(jar.toFile())) {
                    ZipEntry services = bundled.getEntry(SERVICES);
                    if (services != null) {
                        declared.addAll(nonCommentLines(read(bundled, services)));
                    }
                }
            }
            String manifest = read(zip, zip.getEntry("META-INF/docs/extension-manifest.xml"));
            Set<String> documented = new TreeSet<>();
            Matcher m = Pattern.compile("<name>([^<]+)</name>\\s*<type>PROCESSOR</type>")
                    .matcher(manifest);
            while (m.find()) {
                documented.add(m.group(1));
            }
            assertEquals(
                    Set.of(
                            "io.github.factorytwin.processors.GenerateSensorReadings",
                            "io.github.factorytwin.processors.ScoreAnomaly",
                            "io.github.factorytwin.processors.TrainAnomalyModel",
                            "io.github.factorytwin.processors.ComputeHealthScore"),
                    declared,
                    "the processors the bundle declares");
            assertEquals(declared, documented);
        }
    }

    /** Processors that read or write files an operator names are restricted components, as NiFi's file processors. */
    @Test
    void processorsThatTouchFilesAreRestricted() throws IOException {
        Map<String, String> byProcessor = extensions();
        for (String restricted : List.of("ScoreAnomaly", "TrainAnomalyModel", "ComputeHealthScore")) {
            assertTrue(
                    byProcessor.get(restricted).contains("write filesystem"),
                    restricted + " must declare the write-filesystem restriction");
        }
        assertTrue(byProcessor.get("ScoreAnomaly").contains("read filesystem"));
        assertTrue(byProcessor.get("ComputeHealthScore").contains("read filesystem"));
        assertFalse(byProcessor.get("GenerateSensorReadings").contains("<restricted>"));
    }

    /** The whole twin is one use case in NiFi's documentation, naming every processor of the flow in order. */
    @Test
    void theWholeTwinIsAMultiProcessorUseCase() throws IOException {
        String generator = extensions().get("GenerateSensorReadings");
        Matcher useCase = Pattern.compile("<multiProcessorUseCase>.*?</multiProcessorUseCase>", Pattern.DOTALL)
                .matcher(generator);
        assertTrue(useCase.find(), "GenerateSensorReadings documents the whole twin");
        List<String> processors = new ArrayList<>();
        Matcher names = Pattern.compile("<processorClassName>([^<]+)</processorClassName>")
                .matcher(useCase.group());
        while (names.find()) {
            processors.add(names.group(1));
        }
        assertEquals(
                List.of(
                        "io.github.factorytwin.processors.GenerateSensorReadings",
                        "org.apache.nifi.kafka.processors.PublishKafka",
                        "org.apache.nifi.kafka.processors.ConsumeKafka",
                        "io.github.factorytwin.processors.ScoreAnomaly",
                        "io.github.factorytwin.processors.ComputeHealthScore",
                        "org.apache.nifi.processors.elasticsearch.PutElasticsearchRecord"),
                processors);
    }

    /** The model files an operator names are external resources, which NiFi checks exist before the processor runs. */
    @Test
    void modelFilesAreExternalResources() throws IOException {
        Map<String, String> extensions = extensions();
        for (Map.Entry<String, String> file : Map.of(
                        "ScoreAnomaly", "Model File", "ComputeHealthScore", "RUL Model File")
                .entrySet()) {
            Matcher property = Pattern.compile("<property><name>" + file.getValue() + "</name>.*?</property>")
                    .matcher(extensions.get(file.getKey()));
            assertTrue(property.find(), file.toString());
            assertTrue(
                    property.group()
                            .contains("<resourceDefinition><cardinality>SINGLE</cardinality><resourceTypes>"
                                    + "<resourceType>FILE</resourceType></resourceTypes></resourceDefinition>"),
                    property.group());
        }
    }

    /** Each of our processors' part of the extension manifest, by simple class name. */
    private Map<String, String> extensions() throws IOException {
        try (ZipFile zip = new ZipFile(nar.toFile())) {
            String manifest = read(zip, zip.getEntry("META-INF/docs/extension-manifest.xml"));
            Map<String, String> byProcessor = new TreeMap<>();
            for (String extension : manifest.split("<extension>")) {
                Matcher name = Pattern.compile("<name>io\\.github\\.factorytwin\\.processors\\.(\\w+)</name>")
                        .matcher(extension);
                if (name.find()) {
                    byProcessor.put(name.group(1), extension);
                }
            }
            return byProcessor;
        }
    }

    @Test
    void shipsSmileCoreWithoutItsBaggage() throws IOException {
        try (ZipFile zip = new ZipFile(nar.toFile())) {
            List<String> names = zip.stream()
                    .map(ZipEntry::getName)
                    .filter(n -> n.startsWith(BUNDLED))
                    .map(n -> n.substring(BUNDLED.length()))
                    .toList();
            assertTrue(names.stream().anyMatch(n -> n.startsWith("smile-core-")), names.toString());
            assertTrue(names.stream().anyMatch(n -> n.startsWith("smile-base-")), names.toString());
            for (String banned :
                    List.of("javacpp", "openblas", "arpack", "duckdb", "arrow", "parquet", "hadoop", "commons-csv")) {
                assertFalse(names.stream().anyMatch(n -> n.contains(banned)), banned + " shipped: " + names);
            }
        }
    }

    /** Fits and scores an Isolation Forest with only the NAR's own jars on the class path. */
    @Test
    void isolationForestRunsOnTheShippedJarsAlone(@TempDir Path dir) throws Exception {
        try (ZipFile zip = new ZipFile(nar.toFile())) {
            List<Path> jars = bundledJars(zip, dir);
            URL[] urls = new URL[jars.size()];
            for (int i = 0; i < urls.length; i++) {
                urls[i] = jars.get(i).toUri().toURL();
            }
            try (URLClassLoader loader = new URLClassLoader(urls, new NiFiLibLoader())) {
                Class<?> forest = loader.loadClass("smile.anomaly.IsolationForest");
                Random random = new Random(7);
                double[][] normal = new double[500][];
                for (int i = 0; i < normal.length; i++) {
                    normal[i] = new double[] {80 + random.nextGaussian(), 0.8 + 0.05 * random.nextGaussian()};
                }
                Object model = forest.getMethod("fit", double[][].class).invoke(null, (Object) normal);
                Method score = forest.getMethod("score", double[].class);
                double typical = (double) score.invoke(model, (Object) new double[] {80, 0.8});
                double outlier = (double) score.invoke(model, (Object) new double[] {120, 4.0});
                assertTrue(outlier > typical, "outlier " + outlier + " should score above typical " + typical);
            }
        }
    }

    /** Stands for NiFi's own lib/ class loader: the JDK plus SLF4J, nothing else of this test's class path. */
    private static final class NiFiLibLoader extends ClassLoader {
        NiFiLibLoader() {
            super(ClassLoader.getPlatformClassLoader());
        }

        @Override
        protected Class<?> findClass(String name) throws ClassNotFoundException {
            if (name.startsWith("org.slf4j.")) {
                return ShippedNarTest.class.getClassLoader().loadClass(name);
            }
            throw new ClassNotFoundException(name);
        }
    }

    private static List<Path> bundledJars(ZipFile zip, Path dir) throws IOException {
        List<Path> jars = new ArrayList<>();
        for (ZipEntry entry : zip.stream().toList()) {
            if (entry.getName().startsWith(BUNDLED) && entry.getName().endsWith(".jar")) {
                Path target = dir.resolve(entry.getName().substring(BUNDLED.length()));
                try (InputStream in = zip.getInputStream(entry)) {
                    Files.copy(in, target);
                }
                jars.add(target);
            }
        }
        return jars;
    }

    private static String read(ZipFile zip, ZipEntry entry) throws IOException {
        try (InputStream in = zip.getInputStream(entry)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static List<String> nonCommentLines(String text) {
        return text.lines()
                .map(String::trim)
                .filter(l -> !l.isEmpty() && !l.startsWith("#"))
                .toList();
    }
}
