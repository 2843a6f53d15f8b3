package io.github.factorytwin.anomaly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import org.junit.jupiter.api.Test;

/** The engine's one entry point: a reading in, a complete verdict out; one history per machine, one commit. */
class AnomalyEngineTest {

    /** The three test features plus DELTA, after a warm-up of 50, 20 trees. */
    private static AnomalyDetector.Config config(AnomalyDetector.Scope scope) {
        return AnomalyDetector.Config.builder(
                        new FeatureSpec(IsolationForestModelTest.NAMES, EnumSet.of(DerivedFeature.DELTA)))
                .missing(MissingValueStrategy.IMPUTE_LAST)
                .scope(scope)
                .warmUpSize(50)
                .retrainInterval(0)
                .trees(20)
                .subsampleSize(32)
                .threshold(0.6)
                .seed(1L)
                .build();
    }

    private static AnomalyEngine engine(ScorePostProcessing post) {
        return AnomalyEngine.learning(new AnomalyEngine.Settings(config(AnomalyDetector.Scope.GLOBAL), post, true));
    }

    private static AnomalyEngine.Reading reading(String machine, double... values) {
        return new AnomalyEngine.Reading(machine, null, null, false, values);
    }

    private static AnomalyEngine.Reading maintenance(String machine, double... values) {
        return new AnomalyEngine.Reading(machine, null, null, true, values);
    }

    @Test
    void uncommittedBatchesLeaveNoTrace() throws Exception {
        AnomalyEngine engine = engine(ScorePostProcessing.OFF);
        Readings readings = new Readings(3);
        AnomalyEngine.Batch abandoned = engine.begin();
        for (int i = 0; i < 60; i++) {
            abandoned.process(reading("M1", readings.normal()));
        }
        assertNull(engine.models().learnedModel("*"));
        assertEquals(0, engine.machineCount());

        AnomalyEngine.Batch batch = engine.begin();
        for (int i = 0; i < 60; i++) {
            AnomalyEngine.Verdict verdict = batch.process(reading("M1", readings.normal()));
            // the 50th reading completes the warm-up: the batch's later readings are scored
            assertEquals(i < 50, verdict.score() == null, "reading " + i);
        }
        assertNull(engine.models().learnedModel("*"), "installed only when the batch commits");
        batch.commit();
        assertNotNull(engine.models().learnedModel("*"));
        assertEquals(1, engine.machineCount());
    }

    @Test
    void aVerdictCarriesScoreDecisionFeatureValueAndExplanation() throws Exception {
        AnomalyEngine engine = engine(ScorePostProcessing.OFF);
        Readings readings = new Readings(3);
        AnomalyEngine.Batch batch = engine.begin();
        AnomalyEngine.Verdict warming = batch.process(reading("M1", readings.normal()));
        assertEquals(new AnomalyEngine.Verdict(null, false, null, null, AnomalyEngine.WARMING_UP), warming);
        for (int i = 0; i < 60; i++) {
            batch.process(reading("M1", readings.normal()));
        }
        AnomalyEngine.Verdict spike = batch.process(reading("M1", Readings.vibrationSpike()));
        assertTrue(spike.anomalous());
        assertTrue(spike.score() >= 0.6, "score " + spike.score());
        assertEquals("vibration", spike.feature());
        assertEquals(3.2, spike.featureValue(), 0.0);
        assertTrue(spike.explanation().startsWith("vibration=3.20 above normal"), spike.explanation());
        batch.process(reading("M1", 75, Readings.vibrationAt(3000), 3000)); // the drop back is a large DELTA
        AnomalyEngine.Verdict normal = batch.process(reading("M1", 75, Readings.vibrationAt(3000), 3000));
        assertFalse(normal.anomalous());
        assertNotNull(normal.feature());
        assertNull(normal.explanation(), "no sentence for a normal, complete reading");
        assertEquals(14, batch.scoredCount(), "all but the first 50 readings");
        assertEquals(2, batch.anomalyCount(), "the spike and the drop back from it");
    }

    @Test
    void theRangeCheckOverridesTheScoreAndNamesTheFeature() throws Exception {
        AnomalyEngine engine = engine(new ScorePostProcessing(ScorePostProcessing.Mode.NONE, 5, 0.05));
        AnomalyEngine.Batch batch = engine.begin();
        for (int i = 0; i < 55; i++) {
            batch.process(reading("M1", 70 + i % 5, 1 + i % 3, 3000 + i % 7)); // the model's warm-up
        }
        AnomalyEngine.Verdict outside = batch.process(reading("M1", 90, 1, 3000));
        assertEquals(1.0, outside.score(), 0.0, "beyond the range");
        assertTrue(outside.anomalous());
        assertEquals("temperature", outside.feature());
        assertEquals(90.0, outside.featureValue(), 0.0);
        assertEquals("temperature=90.00 outside the machine's range so far 70.00..74.00", outside.explanation());
    }

