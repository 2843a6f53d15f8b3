package io.github.factorytwin.evaluation.nab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.factorytwin.evaluation.bench.JsonRecordRunners;
import io.github.factorytwin.processors.ScoreAnomaly;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.nifi.util.MockFlowFile;
import org.apache.nifi.util.TestRunner;

/**
 * The real {@link ScoreAnomaly} processor as a NAB detector: each NAB file is a one-sensor machine whose readings
 * ({@code {"machine_id", "timestamp", "value"}} JSON records) go one per FlowFile through a nifi-mock TestRunner
 * with the real JsonTreeReader / JsonRecordSetWriter, and each row's score is the {@code anomaly_score} the
 * processor writes (0 while it is null). One FlowFile per reading because the processor, like NiFi, publishes what
 * a FlowFile taught it (a fitted or refitted model) when the FlowFile is committed: a reading is scored with what
 * every earlier reading taught, as in a live flow that receives readings one at a time.
 *
 * <p>Configured purely by processor properties, one configuration for the corpus (NAB's rule): the processor is
 * not told NAB's probationary period, so the warm-up is a fixed {@code Warm-up Size}. Each file gets a fresh
 * processor (a fresh machine). The machine id is the same for every file, {@value #MACHINE_ID}, the series key
 * the engine's {@code StreamingDetector} uses: a learned model's random seed mixes in its scope key (the machine
 * id with PER_MACHINE), so with the same id the processor fits exactly the engine's forests and its scores are
 * bit-identical to the engine's with the same settings (another id is another random draw of the forests, as
 * another seed is). A NAB detector must not see file names anyway.
 */
public final class ProcessorNabDetector implements NabDetector {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The machine id of every series. */
    public static final String MACHINE_ID = "series";

    private final Map<String, String> properties;

    /** @param properties ScoreAnomaly property names and values (Record Reader/Writer are set by the detector) */
    public ProcessorNabDetector(Map<String, String> properties) {
        this.properties = new LinkedHashMap<>(properties);
    }

    /**
     * The NAB configuration of NAB-EXPERIMENTS.md in processor terms: value + DELTA, PER_MACHINE, Warm-up Size
     * {@code warmUp}, Retrain Interval 100 on the default Retraining Sample Size and Learning Guard, 100
     * trees, Subsample Size 128, Random Seed {@code seed}, Score
     * Post-processing LIKELIHOOD with a learning period of {@code warmUp}, Range Tolerance 0.05, Anomaly Threshold 0.5 (NAB optimises its own threshold over
     * the scores; the property only decides is_anomaly).
     */
    public static ProcessorNabDetector likelihood(int warmUp, long seed) {
        return likelihood(warmUp, warmUp, seed);
    }

    /**
     * {@link #likelihood(int, long)} with a warm-up that ends by itself from {@code minimumWarmUp} readings on once
     * the readings have stabilised (Minimum Warm-up Size; {@code warmUp} for none). The likelihood still learns for
     * {@code warmUp} scored readings.
     */
    public static ProcessorNabDetector likelihood(int warmUp, int minimumWarmUp, long seed) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put(ScoreAnomaly.FEATURE_FIELDS.getName(), "value");
        p.put(ScoreAnomaly.DERIVED_FEATURES.getName(), "DELTA");
        p.put(ScoreAnomaly.MODEL_SOURCE.getName(), "LEARN_FROM_STREAM");
        p.put(ScoreAnomaly.MODEL_SCOPE.getName(), "PER_MACHINE");
        p.put(ScoreAnomaly.WARM_UP_SIZE.getName(), String.valueOf(warmUp));
        if (minimumWarmUp < warmUp) {
            p.put(ScoreAnomaly.MINIMUM_WARM_UP_SIZE.getName(), String.valueOf(minimumWarmUp));
        }
        p.put(ScoreAnomaly.RETRAIN_INTERVAL.getName(), "100");
        // Retraining Sample Size stays at the processor's default (10,000): with a fixed warm-up the model then
        // refits on everything seen so far (up to that size) and keeps improving through a long series, which is
        // what the engine's probation-relative warm-up gave it. Learning Guard stays at its default: it judges
        // is_anomaly, the likelihood's verdict, which is rarely high for long, so it seldom holds a series back.
        p.put(ScoreAnomaly.NUMBER_OF_TREES.getName(), "100");
        p.put(ScoreAnomaly.SUBSAMPLE_SIZE.getName(), "128");
        p.put(ScoreAnomaly.RANDOM_SEED.getName(), String.valueOf(seed));
        p.put(ScoreAnomaly.MISSING_VALUE_STRATEGY.getName(), "IMPUTE_LAST");
        p.put(ScoreAnomaly.SCORE_POST_PROCESSING.getName(), "LIKELIHOOD");
        // the engine's NAB configuration learns the likelihood for as long as the model warms up
        p.put(ScoreAnomaly.POST_PROCESSING_LEARNING_PERIOD.getName(), String.valueOf(warmUp));
        p.put(ScoreAnomaly.RANGE_TOLERANCE.getName(), "0.05");
        p.put(ScoreAnomaly.ANOMALY_THRESHOLD.getName(), ScoreAnomaly.LIKELIHOOD_THRESHOLD);
        return new ProcessorNabDetector(p);
    }

    /** This detector with one property set otherwise (e.g. another Learning Guard); null leaves it unset. */
    public ProcessorNabDetector with(String property, String value) {
        Map<String, String> changed = new LinkedHashMap<>(properties);
        if (value == null) {
            changed.remove(property);
        } else {
            changed.put(property, value);
        }
        return new ProcessorNabDetector(changed);
    }

    @Override
    public String name() {
        return "processor";
    }

    @Override
    public String description() {
        StringBuilder text = new StringBuilder("ScoreAnomaly processor (TestRunner, JSON reader/writer):");
        properties.forEach(
                (k, v) -> text.append(' ').append(k).append('=').append(v).append(';'));
        text.setLength(text.length() - 1);
        return text.toString();
    }

    @Override
    public Series start(int rows, int probationaryRows) {
        TestRunner runner = JsonRecordRunners.newRunner(new ScoreAnomaly());
        properties.forEach(runner::setProperty);
        runner.assertValid();
        String machine = MACHINE_ID;
        boolean[] scheduled = {false};
        StringBuilder json = new StringBuilder(96);
        return (epochMillis, value) -> {
            json.setLength(0);
            json.append("{\"machine_id\":\"")
                    .append(machine)
                    .append("\",\"timestamp\":")
                    .append(epochMillis)
                    .append(",\"value\":")
                    .append(Double.isFinite(value) ? String.format(Locale.ROOT, "%s", value) : "null")
                    .append('}');
            runner.enqueue(json.toString());
            runner.run(1, false, !scheduled[0]);
            scheduled[0] = true;
            List<MockFlowFile> out = runner.getFlowFilesForRelationship(ScoreAnomaly.REL_SUCCESS);
            if (out.size() != 1) {
                throw new IllegalStateException("ScoreAnomaly did not score the reading " + json + ": "
                        + runner.getFlowFilesForRelationship(ScoreAnomaly.REL_FAILURE));
            }
            double score;
            try {
                JsonNode records = JSON.readTree(out.get(0).getContent());
                JsonNode s = records.get(0).get("anomaly_score");
                score = s == null || s.isNull() ? 0.0 : s.asDouble();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            runner.clearTransferState();
            runner.clearProvenanceEvents();
            return score;
        };
    }
}
