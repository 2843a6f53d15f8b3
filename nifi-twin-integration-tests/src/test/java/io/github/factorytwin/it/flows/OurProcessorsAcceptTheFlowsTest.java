package io.github.factorytwin.it.flows;

import static io.github.factorytwin.it.flows.FlowFiles.all;
import static io.github.factorytwin.it.flows.FlowFiles.parameters;
import static io.github.factorytwin.it.flows.FlowFiles.properties;
import static io.github.factorytwin.it.flows.FlowFiles.substitute;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.nifi.components.PropertyDescriptor;
import org.apache.nifi.components.ValidationResult;
import org.apache.nifi.controller.ControllerService;
import org.apache.nifi.processor.Processor;
import org.apache.nifi.processor.Relationship;
import org.apache.nifi.reporting.InitializationException;
import org.apache.nifi.util.MockProcessContext;
import org.apache.nifi.util.TestRunner;
import org.apache.nifi.util.TestRunners;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Sets each flow's property values (parameters substituted) on the real processor in a nifi-mock TestRunner, with the
 * flow's own record services, and requires the processor to be valid. Covers our processors (looked up by class name
 * so this module compiles before they are merged: a missing class FAILS the test) and the NiFi components whose
 * classes are on the test class path (MergeRecord, JsonTreeReader, JsonRecordSetWriter).
 */
class OurProcessorsAcceptTheFlowsTest {

    static Class<? extends Processor> loadOrNull(String type) {
        try {
            return Class.forName(type, false, OurProcessorsAcceptTheFlowsTest.class.getClassLoader())
                    .asSubclass(Processor.class);
        } catch (ClassNotFoundException e) {
            return null;
        }
    }

    @TestFactory
    Stream<DynamicTest> everyProcessorOfOursAndEveryNiFiOneOnTheClassPathIsValid() {
        List<DynamicTest> tests = new ArrayList<>();
        for (var file : FlowFiles.flows()) {
            JsonNode flow = FlowFiles.read(file);
            Map<String, String> params = parameters(flow);
            Map<String, JsonNode> services = new HashMap<>();
            all(flow, "controllerServices")
                    .forEach(s -> services.put(s.path("identifier").asText(), s));
            for (JsonNode p : all(flow, "processors")) {
                String type = p.path("type").asText();
                boolean ours = FlowFiles.isOurs(p);
                if (!ours && loadOrNull(type) == null) {
                    continue; // NiFi components not on this class path: checked by name in NiFiComponentsTest
                }
                tests.add(DynamicTest.dynamicTest(
                        file.getFileName() + ": " + p.path("name").asText(), () -> {
                            Class<? extends Processor> cls = loadOrNull(type);
                            assertNotNull(
                                    cls,
                                    type + " is not on the class path. " + file.getFileName()
                                            + " uses it; this test fails until"
                                            + " the processor is merged into nifi-twin-processors (contract name: "
                                            + type.substring(type.lastIndexOf('.') + 1) + ").");
                            validate(cls, p, params, services);
                        }));
            }
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> ourProcessorsHaveTheContractsRelationships() {
        return Relationships.CONTRACT.entrySet().stream()
                .map(e -> DynamicTest.dynamicTest(e.getKey(), () -> {
                    Class<? extends Processor> cls = loadOrNull(e.getKey());
                    assertNotNull(
                            cls, e.getKey() + " is not on the class path: it fails until the processor is merged.");
                    Set<String> actual = new TreeSet<>();
                    for (Relationship r :
                            TestRunners.newTestRunner(cls).getProcessor().getRelationships()) {
                        actual.add(r.getName());
                    }
                    assertEquals(
                            new TreeSet<>(e.getValue()), actual, e.getKey() + " relationships (the flows wire these)");
                }));
    }

    /** The NiFi image's home; paths under it are the container's (the processors check that they can write there). */
    private static final String CONTAINER_NIFI = "/opt/nifi/";

    /** Stands for the container's {@value #CONTAINER_NIFI}, which the image creates and gives to NiFi. */
    private static final Path CONTAINER_NIFI_HERE = temporaryDirectory();

    private static Path temporaryDirectory() {
        try {
            return Files.createTempDirectory("container-opt-nifi");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A container path under {@value #CONTAINER_NIFI} moved to its stand-in, so the check does not depend on /opt here. */
    private static String inContainer(String value) {
        if (value == null || !value.startsWith(CONTAINER_NIFI)) {
            return value;
        }
        return CONTAINER_NIFI_HERE
                .resolve(value.substring(CONTAINER_NIFI.length()))
                .toString();
    }

    private static void validate(
            Class<? extends Processor> cls,
            JsonNode processor,
            Map<String, String> params,
            Map<String, JsonNode> services)
            throws Exception {
        TestRunner runner = TestRunners.newTestRunner(cls);
        Map<String, String> props = new LinkedHashMap<>();
        properties(processor).forEach((k, v) -> props.put(k, inContainer(substitute(v, params))));
        Set<String> supported = new TreeSet<>();
        for (PropertyDescriptor d : runner.getProcessor().getPropertyDescriptors()) {
            supported.add(d.getName());
        }
        for (String name : props.keySet()) {
            assertTrue(
                    supported.contains(name),
                    processor.path("name").asText() + ": '" + name + "' is not a property of " + cls.getName()
                            + " (it would become a dynamic property); it has " + supported);
        }
        for (String value : props.values()) {
            JsonNode service = services.get(value);
            if (service != null) {
                addService(runner, service, params);
            }
        }
        props.forEach((k, v) -> {
            if (v == null) {
                runner.removeProperty(k);
            } else {
                runner.setProperty(k, v);
            }
        });
        Collection<ValidationResult> invalid = ((MockProcessContext) runner.getProcessContext())
                .validate().stream().filter(r -> !r.isValid()).toList();
        assertTrue(
                invalid.isEmpty(),
                processor.path("name").asText() + " (" + cls.getSimpleName() + ") is invalid with the flow's values: "
                        + invalid);
    }

    static void addService(TestRunner runner, JsonNode service, Map<String, String> params)
            throws InitializationException, ReflectiveOperationException {
        String id = service.path("identifier").asText();
        if (runner.getControllerService(id) != null) {
            return;
        }
        String type = service.path("type").asText();
        Class<?> cls;
        try {
            cls = Class.forName(type);
        } catch (ClassNotFoundException e) {
            throw new AssertionError(
                    type + " (service '" + service.path("name").asText() + "') is not on the test class path", e);
        }
        ControllerService instance =
                (ControllerService) cls.getDeclaredConstructor().newInstance();
        Map<String, String> props = new LinkedHashMap<>();
        properties(service).forEach((k, v) -> props.put(k, substitute(v, params)));
        runner.addControllerService(id, instance, props);
        runner.assertValid(instance);
        runner.enableControllerService(instance);
    }
}