    @Test
    void aMaintenanceReadingStartsTheWholeMachineAfresh() throws Exception {
        AnomalyEngine engine = engine(new ScorePostProcessing(ScorePostProcessing.Mode.NONE, 3, 0.05));
        AnomalyEngine.Batch batch = engine.begin();
        for (int i = 0; i < 55; i++) {
            batch.process(reading("M1", 70 + i % 5, 1 + i % 3, 3000 + i % 7)); // the model's warm-up
        }
        assertEquals(1.0, batch.process(reading("M1", 70, 1, 9000)).score(), 0.0, "rpm beyond the range");
        batch.process(maintenance("M1", 70, 1, 3000));
        assertFalse(
                batch.process(reading("M1", 70, 1, 9000)).explanation().contains("outside the machine's range"),
                "the range is on probation again");
        batch.process(maintenance("M2", 70, 1, 3000));
        batch.process(maintenance("M1", 70, 1, 3000));
        batch.commit();
        // a missing value is imputed from the last reading: one after the reset exists
        engine.begin().process(reading("M1", Double.NaN, 1, 3000));

        AnomalyEngine kept = AnomalyEngine.learning(
                new AnomalyEngine.Settings(config(AnomalyDetector.Scope.GLOBAL), ScorePostProcessing.OFF, false));
        AnomalyEngine.Batch keptBatch = kept.begin();
        keptBatch.process(reading("M1", 70, 1, 3000));
        keptBatch.process(maintenance("M1", Double.NaN, 1, 3000)); // imputed: nothing was forgotten
        AnomalyEngine.Batch resetBatch = engine.begin();
        assertThrows(
                MissingFeatureException.class,
                () -> resetBatch.process(maintenance("M1", Double.NaN, 1, 3000)),
                "no earlier value to impute after a reset");
    }

    @Test
    void theScopeKeyPicksTheModelAndARegimeSplitsIt() throws Exception {
        AnomalyEngine engine = AnomalyEngine.learning(new AnomalyEngine.Settings(
                config(AnomalyDetector.Scope.PER_MACHINE_TYPE), ScorePostProcessing.OFF, true));
        Readings readings = new Readings(4);
        AnomalyEngine.Batch batch = engine.begin();
        for (int i = 0; i < 50; i++) {
            batch.process(new AnomalyEngine.Reading("M" + i % 3, "press", null, false, readings.normal()));
        }
        for (int i = 0; i < 10; i++) {
            batch.process(new AnomalyEngine.Reading("M1", "press", "high", false, readings.normal()));
        }
        batch.commit();
        assertNotNull(engine.models().learnedModel("press"));
        assertNull(engine.models().learnedModel("press@high"), "a regime's model warms up on its own readings");
        assertNull(engine.models().learnedModel("lathe"));
    }

    @Test
    void restoredHistoriesContinueExactly() throws Exception {
        ScorePostProcessing post = ScorePostProcessing.likelihoodAndRange(20);
        AnomalyDetector.Config config = config(AnomalyDetector.Scope.GLOBAL);
        Readings readings = new Readings(6);
        FeatureState training = new FeatureState(config.spec());
        double[][] rows = new double[200][];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = training.extract(config.spec(), readings.normal(), config.missing())
                    .values();
        }
        // one model for both engines: what is compared is the machines' histories
        IsolationForestModel model = IsolationForestModel.fit(config.spec().names(), rows, 20, 32, 1L);
        AnomalyEngine.Settings settings = new AnomalyEngine.Settings(config, post, true);
        AnomalyEngine original = AnomalyEngine.withModel(settings, () -> model);
        AnomalyEngine.Batch batch = original.begin();
        for (int i = 0; i < 90; i++) {
            batch.process(reading("M" + i % 3, readings.normal()));
        }
        batch.commit();
        AnomalyEngine restored = AnomalyEngine.withModel(settings, () -> model);
        restored.restore(original.featureStates(), original.postProcessingStates());
        assertEquals(3, restored.machineCount());
        AnomalyEngine.Batch a = original.begin();
        AnomalyEngine.Batch b = restored.begin();
        for (int i = 0; i < 60; i++) {
            double[] values = i == 40 ? new double[] {75, 3.2, 3000} : readings.normal();
            assertEquals(
                    a.process(reading("M" + i % 3, values)), b.process(reading("M" + i % 3, values)), "reading " + i);
        }
        assertThrows(
                MissingFeatureException.class,
                () -> AnomalyEngine.withModel(settings, () -> model)
                        .begin()
                        .process(reading("M1", Double.NaN, 1, 3000)),
                "a fresh engine has nothing to impute from");
        restored.begin().process(reading("M1", Double.NaN, 1, 3000)); // the restored one has
    }

    @Test
    void withoutAGivenModelReadingsAreRejectedAndLeaveNoHistory() {
        AnomalyEngine engine = AnomalyEngine.withModel(
                new AnomalyEngine.Settings(config(AnomalyDetector.Scope.GLOBAL), ScorePostProcessing.OFF, true),
                () -> null);
        AnomalyEngine.Batch batch = engine.begin();
        assertThrows(AnomalyDetector.NoModelException.class, () -> batch.process(reading("M1", 70, 1, 3000)));
        batch.commit();
        assertEquals(0, engine.machineCount());
    }
}
