package io.github.factorytwin.processors;

import static io.github.factorytwin.processors.ScoreAnomaly.REL_FAILURE;
import static io.github.factorytwin.processors.ScoreAnomaly.REL_SUCCESS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Random;
import org.apache.nifi.util.TestRunner;
import org.junit.jupiter.api.Test;

/**
 * ScoreAnomaly's adaptation at its defaults (Retrain Interval, Learning Guard), through the real JSON reader and
 * writer: a machine that moves to a new, steady level is flagged at first and learned once it has settled, while a
 * machine whose fault keeps developing stays flagged.
 */
class ScoreAnomalyAdaptationTest {

    private final Random random = new Random(5);
    private TestRunner runner;
    private boolean scheduled;

    @Test
    void aSettledShiftIsLearnedWhileADevelopingFaultStaysFlagged() throws Exception {
        runner = AnomalyTestData.runner(new ScoreAnomaly(), true);
        runner.setProperty(ScoreAnomaly.MODEL_SCOPE, "PER_MACHINE");
        runner.setProperty(ScoreAnomaly.WARM_UP_SIZE, "500");
        runner.setProperty(ScoreAnomaly.RETRAIN_INTERVAL, "200");
        runner.setProperty(ScoreAnomaly.RETRAINING_SAMPLE_SIZE, "2000");
        runner.setProperty(ScoreAnomaly.RANDOM_SEED, "7");

        feed(1_500, 0, 0); // warm-up and normal running of both machines
        // M1 moves to a new duty (temperature 10 standard deviations higher, then steady); M2's temperature starts
        // to climb, a standard deviation per 20 readings, and keeps climbing (a developing fault; a climb ten times
        // slower is slow drift, which retraining follows with or without this policy)
        double[] atFirst = feed(300, 20, 0.1);
        feed(2_000, 20, 0.1);
        double[] later = feed(500, 20, 0.1);

        assertTrue(atFirst[0] > 0.8, "the shift is flagged while it is new: " + atFirst[0]);
        assertTrue(later[0] < 0.1, "and learned once it has settled: " + later[0]);
        assertTrue(later[1] > 0.95, "the developing fault is not learned away: " + later[1]);
    }

    /**
     * Feeds {@code n} readings of M1 (temperature {@code shift} above normal) and of M2 (temperature rising by
     * {@code climb} per reading from the first reading after the warm-up), 50 per FlowFile, and returns each
     * machine's share of is_anomaly among them.
     */
    private double[] feed(int n, double shift, double climb) throws Exception {
        int[] anomalous = new int[2];
        for (int done = 0; done < n; done += 50) {
            AnomalyTestData data = new AnomalyTestData(random.nextLong());
            for (int i = 0; i < 50; i++) {
                add(data, "M1", shift);
                climbed += climb;
                add(data, "M2", climbed);
            }
            runner.enqueue(data.json());
            runner.run(1, false, !scheduled);
            scheduled = true;
            runner.assertTransferCount(REL_FAILURE, 0);
            for (JsonNode record : AnomalyTestData.all(runner, REL_SUCCESS)) {
                if (record.get("is_anomaly").asBoolean()) {
                    anomalous[record.get("machine_id").asText().equals("M1") ? 0 : 1]++;
                }
            }
            assertEquals(100, AnomalyTestData.all(runner, REL_SUCCESS).size());
            runner.clearTransferState();
        }
        return new double[] {anomalous[0] / (double) n, anomalous[1] / (double) n};
    }

    private double climbed;

    /** A normal reading (as {@link AnomalyTestData#normal}) with the temperature raised by {@code offset}. */
    private void add(AnomalyTestData data, String machine, double offset) {
        double rpm = 1500 + 3000 * random.nextDouble();
        data.add(
                machine,
                75 + offset + 2 * random.nextGaussian(),
                AnomalyTestData.vibrationAt(rpm) + 0.05 * random.nextGaussian(),
                rpm);
    }
}
