package io.github.factorytwin.evaluation.nab;

import io.github.factorytwin.anomaly.AnomalyDetector;
import io.github.factorytwin.anomaly.DerivedFeature;
import io.github.factorytwin.anomaly.ScorePostProcessing;
import io.github.factorytwin.anomaly.StreamingDetector;
import io.github.factorytwin.processors.ScoreAnomaly;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Development tool: runs one StreamingDetector configuration over the NAB corpus and prints its three normalised
 * scores (NAB's optimiser picks one threshold per profile for the whole corpus). Used to fill NAB-EXPERIMENTS.md.
 *
 * <pre>
 * java -cp ... io.github.factorytwin.evaluation.nab.NabExperiment &lt;datasets&gt; key=value...
 * keys: derived=DELTA,WINDOW|none  warmup=1.0 (fraction of NAB's probation used by the forest, min 50)
 *       likelihood=true|false  lstart=(fraction of the probation; default: the forest's warm-up)
 *       lfixed=(a fixed likelihood learning period in scored readings, as ScoreAnomaly's Post-processing Learning
 *       Period; 0 = off)
 *       spatial=(range tolerance; default off)  peak=0  retrain=100  subsample=128  sample=0  seed=1
 *       window=10  fixed=(a fixed warm-up in rows for every file, as ScoreAnomaly's Warm-up Size; 0 = off)
 *       processor=true (the real ScoreAnomaly processor, {@link ProcessorNabDetector#likelihood(int, long)} with
 *       Warm-up Size = fixed (default 150) and the seed; the other keys but guard and wmin are ignored)
 *       guard=(Learning Guard; default: none for the engine, the property's default for the processor)
 *       wmin=(the warm-up ends by itself once stable, from this many rows on, as ScoreAnomaly's Minimum Warm-up
 *       Size; 0 = off; with processor=true too)
 * </pre>
 */
public final class NabExperiment {

    private NabExperiment() {}

    public static void main(String[] args) throws Exception {
        NabCorpus corpus = NabCorpus.open(Path.of(args[0]).resolve("nab"));
        List<DerivedFeature> derivedList = new ArrayList<>(List.of(DerivedFeature.DELTA));
        double warmup = 1.0;
        boolean likelihood = false;
        int peak = 0;
        int retrain = 100;
        int subsample = 128;
        int sample = 0;
        long seed = 1;
        int window = 10;
        double lstart = -1;
        int lfixed = 0;
        double spatial = -1;
        int fixed = 0;
        boolean processor = false;
        String guard = null;
        int wmin = 0;
        for (int i = 1; i < args.length; i++) {
            String[] kv = args[i].split("=", 2);
            switch (kv[0]) {
                case "derived" -> {
                    derivedList.clear();
                    if (!kv[1].equals("none")) {
                        for (String d : kv[1].split(",")) {
                            derivedList.add(DerivedFeature.valueOf(d));
                        }
                    }
                }
                case "warmup" -> warmup = Double.parseDouble(kv[1]);
                case "likelihood" -> likelihood = Boolean.parseBoolean(kv[1]);
                case "peak" -> peak = Integer.parseInt(kv[1]);
                case "retrain" -> retrain = Integer.parseInt(kv[1]);
                case "subsample" -> subsample = Integer.parseInt(kv[1]);
                case "sample" -> sample = Integer.parseInt(kv[1]);
                case "seed" -> seed = Long.parseLong(kv[1]);
                case "window" -> window = Integer.parseInt(kv[1]);
                case "lstart" -> lstart = Double.parseDouble(kv[1]);
                case "lfixed" -> lfixed = Integer.parseInt(kv[1]);
                case "spatial" -> spatial = Double.parseDouble(kv[1]);
                case "fixed" -> fixed = Integer.parseInt(kv[1]);
                case "processor" -> processor = Boolean.parseBoolean(kv[1]);
                case "guard" -> guard = kv[1];
                case "wmin" -> wmin = Integer.parseInt(kv[1]);
                default -> throw new IllegalArgumentException("unknown key " + kv[0]);
            }
        }
        DerivedFeature[] derived = derivedList.toArray(DerivedFeature[]::new);
        double fWarmup = warmup;
        boolean fLikelihood = likelihood;
        int fPeak = peak;
        int fRetrain = retrain;
        int fSubsample = subsample;
        int fSample = sample;
        long fSeed = seed;
        int fWindow = window;
        double fLstart = lstart;
        int fLfixed = lfixed;
        double fSpatial = spatial;
        int fFixed = fixed;
        int fWmin = wmin;
        String fGuard = guard;
        NabDetector detector = processor
                ? ProcessorNabDetector.likelihood(fixed > 0 ? fixed : 150, seed)
                        .with(ScoreAnomaly.LEARNING_GUARD.getName(), guard)
                        .with(ScoreAnomaly.MINIMUM_WARM_UP_SIZE.getName(), wmin > 0 ? String.valueOf(wmin) : null)
                : new NabDetector() {
                    @Override
                    public String name() {
                        return "experiment";
                    }

                    @Override
                    public Series start(int rows, int probationaryRows) {
                        int forest = fFixed > 0 ? fFixed : Math.max(50, (int) Math.round(fWarmup * probationaryRows));
                        // default: the likelihood learns from as many scored readings as the forest's warm-up
                        // (ScoreAnomaly's
                        // Warm-up Size drives both)
                        int startUp = fLfixed > 0
                                ? fLfixed
                                : fLstart < 0
                                        ? Math.max(4, forest)
                                        : Math.max(4, (int) Math.round(fLstart * probationaryRows));
                        StreamingDetector engine = StreamingDetector.builder("value")
                                .derived(derived)
                                .windowSize(fWindow)
                                .model(m -> {
                                    m.warmUpSize(forest)
                                            .retrainInterval(fRetrain)
                                            .subsampleSize(fSubsample)
                                            .seed(fSeed);
                                    double g = fGuard == null ? 1 : Double.parseDouble(fGuard);
                                    m.learningGuard(g >= 1 ? AnomalyDetector.Config.NO_GUARD : g);
                                    if (fWmin > 0) {
                                        m.warmUpMinimum(Math.min(fWmin, forest));
                                    }
                                    if (fSample > forest) {
                                        m.sampleSize(fSample); // else as large as the warm-up, as before
                                    }
                                })
                                .peakWindow(fPeak)
                                .postProcessing(new ScorePostProcessing(
                                        fLikelihood
                                                ? ScorePostProcessing.Mode.LIKELIHOOD
                                                : ScorePostProcessing.Mode.NONE,
                                        startUp,
                                        fSpatial < 0 ? Double.NaN : fSpatial))
                                .build();
                        return (millis, value) -> {
                            double s = engine.update(value);
                            return Double.isNaN(s) ? 0.0 : s;
                        };
                    }
                };
        long start = System.nanoTime();
        NabEvaluation.Result result = NabRunner.evaluate(corpus, detector);
        System.out.printf(
                Locale.ROOT,
                "%s -> standard %.2f lowFP %.2f lowFN %.2f (thresholds %.4f/%.4f/%.4f, %.0f s)%n",
                String.join(" ", List.of(args).subList(1, args.length)),
                result.normalized("standard"),
                result.normalized("reward_low_FP_rate"),
                result.normalized("reward_low_FN_rate"),
                result.profiles().get("standard").threshold(),
                result.profiles().get("reward_low_FP_rate").threshold(),
                result.profiles().get("reward_low_FN_rate").threshold(),
                (System.nanoTime() - start) / 1e9);
    }
}
