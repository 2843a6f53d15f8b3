package io.github.factorytwin.evaluation.nab;

import io.github.factorytwin.anomaly.DerivedFeature;
import io.github.factorytwin.anomaly.ScorePostProcessing;
import io.github.factorytwin.anomaly.StreamingDetector;

/**
 * The anomaly engine's streaming scoring ({@link StreamingDetector}: ScoreAnomaly's engine with Model
 * Source LEARN_FROM_STREAM for one series, a one-sensor machine) as a NAB detector. One configuration
 * for the whole corpus, no labels, no file names: raw feature {@code value}, a warm-up that is a
 * fixed fraction of NAB's probationary rows (what NAB tells every detector; at least 50 rows), a
 * fixed seed. Rows without a score (warm-up) score 0.
 */
public final class TwinNabDetector implements NabDetector {

    private final String name;
    private final DerivedFeature[] derived;
    private final int retrainInterval;
    private final int subsample;
    private final long seed;
    private final double warmUpFraction;
    private final boolean likelihoodAndRange;

    /**
     * @param warmUpFraction the forest's warm-up as a fraction of NAB's probationary rows (at least 50 rows)
     * @param likelihoodAndRange post-process with {@link ScorePostProcessing#likelihoodAndRange(int)}, start-up =
     *     the warm-up size (ScoreAnomaly: {@code Score Post-processing} LIKELIHOOD, {@code Range Tolerance} 0.05)
     */
    public TwinNabDetector(
            String name,
            DerivedFeature[] derived,
            int retrainInterval,
            int subsample,
            long seed,
            double warmUpFraction,
            boolean likelihoodAndRange) {
        this.name = name;
        this.derived = derived.clone();
        this.retrainInterval = retrainInterval;
        this.subsample = subsample;
        this.seed = seed;
        this.warmUpFraction = warmUpFraction;
        this.likelihoodAndRange = likelihoodAndRange;
    }

    /**
     * The NAB configuration (see {@code nifi-twin-evaluation/NAB-EXPERIMENTS.md}): DELTA, retrain every 100
     * readings, subsample 128, warm-up = half of NAB's probation, anomaly likelihood learning from as many
     * scored readings as the warm-up (so the whole probation), range check at tolerance 0.05, seed 1.
     */
    public static TwinNabDetector engine() {
        return engine(1L);
    }

    /** {@link #engine()} with another seed. */
    public static TwinNabDetector engine(long seed) {
        return new TwinNabDetector("twin", new DerivedFeature[] {DerivedFeature.DELTA}, 100, 128, seed, 0.5, true);
    }

    /**
     * The raw forest scores, no post-processing, warm-up over the whole probation: what ScoreAnomaly
     * writes with Score Post-processing NONE.
     */
    public static TwinNabDetector engineWithoutPostProcessing() {
        return new TwinNabDetector("twin-raw", new DerivedFeature[] {DerivedFeature.DELTA}, 100, 128, 1L, 1.0, false);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String description() {
        StringBuilder text = new StringBuilder("anomaly engine StreamingDetector: value");
        for (DerivedFeature d : derived) {
            text.append(" + ").append(d.name());
        }
        return text.append(", warm-up = ")
                .append(warmUpFraction == 1.0 ? "" : warmUpFraction + " x ")
                .append("NAB probationary rows (min 50), retrain every ")
                .append(retrainInterval)
                .append(", 100 trees, subsample ")
                .append(subsample)
                .append(
                        likelihoodAndRange
                                ? ", post-processing LIKELIHOOD (start-up = warm-up) + range tolerance 0.05"
                                : ", no post-processing")
                .append(", seed ")
                .append(seed)
                .toString();
    }

    /** The forest's warm-up for a file with this many probationary rows. */
    int warmUp(int probationaryRows) {
        return Math.max(50, (int) Math.round(warmUpFraction * probationaryRows));
    }

    @Override
    public Series start(int rows, int probationaryRows) {
        int warmUp = warmUp(probationaryRows);
        StreamingDetector engine = StreamingDetector.builder("value")
                .derived(derived)
                .model(m -> m.warmUpSize(warmUp)
                        .retrainInterval(retrainInterval)
                        .subsampleSize(subsample)
                        .seed(seed))
                .postProcessing(
                        likelihoodAndRange ? ScorePostProcessing.likelihoodAndRange(warmUp) : ScorePostProcessing.OFF)
                .build();
        return (epochMillis, value) -> {
            double score = engine.update(value);
            return Double.isNaN(score) ? 0.0 : score;
        };
    }
}
