package io.github.factorytwin.processors;

import static io.github.factorytwin.processors.ScoreAnomaly.REL_SUCCESS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.nifi.controller.ControllerService;
import org.apache.nifi.util.TestRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Score Post-processing and Range Tolerance on a univariate series (a one-sensor machine). */
class ScoreAnomalyPostProcessingTest {

    private static final int WARM_UP = 100;

    private static TestRunner runner(String postProcessing, String tolerance, String threshold) throws Exception {
        TestRunner runner = AnomalyTestData.runner(new ScoreAnomaly(), true);
        runner.setProperty(ScoreAnomaly.FEATURE_FIELDS, "value");
        runner.setProperty(ScoreAnomaly.MODEL_SCOPE, "PER_MACHINE");
        runner.setProperty(ScoreAnomaly.WARM_UP_SIZE, String.valueOf(WARM_UP));
        runner.setProperty(ScoreAnomaly.POST_PROCESSING_LEARNING_PERIOD, String.valueOf(WARM_UP));
        runner.setProperty(ScoreAnomaly.RETRAIN_INTERVAL, "50");
        runner.setProperty(ScoreAnomaly.RANDOM_SEED, "3");
        runner.setProperty(ScoreAnomaly.ANOMALY_THRESHOLD, threshold);
        runner.setProperty(ScoreAnomaly.SCORE_POST_PROCESSING, postProcessing);
        if (tolerance != null) {
            runner.setProperty(ScoreAnomaly.RANGE_TOLERANCE, tolerance);
        }
        runner.assertValid();
        return runner;
    }

    /** 400 readings around 10, then 150 around 25: a sustained level shift at index 400. */
    private static double[] shiftedSeries() {
        Random random = new Random(11);
        double[] values = new double[550];
        for (int i = 0; i < values.length; i++) {
            values[i] = (i < 400 ? 10 : 25) + random.nextGaussian();
        }
        return values;
    }

    /** Feeds the series in FlowFiles of 10 readings (models fit between FlowFiles) and returns every output record. */
    private static List<JsonNode> feed(TestRunner runner, String machine, double[] values) throws Exception {
        return feed(runner, machine, values, 0, values.length, -1, true, false);
    }

    /**
     * Feeds readings {@code from..to-1} of the series in FlowFiles of 10; the reading at {@code maintenanceAt} (if
     * any) is the maintenance record; {@code schedule} schedules the processor first, {@code stop} stops it after the
     * last FlowFile.
     */
    private static List<JsonNode> feed(
            TestRunner runner,
            String machine,
            double[] values,
            int from,
            int to,
            int maintenanceAt,
            boolean schedule,
            boolean stop)
            throws Exception {
        return feed(runner, machine, values, from, to, maintenanceAt, schedule, stop, "state");
    }

    /** As above, with the repair marked in {@code stateField}. */
    private static List<JsonNode> feed(
            TestRunner runner,
            String machine,
            double[] values,
            int from,
            int to,
            int maintenanceAt,
            boolean schedule,
            boolean stop,
            String stateField)
            throws Exception {
        List<JsonNode> out = new ArrayList<>();
        boolean first = schedule;
        for (int start = from; start < to; start += 10) {
            StringBuilder json = new StringBuilder("[");
            for (int i = start; i < Math.min(to, start + 10); i++) {
                json.append(i == start ? "" : ",")
                        .append("{\"machine_id\":\"")
                        .append(machine)
                        .append("\",\"timestamp\":")
                        .append(1_700_000_000_000L + i * 60_000L)
                        .append(",\"value\":")
                        .append(values[i])
                        .append(",\"")
                        .append(stateField)
                        .append("\":\"")
                        .append(i == maintenanceAt ? "maintenance" : "normal")
                        .append("\"}");
            }
            runner.enqueue(json.append(']').toString());
            runner.run(1, stop && start + 10 >= to, first);
            first = false;
            out.addAll(AnomalyTestData.all(runner, REL_SUCCESS));
            runner.clearTransferState();
        }
        return out;
    }

