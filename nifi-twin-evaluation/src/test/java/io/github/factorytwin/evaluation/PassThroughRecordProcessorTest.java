package io.github.factorytwin.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.factorytwin.evaluation.bench.JsonRecordRunners;
import io.github.factorytwin.evaluation.bench.PassThroughRecordProcessor;
import org.apache.nifi.util.MockFlowFile;
import org.apache.nifi.util.TestRunner;
import org.junit.jupiter.api.Test;

class PassThroughRecordProcessorTest {

    @Test
    void copiesEveryRecordUnchanged() {
        TestRunner runner = JsonRecordRunners.newRunner(new PassThroughRecordProcessor());
        runner.enqueue("[{\"machine_id\":\"M001\",\"rpm\":1500.5},{\"machine_id\":\"M002\",\"rpm\":3000.0}]");
        runner.run();
        runner.assertAllFlowFilesTransferred(PassThroughRecordProcessor.SUCCESS, 1);
        MockFlowFile out = runner.getFlowFilesForRelationship(PassThroughRecordProcessor.SUCCESS)
                .get(0);
        assertEquals(
                "[{\"machine_id\":\"M001\",\"rpm\":1500.5},{\"machine_id\":\"M002\",\"rpm\":3000.0}]",
                out.getContent());
    }
}
