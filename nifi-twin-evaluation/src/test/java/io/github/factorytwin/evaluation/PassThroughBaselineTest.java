package io.github.factorytwin.evaluation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.factorytwin.evaluation.bench.JsonRecordRunners;
import io.github.factorytwin.evaluation.bench.PassThroughRecordProcessor;
import io.github.factorytwin.evaluation.bench.Throughput;
import org.apache.nifi.util.MockFlowFile;
import org.apache.nifi.util.TestRunner;
import org.junit.jupiter.api.Test;

class BenchResultsTest {

    public static final class PlainBench {
        public static Throughput.Result measure(int warmups, int iterations) {
            return new Throughput.Result("processor", 100, 90, 110, iterations);
        }

        public static Throughput.Result measurePassThrough(int warmups, int iterations) {
            return new Throughput.Result("pass-through", 400, 380, 420, iterations);
        }
    }

    public static final class NoBaselineBench {}

    record Both(Throughput.Result processor, Throughput.Result passThrough) {}

    @Test
    void baselineFromTheBenchsStaticMethod() throws Exception {
        BenchResults r = BenchResults.read(PlainBench.class, PlainBench.measure(1, 3), 1, 3);
        assertEquals(100, r.recordsPerSecond());
        assertEquals(400, r.passThroughRecordsPerSecond());
        assertEquals(0.25, r.ratio(), 1e-12);
    }

    @Test
    void baselineFromARecordHoldingBothResults() throws Exception {
        Both both = new Both(
                new Throughput.Result("ScoreAnomaly", 50, 40, 60, 5), new Throughput.Result("baseline", 200, 1, 1, 5));
        BenchResults r = BenchResults.read(NoBaselineBench.class, both, 1, 5);
        assertEquals(50, r.recordsPerSecond());
        assertEquals(200, r.passThroughRecordsPerSecond());
    }

    @Test
    void noBaselineGivesNaN() throws Exception {
        BenchResults r = BenchResults.read(NoBaselineBench.class, new Throughput.Result("x", 10, 10, 10, 1), 1, 1);
        assertTrue(Double.isNaN(r.passThroughRecordsPerSecond()));
    }

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