    private static int anomalous(List<JsonNode> records, int from, int to) {
        int n = 0;
        for (int i = from; i < to; i++) {
            if (records.get(i).get("is_anomaly").asBoolean()) {
                n++;
            }
        }
        return n;
    }

    @Test
    void likelihoodFlagsASustainedShiftOnceWhereRawScoresFlagItOnManyReadings() throws Exception {
        double[] series = shiftedSeries();
        List<JsonNode> raw = feed(runner("NONE", null, "0.65"), "S1", series);
        List<JsonNode> likely = feed(runner("LIKELIHOOD", null, "0.5"), "S1", series);
        assertEquals(series.length, likely.size());
        for (int i = 0; i < WARM_UP; i++) {
            assertTrue(likely.get(i).get("anomaly_score").isNull(), "warm-up reading " + i);
            assertEquals(
                    ScoreAnomaly.WARMING_UP,
                    likely.get(i).get("anomaly_explanation").asText());
        }
        int rawFlags = anomalous(raw, 400, 550);
        int likelyFlags = anomalous(likely, 400, 550);
        int likelyFirst = -1;
        for (int i = 400; i < 550 && likelyFirst < 0; i++) {
            if (likely.get(i).get("is_anomaly").asBoolean()) {
                likelyFirst = i;
            }
        }
        assertTrue(rawFlags >= 10, "raw scores flag the new level on many readings: " + rawFlags);
        assertTrue(likelyFirst >= 400 && likelyFirst < 420, "likelihood flags the shift soon: " + likelyFirst);
        assertTrue(likelyFlags <= 5, "likelihood flags the shift a few times, not throughout: " + likelyFlags);
        assertEquals(0, anomalous(likely, WARM_UP, 400), "no alarm before the shift");
        for (JsonNode record : likely.subList(WARM_UP, likely.size())) {
            if (!record.get("is_anomaly").asBoolean()) {
                assertTrue(
                        record.get("anomaly_explanation").isNull(),
                        "the sentence only on anomalous readings, judged after post-processing: " + record);
            }
        }
        JsonNode flagged = likely.get(likelyFirst);
        assertTrue(flagged.get("anomaly_score").asDouble() >= 0.5);
        assertEquals("value", flagged.get("anomaly_feature").asText());
        assertFalse(flagged.get("anomaly_explanation").isNull());
    }

    @Test
    void theRangeGuardScoresANeverSeenLevelOneAndNamesTheFeature() throws Exception {
        double[] series = shiftedSeries();
        TestRunner runner = runner("NONE", "0.05", "0.65");
        List<JsonNode> out = feed(runner, "S1", series);
        JsonNode jump = out.get(400);
        assertEquals(1.0, jump.get("anomaly_score").asDouble());
        assertTrue(jump.get("is_anomaly").asBoolean());
        assertEquals("value", jump.get("anomaly_feature").asText());
        assertEquals(series[400], jump.get("anomaly_feature_value").asDouble(), 1e-9);
        assertTrue(
                jump.get("anomaly_explanation").asText().contains("outside the machine's range"),
                jump.get("anomaly_explanation").asText());
        // once the level is inside the range seen so far, the guard no longer fires on it
        assertTrue(out.get(549).get("anomaly_score").asDouble() < 1.0);
    }

