package io.github.factorytwin.processors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.nifi.util.TestRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Hostile record content against ScoreAnomaly and ComputeHealthScore with NiFi's real JsonTreeReader and
 * JsonRecordSetWriter: whatever comes in, every FlowFile and every record is accounted for ({@link Accounting}).
 */
class HostileRecordsTest {

    static final long T0 = 1_700_000_000_000L;

    /** A runner of the named processor ("score" or "health") that learns quickly. */
    static TestRunner runner(String processor) throws Exception {
        TestRunner runner;
        if (processor.equals("score")) {
            runner = JsonTestRunners.runner(new ScoreAnomaly(), true);
            runner.setProperty(ScoreAnomaly.WARM_UP_SIZE, "10");
            runner.setProperty(ScoreAnomaly.RANDOM_SEED, "7");
        } else {
            runner = JsonTestRunners.runner(new ComputeHealthScore(), true);
            runner.setProperty(ComputeHealthScore.BASELINE_SIZE, "5");
        }
        return runner;
    }

    /** A plausible reading of machine M00{i % 3} at T0 + i seconds, as JSON. */
    static String reading(int i) {
        return String.format(
                Locale.ROOT,
                "{\"machine_id\":\"M00%d\",\"timestamp\":%d,\"temperature\":%.2f,\"vibration\":%.3f,\"rpm\":%d}",
                i % 3,
                T0 + 1000L * i,
                70 + (i % 7) * 0.3,
                1 + (i % 5) * 0.01,
                3000 + (i % 11));
    }

    /** {@code json}'s numeric timestamp moved by {@code shift} milliseconds. */
    static String shifted(String json, long shift) {
        java.util.regex.Matcher m =
                java.util.regex.Pattern.compile("\"timestamp\":(\\d+)").matcher(json);
        return m.find() ? m.replaceFirst("\"timestamp\":" + (Long.parseLong(m.group(1)) + shift)) : json;
    }

