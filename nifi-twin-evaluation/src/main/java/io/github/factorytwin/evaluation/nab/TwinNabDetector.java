package io.github.factorytwin.evaluation.nab;

import io.github.factorytwin.anomaly.DerivedFeature;
import io.github.factorytwin.anomaly.StreamingDetector;

/**
 * The anomaly engine's streaming scoring ({@link StreamingDetector}: ScoreAnomaly's engine with Model
 * Source LEARN_FROM_STREAM for one series, a one-sensor machine) as a NAB detector. One configuration
 * for the whole corpus: raw feature {@code value}, warm-up on NAB's probationary rows (what NAB tells
 * every detector; at least 50), a fixed seed. Rows of the warm-up score 0 (the engine has no score
 * there).
 */
public final class TwinNabDetector implements NabDetector {

    private final String name;
    private final DerivedFeature[] derived;
    private final int retrainInterval;
    private final int subsample;
    private final int peakWindow;
    private final long seed;

    public TwinNabDetector(
            String name, DerivedFeature[] derived, int retrainInterval, int subsample, int peakWindow, long seed) {
        this.name = name;
        this.derived = derived.clone();
        this.retrainInterval = retrainInterval;
        this.subsample = subsample;
        this.peakWindow = peakWindow;
        this.seed = seed;
    }

    /**
     * The NAB configuration the anomaly engine documents (StreamingDetector's class comment): DELTA,
     * retrain every 100 readings, subsample 128, peak damping over 100 readings, seed 1. Peak damping
     * exists in StreamingDetector only, not in the ScoreAnomaly processor.
     */
    public static TwinNabDetector engine() {
        return new TwinNabDetector("twin", new DerivedFeature[] {DerivedFeature.DELTA}, 100, 128, 100, 1L);
    }

    /** The same without peak damping: the scores ScoreAnomaly itself would write. */
    public static TwinNabDetector engineWithoutPeakDamping() {
        return new TwinNabDetector("twin-undamped", new DerivedFeature[] {DerivedFeature.DELTA}, 100, 128, 0, 1L);
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
        return text.append(", warm-up = NAB probationary rows (min 50), retrain every ")
                .append(retrainInterval)
                .append(", 100 trees, subsample ")
                .append(subsample)
                .append(", peak window ")
                .append(peakWindow == 0 ? "off" : String.valueOf(peakWindow))
                .append(", seed ")
                .append(seed)
                .toString();
    }

    @Override
    public Series start(int rows, int probationaryRows) {
        StreamingDetector engine = StreamingDetector.builder("value")
                .derived(derived)
                .warmUp(Math.max(50, probationaryRows))
                .retrainInterval(retrainInterval)
                .subsample(subsample)
                .peakWindow(peakWindow)
                .seed(seed)
                .build();
        return (epochMillis, value) -> {
            double score = engine.update(value);
            return Double.isNaN(score) ? 0.0 : score;
        };
    }
}