    @Test
    void noneKeepsTheRawScores() throws Exception {
        double[] series = shiftedSeries();
        TestRunner plain = AnomalyTestData.runner(new ScoreAnomaly(), true);
        plain.setProperty(ScoreAnomaly.FEATURE_FIELDS, "value");
        plain.setProperty(ScoreAnomaly.MODEL_SCOPE, "PER_MACHINE");
        plain.setProperty(ScoreAnomaly.WARM_UP_SIZE, String.valueOf(WARM_UP));
        plain.setProperty(ScoreAnomaly.POST_PROCESSING_LEARNING_PERIOD, String.valueOf(WARM_UP));
        plain.setProperty(ScoreAnomaly.RETRAIN_INTERVAL, "50");
        plain.setProperty(ScoreAnomaly.RANDOM_SEED, "3");
        List<JsonNode> byDefault = feed(plain, "S1", series);
        List<JsonNode> none = feed(runner("NONE", null, "0.65"), "S1", series);
        assertEquals(byDefault.size(), none.size());
        for (int i = 0; i < none.size(); i++) {
            assertEquals(byDefault.get(i).toString(), none.get(i).toString(), "record " + i);
        }
        assertTrue(anomalous(none, 400, 550) > 0);
    }

    private static final String READING_SCHEMA =
            """
            {"type": "record", "name": "reading", "fields": [
              {"name": "machine_id", "type": "string"},
              {"name": "timestamp", "type": "long"},
              {"name": "value", "type": "double"},
              {"name": "state", "type": ["null", "string"]}
            ]}""";

    /** LIKELIHOOD with the range check, never retraining (so a restart cannot change the model's scores). */
    private static TestRunner likelihoodRunner(Path stateDirectory) throws Exception {
        TestRunner runner = runner("LIKELIHOOD", "0.05", "0.5");
        runner.setProperty(ScoreAnomaly.RETRAIN_INTERVAL, "0");
        if (stateDirectory != null) {
            runner.setProperty(ScoreAnomaly.STATE_DIRECTORY, stateDirectory.toString());
        }
        return runner;
    }

    @Test
    void theLikelihoodAndRangeOfEachMachineSurviveARestart(@TempDir Path directory) throws Exception {
        double[] series = shiftedSeries();
        List<JsonNode> uninterrupted = feed(likelihoodRunner(null), "S1", series);

        feed(likelihoodRunner(directory), "S1", series, 0, 400, -1, true, true);
        List<JsonNode> restarted = feed(likelihoodRunner(directory), "S1", series, 400, 550, -1, true, false);

        assertEquals(
                uninterrupted.subList(400, 550).toString(),
                restarted.toString(),
                "after the restart every record is as if there had been none");
        assertTrue(restarted.get(0).get("is_anomaly").asBoolean(), "the shift right after the restart is found");

        // Without the saved post-processing (only the model and feature state), the shift goes unnoticed.
        feed(likelihoodRunner(directory), "S1", series, 0, 400, -1, true, true);
        try (var files = Files.walk(directory)) {
            for (Path file :
                    files.filter(f -> f.endsWith("postprocessing.state")).toList()) {
                Files.delete(file);
            }
        }
        List<JsonNode> forgotten = feed(likelihoodRunner(directory), "S1", series, 400, 550, -1, true, false);
        assertEquals(0, anomalous(forgotten, 0, 150), "a fresh likelihood and range learn again");
        assertTrue(forgotten.get(0).get("anomaly_score").isNumber(), "while the model scores at once");
    }

    @Test
    void aFlowFileThatFailsLeavesNoTraceInThePostProcessing() throws Exception {
        double[] series = shiftedSeries();
        List<JsonNode> uninterrupted = feed(likelihoodRunner(null), "S1", series);

        TestRunner runner = likelihoodRunner(null);
        // A reader with a fixed schema reads record by record, so the content below fails after two records were
        // processed (schema inference would reject it before the first).
        ControllerService reader = runner.getControllerService("reader");
        runner.disableControllerService(reader);
        runner.setProperty(reader, "schema-access-strategy", "schema-text-property");
        runner.setProperty(reader, "schema-text", READING_SCHEMA);
        runner.enableControllerService(reader);
        List<JsonNode> out = new ArrayList<>(feed(runner, "S1", series, 0, 400, -1, true, false));
        // Readings of the new level, then content that cannot be read: the whole FlowFile goes to failure.
        runner.enqueue("[{\"machine_id\":\"S1\",\"timestamp\":1,\"value\":25.0},"
                + "{\"machine_id\":\"S1\",\"timestamp\":2,\"value\":26.0},{\"machine_id\":");
        runner.run(1, false, false);
        runner.assertTransferCount(ScoreAnomaly.REL_FAILURE, 1);
        runner.assertTransferCount(REL_SUCCESS, 0);
        runner.clearTransferState();
        out.addAll(feed(runner, "S1", series, 400, 550, -1, false, false));

        assertEquals(uninterrupted.size(), out.size());
        for (int i = 0; i < out.size(); i++) {
            assertEquals(
                    uninterrupted.get(i), out.get(i), "record " + i + ": as if the failed FlowFile had never come");
        }
    }

