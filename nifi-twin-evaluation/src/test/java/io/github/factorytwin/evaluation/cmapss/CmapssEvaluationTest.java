package io.github.factorytwin.evaluation.cmapss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.factorytwin.health.RulModel;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CmapssEvaluationTest {

    @Test
    void fd001RemainingUsefulLifeBeatsThePublishedCnn(@TempDir Path tmp) throws Exception {
        Path dir = CmapssEvaluation.locate();
        Assumptions.assumeTrue(
                dir != null,
                "C-MAPSS FD001 not found in shared/datasets/cmapss above the working directory: evaluation skipped");
        RulModel model = CmapssEvaluation.train(dir);
        // The model goes through its file format, as ComputeHealthScore would load it.
        Path file = tmp.resolve("fd001-rul.json");
        model.write(file);
        CmapssEvaluation.Result result = CmapssEvaluation.evaluate(dir, RulModel.read(file));
        System.out.printf(
                "C-MAPSS FD001: RMSE %.2f, PHM08 %.1f, %d engines%n", result.rmse(), result.phm08(), result.engines());
        assertEquals(100, result.engines());
        assertTrue(result.rmse() < 18.45, "RMSE " + result.rmse() + " must beat the CNN's 18.45");
        assertTrue(result.rmse() < 16.14, "RMSE " + result.rmse() + " must beat the deep LSTM's 16.14");
        // Measured 13.56 with the committed options (deterministic: seeded trees); guard against regressions.
        assertTrue(result.rmse() < 14.0, "RMSE " + result.rmse() + " regressed above 14");
    }
}
