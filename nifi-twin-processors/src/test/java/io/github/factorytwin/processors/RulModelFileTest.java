package io.github.factorytwin.processors;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.factorytwin.health.RulModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.nifi.components.ValidationResult;
import org.apache.nifi.util.MockProcessContext;
import org.apache.nifi.util.TestRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 13 §6: RUL Model Files are read at validation, with clear messages; none fails at start. */
class RulModelFileTest {

    @TempDir
    Path dir;

    private String problems(String content) throws Exception {
        Path file = dir.resolve("rul.json");
        Files.writeString(file, content);
        TestRunner runner = JsonTestRunners.runner(new ComputeHealthScore(), true);
        runner.setProperty(ComputeHealthScore.RUL_MODEL_FILE, file.toString());
        Collection<ValidationResult> results = ((MockProcessContext) runner.getProcessContext()).validate();
        return results.stream()
                .filter(r -> !r.isValid())
                .map(ValidationResult::toString)
                .collect(Collectors.joining(" / "));
    }

    @Test
    void corruptOrWrongFilesMakeTheProcessorInvalidWithTheReason() throws Exception {
        Path good = dir.resolve("good.json");
        new RulModel(
                        List.of("temperature", "vibration", "rpm"),
                        0,
                        1,
                        new int[][] {{0, -1, -1}},
                        new double[][] {{80, 0, 0}},
                        new int[][] {{1, 0, 0}},
                        new int[][] {{2, 0, 0}},
                        new double[][] {{0, 3600, 1800}})
                .write(good);
        String valid = Files.readString(good);
        assertTrue(problems(valid).isEmpty(), problems(valid));

        assertTrue(problems("").contains("not a valid RUL model"), problems(""));
        assertTrue(problems("{not json").contains("not a JSON document"), problems("{not json"));
        String treesAsObject =
                valid.replaceFirst("\"trees\":\\[", "\"trees\":{\"a\":").replaceFirst("]}$", "}}");
        assertTrue(problems(treesAsObject).contains("'trees' must be an array"), problems(treesAsObject));
        String treeAsNumber = valid.replaceFirst("\"trees\":\\[\\{.*}]", "\"trees\":[1]");
        assertTrue(problems(treeAsNumber).contains("tree 0 is not an object"), problems(treeAsNumber));
        String otherSensors = valid.replace("\"temperature\",", "");
        assertTrue(problems(otherSensors).contains("trained on sensors"), problems(otherSensors));
        String fractionalIndex = valid.replace("\"left\":[1,", "\"left\":[1.5,");
        assertTrue(problems(fractionalIndex).contains("expected an integer"), problems(fractionalIndex));
    }

    @Test
    void aFileOverTheSizeLimitIsRefusedWithoutReadingIt() throws Exception {
        Path big = dir.resolve("big.json");
        try (var out = Files.newOutputStream(big)) {
            out.write(new byte[RulModel.MAX_FILE_BYTES + 1]);
        }
        TestRunner runner = JsonTestRunners.runner(new ComputeHealthScore(), true);
        runner.setProperty(ComputeHealthScore.RUL_MODEL_FILE, big.toString());
        String problems = ((MockProcessContext) runner.getProcessContext())
                .validate().stream().map(ValidationResult::toString).collect(Collectors.joining());
        assertTrue(problems.contains("allowed"), problems);
    }
}
