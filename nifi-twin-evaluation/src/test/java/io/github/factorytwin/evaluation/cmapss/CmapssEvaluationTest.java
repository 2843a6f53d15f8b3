package io.github.factorytwin.evaluation.cmapss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.factorytwin.health.RulModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CmapssEvaluationTest {

    /** Small and fast: the synthetic fleet needs no more than this to be learned. */
    private static final CmapssEvaluation.Options SMALL = new CmapssEvaluation.Options(
            20, 0.3, 0.05, 60, 10, 5, 10, 0, true, 125, false, CmapssEvaluation.Learner.FOREST, false, 0);

    /** Engines whose 14 sensors rise with the square of their worn fraction, plus noise. */
    private static List<double[]> syntheticEngine(int life, int cycles, Random random) {
        List<double[]> rows = new ArrayList<>();
        for (int c = 1; c <= cycles; c++) {
            double worn = (double) c / life;
            int count = CmapssEvaluation.SENSOR_COLUMNS.size();
            // the sensors, then the three settings (one operating condition: 0, 0, 100)
            double[] sensors = new double[count + CmapssEvaluation.CONTEXT_FIELDS.size()];
            sensors[count + 2] = 100;
            for (int i = 0; i < count; i++) {
                sensors[i] = 100 + 10 * (i + 1) * worn * worn + random.nextGaussian();
            }
            rows.add(sensors);
        }
        return rows;
    }

    @Test
    void everyTestEngineGetsAnEstimateAndOnlyTooShortOnesFallBackToTheFleetPrior() {
        Random random = new Random(7);
        List<List<double[]>> training = new ArrayList<>();
        for (int e = 0; e < 40; e++) {
            int life = 100 + 3 * e; // some shorter than the cap, so the prior has a spread
            training.add(syntheticEngine(life, life, random));
        }
        CmapssEvaluation.Estimator estimator = CmapssEvaluation.train(training, SMALL);
        // 1, 5 and 19 cycles: shorter than the 20-cycle baseline, so the health engine has no estimate
        List<List<double[]>> test = List.of(
                syntheticEngine(200, 1, random),
                syntheticEngine(200, 5, random),
                syntheticEngine(200, 19, random),
                syntheticEngine(200, 20, random),
                syntheticEngine(200, 150, random));
        CmapssEvaluation.Estimate[] estimates = CmapssEvaluation.predict(test, estimator, SMALL);

        assertEquals(5, estimates.length);
        for (int i = 0; i < 3; i++) {
            int age = test.get(i).size();
            assertFalse(estimates[i].fromModel(), "engine of " + age + " cycles");
            assertEquals(estimator.prior().estimate(age), estimates[i].cycles(), 1e-9);
            assertEquals(estimator.prior().spread(age), estimates[i].spread(), 1e-9);
            assertTrue(estimates[i].spread() > 0, "a prior answer says how uncertain it is");
        }
        assertTrue(estimates[3].fromModel(), "20 cycles complete the baseline: the model answers");
        assertTrue(estimates[4].fromModel());
        // the worn engine (50 cycles left of 200) is estimated well below the young ones
        assertTrue(estimates[4].cycles() < estimates[3].cycles() - 30, estimates[4] + " vs " + estimates[3]);
    }

    private static List<List<double[]>> syntheticFleet(Random random) {
        List<List<double[]>> training = new ArrayList<>();
        for (int e = 0; e < 40; e++) {
            int life = 150 + 3 * e; // 150 to 267 cycles: young engines have more than the cap left
            training.add(syntheticEngine(life, life, random));
        }
        return training;
    }

    @Test
    void theEnsembleBeyondTheCapEstimatesLongLivesWhichTheCappedModelCannotReach() {
        Random random = new Random(11);
        List<List<double[]>> training = syntheticFleet(random);
        List<List<double[]>> test = List.of(syntheticEngine(210, 25, random), syntheticEngine(210, 190, random));
        CmapssEvaluation.Options beyond = new CmapssEvaluation.Options(
                20, 0.3, 0.05, 60, 10, 5, 10, 0, true, 125, true, CmapssEvaluation.Learner.FOREST, false, 0);

        CmapssEvaluation.Estimate[] capped =
                CmapssEvaluation.predict(test, CmapssEvaluation.train(training, SMALL), SMALL);
        CmapssEvaluation.Estimate[] uncapped =
                CmapssEvaluation.predict(test, CmapssEvaluation.train(training, beyond), beyond);

        assertTrue(capped[0].cycles() <= 125, "a capped model never says more than the cap: " + capped[0]);
        // 185 cycles are left of the young engine; the fleet's mean remaining life at 25 cycles is about 183
        assertTrue(uncapped[0].cycles() > 150, "beyond the cap: " + uncapped[0]);
        // near failure (20 cycles left) the second ensemble adds almost nothing
        assertEquals(capped[1].cycles(), uncapped[1].cycles(), 10);
        assertTrue(uncapped[1].cycles() < 50, uncapped[1].toString());
    }

    @Test
    void theFleetsLifeBeyondTheCapAnswersYoungEnginesAndLeavesWornOnesAlone() {
        Random random = new Random(17);
        List<List<double[]>> training = syntheticFleet(random);
        List<List<double[]>> test = List.of(syntheticEngine(210, 25, random), syntheticEngine(210, 190, random));
        CmapssEvaluation.Options beyond = new CmapssEvaluation.Options(
                20, 0.3, 0.05, 60, 10, 5, 10, 0, true, 125, false, CmapssEvaluation.Learner.FOREST, false, 1);

        CmapssEvaluation.Estimate[] capped =
                CmapssEvaluation.predict(test, CmapssEvaluation.train(training, SMALL), SMALL);
        CmapssEvaluation.Estimate[] answered =
                CmapssEvaluation.predict(test, CmapssEvaluation.train(training, beyond), beyond);

        // 185 cycles are left of the young engine, which shows no wear yet
        assertTrue(capped[0].cycles() <= 125, capped[0].toString());
        assertTrue(answered[0].cycles() > 150, "beyond the cap: " + answered[0]);
        // 20 cycles left: the estimate is far below the cap, nothing is added
        assertEquals(capped[1].cycles(), answered[1].cycles());
    }

    @Test
    void gradientBoostingIsExportedExactlyAndRanksWornEnginesBelowYoungOnes() {
        Random random = new Random(13);
        CmapssEvaluation.Options boosting = new CmapssEvaluation.Options(
                20, 0.3, 0.05, 60, 60, 5, 6, 8, true, 125, true, CmapssEvaluation.Learner.BOOSTING, true, 0);
        // training checks the exported trees against Smile's own predictions and throws if they differ
        CmapssEvaluation.Estimator estimator = CmapssEvaluation.train(syntheticFleet(random), boosting);
        CmapssEvaluation.Estimate[] estimates = CmapssEvaluation.predict(
                List.of(syntheticEngine(210, 40, random), syntheticEngine(210, 190, random)), estimator, boosting);
        assertTrue(estimates[0].fromModel() && estimates[1].fromModel());
        assertTrue(estimates[1].cycles() < estimates[0].cycles() - 60, estimates[1] + " vs " + estimates[0]);
    }

    @Test
    void rmseAndPhm08PenaliseLateEstimatesMoreThanEarlyOnes() {
        double[] truth = {20, 20};
        double[] predicted = {10, 30}; // 10 early, 10 late
        assertEquals(10.0, CmapssEvaluation.rmse(predicted, truth), 1e-12);
        assertEquals(Math.expm1(10.0 / 13) + Math.expm1(1.0), CmapssEvaluation.phm08(predicted, truth), 1e-12);
        double late = CmapssEvaluation.phm08(new double[] {30}, new double[] {20});
        double early = CmapssEvaluation.phm08(new double[] {10}, new double[] {20});
        assertTrue(late > early);
        assertEquals(0.0, CmapssEvaluation.phm08(truth, truth), 1e-12);
        assertEquals(0.0, CmapssEvaluation.rmse(truth, truth), 1e-12);
    }

    @Test
    void subsetsAreFoundByTheirThreeFiles(@TempDir Path tmp) throws Exception {
        for (String name : List.of("train_FD001.txt", "test_FD001.txt", "RUL_FD001.txt", "train_FD009.txt")) {
            Files.writeString(tmp.resolve(name), "");
        }
        assertEquals(List.of("FD001"), CmapssEvaluation.available(tmp)); // FD009 lacks its test and RUL files
        assertTrue(CmapssEvaluation.isPresent(tmp, "FD001"));
        assertFalse(CmapssEvaluation.isPresent(tmp, "FD009"));
        assertEquals(List.of(), CmapssEvaluation.available(tmp.resolve("absent")));
    }

    @Test
    void fd001RemainingUsefulLifeBeatsThePublishedCnn(@TempDir Path tmp) throws Exception {
        Path dir = CmapssEvaluation.locate();
        Assumptions.assumeTrue(
                dir != null && CmapssEvaluation.isPresent(dir, "FD001"),
                "C-MAPSS FD001 not found in shared/datasets/cmapss above the working directory: evaluation skipped");
        CmapssEvaluation.Estimator estimator = CmapssEvaluation.train(dir, "FD001");
        // The model goes through its file format, as ComputeHealthScore would load it.
        Path file = tmp.resolve("fd001-rul.json");
        estimator.model().write(file);
        CmapssEvaluation.Result result = CmapssEvaluation.evaluate(
                dir, "FD001", new CmapssEvaluation.Estimator(RulModel.read(file), estimator.prior()));
        System.out.printf(
                "C-MAPSS FD001: RMSE %.2f, PHM08 %.1f, %d engines%n", result.rmse(), result.phm08(), result.engines());
        assertEquals(100, result.engines());
        assertTrue(result.rmse() < 18.45, "RMSE " + result.rmse() + " must beat the CNN's 18.45");
        assertTrue(result.rmse() < 16.14, "RMSE " + result.rmse() + " must beat the deep LSTM's 16.14");
        // Measured 12.27 with the committed options (boosting with seeded subsamples, features health-state-v2, a tenth
        // of the life beyond the cap; 12.03 on layout 1): guard against regressions.
        assertTrue(result.rmse() < 13.0, "RMSE " + result.rmse() + " regressed above 13");
    }
}
