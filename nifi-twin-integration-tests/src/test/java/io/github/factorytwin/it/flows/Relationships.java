package io.github.factorytwin.it.flows;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.nifi.processor.Processor;
import org.apache.nifi.processor.Relationship;
import org.apache.nifi.util.TestRunner;
import org.apache.nifi.util.TestRunners;

/** A flow processor's relationships: NiFi's from the checked-in component list, ours from the real class. */
final class Relationships {

    /**
     * Ours, as the contract names them: used for the wiring checks until the processors are merged; the real classes
     * are checked against these in {@link OurProcessorsAcceptTheFlowsTest}.
     */
    static final Map<String, Set<String>> CONTRACT = Map.of(
            "io.github.factorytwin.processors.GenerateSensorReadings", Set.of("success"),
            "io.github.factorytwin.processors.ScoreAnomaly", Set.of("success", "anomalous", "failure"),
            "io.github.factorytwin.processors.TrainAnomalyModel", Set.of("success", "failure"),
            "io.github.factorytwin.processors.ComputeHealthScore", Set.of("success", "alerts", "failure"));

    private Relationships() {}

    static Set<String> of(JsonNode processor, Map<String, String> params) {
        String type = processor.path("type").asText();
        if (FlowFiles.isOurs(processor)) {
            Class<? extends Processor> cls = OurProcessorsAcceptTheFlowsTest.loadOrNull(type);
            if (cls == null) {
                throw new AssertionError("Unknown processor of ours: " + type);
            }
            TestRunner runner = TestRunners.newTestRunner(cls);
            Set<String> names = new TreeSet<>();
            for (Relationship r : runner.getProcessor().getRelationships()) {
                names.add(r.getName());
            }
            return names;
        }
        JsonNode entry = FlowFiles.componentsByType().get(type);
        if (entry == null) {
            throw new AssertionError(type + " is not in flows/nifi-" + FlowFiles.nifiVersion() + "-components.json");
        }
        Map<String, String> props = FlowFiles.properties(processor);
        Set<String> names = new TreeSet<>();
        for (JsonNode r : entry.path("relationships")) {
            JsonNode when = r.path("onlyWhen");
            boolean applies = true;
            for (Map.Entry<String, JsonNode> condition : when.properties()) {
                String value = FlowFiles.substitute(props.get(condition.getKey()), params);
                boolean any = false;
                for (JsonNode allowed : condition.getValue()) {
                    any |= allowed.asText().equals(value);
                }
                applies &= any;
            }
            if (applies) {
                names.add(r.path("name").asText());
            }
        }
        return names;
    }
}
