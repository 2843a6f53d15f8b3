package io.github.factorytwin.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.factorytwin.evaluation.bench.JsonRecordRunners;
import io.github.factorytwin.evaluation.bench.PassThroughRecordProcessor;
import org.apache.nifi.util.MockFlowFile;
import org.apache.nifi.util.TestRunner;
import org.junit.jupiter.api.Test;

class PassThroughBaselineTest {

    @Test
    void baselineInputIsValidSensorJson() {
        TestRunner runner = JsonRecordRunners.newRunner(new PassThroughRecordProcessor());
        runner.enqueue(PassThroughBaseline.sensorReadings(25));
        runner.run();
        MockFlowFile out = runner.getFlowFilesForRelationship(PassThroughRecordProcessor.SUCCESS)
                .get(0);
        String content = out.getContent();
        assertEquals(25, content.split("\"machine_id\"").length - 1);
        assertTrue(content.contains("\"remaining_useful_life\""), content.substring(0, 300));
    }
}