    @Test
    void maintenanceStartsAMachinesPostProcessingAfresh() throws Exception {
        // The repaired machine runs at a new level from the maintenance record (index 400) on.
        double[] series = shiftedSeries();
        List<JsonNode> reset = feed(likelihoodRunner(null), "S1", series, 0, 550, 400, true, false);
        assertEquals(
                0, anomalous(reset, 400, 500), "the new level is the repaired machine's normal: learned, not flagged");
        assertEquals(0.0, reset.get(400).get("anomaly_score").asDouble(), 0.0, "nothing unusual while it learns");

        TestRunner keep = likelihoodRunner(null);
        keep.setProperty(ScoreAnomaly.RESET_AFTER_MAINTENANCE, "false");
        List<JsonNode> kept = feed(keep, "S1", series, 0, 550, 400, true, false);
        assertTrue(kept.get(400).get("is_anomaly").asBoolean(), "without the reset the new level is an anomaly");
    }

    @Test
    void theStateFieldPropertyNamesTheFieldThatMarksARepair() throws Exception {
        double[] series = shiftedSeries();
        TestRunner renamed = likelihoodRunner(null);
        renamed.setProperty(ScoreAnomaly.STATE_FIELD, "status");
        List<JsonNode> reset = feed(renamed, "S1", series, 0, 550, 400, true, false, "status");
        assertEquals(0, anomalous(reset, 400, 500), "the repair in 'status' started the machine afresh");

        List<JsonNode> unseen = feed(likelihoodRunner(null), "S1", series, 0, 550, 400, true, false, "status");
        assertTrue(unseen.get(400).get("is_anomaly").asBoolean(), "the default State Field 'state' is not there");
    }

    @Test
    void validationSaysWhatToFix() throws Exception {
        TestRunner runner = runner("LIKELIHOOD", null, "0.5");
        runner.setProperty(ScoreAnomaly.ANOMALY_THRESHOLD, "0.95");
        String messages = ScoreAnomalyTest.messages(runner.validate());
        assertTrue(messages.contains("does not suit Score Post-processing LIKELIHOOD"), messages);
        runner.setProperty(ScoreAnomaly.ANOMALY_THRESHOLD, "0.5");
        runner.setProperty(ScoreAnomaly.RANGE_TOLERANCE, "-0.1");
        messages = ScoreAnomalyTest.messages(runner.validate());
        assertTrue(messages.contains("must be at least 0 (a fraction of the machine's range"), messages);
        runner.setProperty(ScoreAnomaly.RANGE_TOLERANCE, "abc");
        runner.assertNotValid();
        runner.setProperty(ScoreAnomaly.RANGE_TOLERANCE, "0.05");
        runner.assertValid();
        runner.setProperty(ScoreAnomaly.SCORE_POST_PROCESSING, "NONE");
        runner.setProperty(ScoreAnomaly.ANOMALY_THRESHOLD, "0.95");
        runner.assertValid();
        runner.setProperty(ScoreAnomaly.SCORE_POST_PROCESSING, "SOMETHING");
        runner.assertNotValid();
    }
}
