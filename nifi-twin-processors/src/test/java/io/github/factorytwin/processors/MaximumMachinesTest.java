package io.github.factorytwin.processors;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.apache.nifi.util.TestRunner;
import org.junit.jupiter.api.Test;

/** Issue 13 §5: Warm-up Size is capped; machines beyond Maximum Machines are evicted and counted. */
class MaximumMachinesTest {

    @Test
    void warmUpSizeIsCappedAndEvictionsAreCounted() throws Exception {
        TestRunner runner = AnomalyTestData.runner(new ScoreAnomaly(), true);
        runner.setProperty(ScoreAnomaly.WARM_UP_SIZE, "10000000");
        runner.assertNotValid();
        runner.setProperty(ScoreAnomaly.WARM_UP_SIZE, "1000000");
        runner.assertValid();
        runner.setProperty(ScoreAnomaly.WARM_UP_SIZE, "100");
        runner.setProperty(ScoreAnomaly.MAXIMUM_MACHINES, "3");
        runner.setProperty(ScoreAnomaly.SCORE_POST_PROCESSING, "LIKELIHOOD");
        runner.setProperty(ScoreAnomaly.ANOMALY_THRESHOLD, "0.5");
        AnomalyTestData data = new AnomalyTestData(1);
        for (int m = 1; m <= 5; m++) {
            data.normal("M" + m, 2);
        }
        runner.enqueue(data.json());
        runner.run();
        runner.assertAllFlowFilesTransferred(ScoreAnomaly.REL_SUCCESS, 1);
        assertEquals(10, AnomalyTestData.all(runner, ScoreAnomaly.REL_SUCCESS).size(), "every record still flows");
        assertEquals(2, runner.getCounterValue(ScoreAnomaly.COUNTER_EVICTED));
    }
}