    static List<String> readings(int n) {
        List<String> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            list.add(reading(i));
        }
        return list;
    }

    static Accounting.Outcome run(TestRunner runner, String content) throws Exception {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        runner.enqueue(bytes);
        runner.run();
        Accounting.Outcome outcome = Accounting.check(runner, bytes);
        runner.clearTransferState();
        return outcome;
    }

    @ParameterizedTest
    @ValueSource(strings = {"score", "health"})
    void contentWithoutRecordsFailsWholeSayingSo(String processor) throws Exception {
        TestRunner runner = runner(processor);
        for (String content : List.of("", "  \n", "\"abc\"", "5", "null", "true", "[]", "[1,2,3]", "[null,false]")) {
            Accounting.Outcome outcome = run(runner, content);
            assertTrue(outcome.failedWhole(), content);
            assertTrue(outcome.firstReason().startsWith("Content holds no records"), outcome.firstReason());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"score", "health"})
    void aNonRecordAmongRecordsFailsTheFlowFileWholeNamingItsPosition(String processor) throws Exception {
        TestRunner runner = runner(processor);
        List<String> records = readings(51);
        records.add(10, "5");
        Accounting.Outcome outcome = run(runner, "[" + String.join(",", records) + "]");
        assertTrue(outcome.failedWhole());
        assertTrue(outcome.firstReason().startsWith("Content mixes records with other values: array element [10]"));
        assertTrue(outcome.firstReason().contains("is a number"), outcome.firstReason());

        outcome = run(runner, "\"NaN\"[" + reading(0) + "," + reading(1) + "]");
        assertTrue(outcome.failedWhole(), "found by fuzzing: a scalar before the records");
        assertTrue(outcome.firstReason().contains("top-level value 1"), outcome.firstReason());

        for (String junk : List.of("null", "\"x\"", "true", "[1]")) {
            outcome = run(runner, reading(0) + "\n" + junk + "\n" + reading(1));
            assertTrue(outcome.failedWhole(), junk);
            assertTrue(outcome.firstReason().contains("top-level value 2"), outcome.firstReason());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"score", "health"})
    void recordsInNestedArraysAndJsonLinesAreAllAccountedFor(String processor) throws Exception {
        TestRunner runner = runner(processor);
        List<String> records = readings(40);
        Accounting.Outcome outcome = run(
                runner,
                "[[" + String.join(",", records.subList(0, 20)) + "],[" + String.join(",", records.subList(20, 40))
                        + "]]");
        assertFalse(outcome.failedWhole());
        assertEquals(40, outcome.success() + outcome.failure());

        outcome = run(runner, String.join("\n", readings(45).subList(40, 45)));
        assertFalse(outcome.failedWhole());
        assertEquals(5, outcome.success(), outcome.firstReason());
    }

    @Test
    void trainAnomalyModelFailsMixedContentWholeInsteadOfTrainingOnWhatTheReaderKept(@TempDir Path dir)
            throws Exception {
        TestRunner trainer = JsonTestRunners.runner(new TrainAnomalyModel(), false);
        trainer.setProperty(
                TrainAnomalyModel.MODEL_FILE, dir.resolve("model.json").toString());
        List<String> records = readings(300);
        records.add(100, "null");
        trainer.enqueue("[" + String.join(",", records) + "]");
        trainer.run();

        trainer.assertAllFlowFilesTransferred(TrainAnomalyModel.REL_FAILURE, 1);
        String reason = trainer.getFlowFilesForRelationship(TrainAnomalyModel.REL_FAILURE)
                .get(0)
                .getAttribute("record.error.message");
        assertTrue(reason.contains("array element [100]"), reason);
        assertFalse(Files.exists(dir.resolve("model.json")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"score", "health"})
    void oneBadSensorValueFailsThatRecordAloneNamingFieldAndValue(String processor) throws Exception {
        for (String bad : List.of(
                "\"NaN\"",
                "\"Infinity\"",
                "\"-Infinity\"",
                "\"1e309\"",
                "1e309",
                "\"0x1p3\"",
                "\"1.5d\"",
                "\" 12 apples\"",
                "true",
                "{\"x\":1}",
                "[1,2]")) {
            TestRunner runner = runner(processor);
            List<String> records = readings(101);
            records.set(50, records.get(50).replaceFirst("\"temperature\":[^,]*", "\"temperature\":" + bad));
            Accounting.Outcome outcome = run(runner, "[" + String.join(",", records) + "]");
            assertFalse(outcome.failedWhole(), bad);
            assertEquals(100, outcome.success(), bad + ": " + outcome.firstReason());
            assertEquals(1, outcome.failure(), bad);
            assertTrue(outcome.firstReason().startsWith("Field 'temperature'"), outcome.firstReason());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"score", "health"})
    void anyValueTheWriterCannotWriteFailsItsRecordAloneAndHugeValuesAreShortened(String processor) throws Exception {
        TestRunner runner = runner(processor);
        List<String> records = readings(30);
        records.set(3, records.get(3).replace("{", "{\"note\":1.5,"));
        records.set(7, records.get(7).replace("{", "{\"note\":\"NaN\","));
        records.set(9, records.get(9).replace("{", "{\"nested\":{\"a\":[1.5,1e999]},"));
        String huge = "x".repeat(5_000_000);
        records.set(11, records.get(11).replaceFirst("\"temperature\":[^,]*", "\"temperature\":\"" + huge + "\""));
        Accounting.Outcome outcome = run(runner, "[" + String.join(",", records) + "]");
        assertEquals(27, outcome.success(), outcome.firstReason());
        assertEquals(3, outcome.failure());
        List<String> reasons = outcome.reasons();
        assertTrue(reasons.stream().anyMatch(r -> r.contains("…(5000000 chars)")), reasons.toString());
        assertTrue(reasons.stream().allMatch(r -> r.length() <= RecordSupport.MAX_MESSAGE_LENGTH));
    }

    @ParameterizedTest
    @ValueSource(strings = {"score", "health"})
    void machineIdsMustBeTextOrNumbersWithinTheMaximumLength(String processor) throws Exception {
        TestRunner runner = runner(processor);
        runner.setProperty(RecordEnrichmentProcessor.MAX_MACHINE_ID_LENGTH, "20");
        List<String> records = readings(30);
        records.set(4, records.get(4).replaceFirst("\"machine_id\":\"M00.\"", "\"machine_id\":{\"id\":\"M001\"}"));
        records.set(5, records.get(5).replaceFirst("\"machine_id\":\"M00.\"", "\"machine_id\":[\"M001\"]"));
        records.set(6, records.get(6).replaceFirst("\"machine_id\":\"M00.\"", "\"machine_id\":true"));
        records.set(7, records.get(7).replaceFirst("\"M00.\"", "\"" + "M".repeat(21) + "\""));
        records.set(8, records.get(8).replaceFirst("\"M00.\"", "42"));
        records.set(9, records.get(9).replaceFirst("\"M00.\"", "\"  " + "M".repeat(20) + "  \""));
        Accounting.Outcome outcome = run(runner, "[" + String.join(",", records) + "]");
        assertEquals(26, outcome.success(), outcome.reasons().toString());
        assertEquals(4, outcome.failure());
        assertTrue(
                outcome.firstReason()
                        .startsWith("Field 'machine_id' (the machine id) must be text or a number, not a" + " record"),
                outcome.firstReason());
    }

    @org.junit.jupiter.api.Test
    void implausibleTimestampsFailTheirRecordAloneAndAFutureOneCannotBlindItsMachine() throws Exception {
        TestRunner runner = runner("health");
        // The readings as if T0 + 1,000 s were now: the processor judges timestamps against the wall clock.
        long now = System.currentTimeMillis();
        long shift = now - (T0 + 1_000_000);
        List<String> records = new ArrayList<>(
                readings(40).stream().map(r -> shifted(r, shift)).toList());
        String[] bad = {
            "99999999999999999999",
            "-5",
            String.valueOf(now + 2 * 86_400_000L),
            "9223372036854775807",
            "\"-9223372036854775808\"",
            "1.5",
            "\"0x10\"",
            "\"yesterday\"",
            "1e300",
            "\"1e999999999999\"",
            "null"
        };
        for (int i = 0; i < bad.length; i++) {
            records.set(
                    2 + 3 * i, records.get(2 + 3 * i).replaceFirst("\"timestamp\":\\d+", "\"timestamp\":" + bad[i]));
        }
        Accounting.Outcome outcome = run(runner, "[" + String.join(",", records) + "]");
        assertEquals(bad.length, outcome.failure(), outcome.reasons().toString());
        assertEquals(40 - bad.length, outcome.success(), outcome.reasons().toString());

        // ISO-8601 is read; a reading 23 hours ahead is accepted but does not make the next ones late.
        String iso = java.time.Instant.ofEpochMilli(T0 + 50_000 + shift).toString();
        String ahead = shifted(reading(41), shift)
                .replaceFirst("\"timestamp\":\\d+", "\"timestamp\":" + (now + 23 * 3_600_000L));
        String next = shifted(reading(42), shift).replaceFirst("\"timestamp\":\\d+", "\"timestamp\":\"" + iso + "\"");
        outcome = run(
                runner,
                "[" + shifted(reading(39), shift).replace("M000", "M001") + "," + ahead.replace("M000", "M001") + ","
                        + next.replace("M000", "M001") + "]");
        assertEquals(3, outcome.success(), outcome.reasons().toString());
    }
}
