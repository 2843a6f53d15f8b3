package io.github.factorytwin.processors;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The fast look at the records level never clears content the full check would send to failure. */
class RecordShapeTest {

    private static boolean fast(String content, Charset charset) throws IOException {
        return RecordShape.onlyRecords(new ByteArrayInputStream(content.getBytes(charset)));
    }

    private static String full(String content, Charset charset) throws IOException {
        return RecordShape.problem(new ByteArrayInputStream(content.getBytes(charset)));
    }

    @Test
    void recordsAloneAreClearedByTheFastLook() throws Exception {
        for (String content : List.of(
                "",
                "{\"a\":1}",
                "[{\"a\":1},{\"b\":\"x\"}]",
                " [ {\"a\":[1,2,{\"c\":\"]}[\"}]} ,\n{\"d\":\"\\\"}\"} ] ",
                "{\"a\":1}\n{\"b\":2}\n",
                "[[{\"a\":1}],[]]",
                "[{\"name\":\"Müller ☃\"}]")) {
            assertTrue(fast(content, StandardCharsets.UTF_8), content);
            assertNull(full(content, StandardCharsets.UTF_8), content);
        }
    }

    @Test
    void valuesThatAreNotRecordsAreLeftToTheFullCheck() throws Exception {
        for (String content : List.of(
                "[{\"a\":1}, 5, {\"b\":2}]",
                "[{\"a\":1}, \"text\"]",
                "5 {\"a\":1}",
                "[null]",
                "[[true]]",
                "{\"a\":1} 7")) {
            assertFalse(fast(content, StandardCharsets.UTF_8), content);
            assertNotNull(full(content, StandardCharsets.UTF_8), content);
        }
        assertFalse(fast("[{\"a\":1}]", StandardCharsets.UTF_16LE), "another encoding: the parser decides");
        assertFalse(fast("[{\"a\":1}]", StandardCharsets.UTF_16BE));
        assertFalse(fast("\uFEFF[{\"a\":1}]", StandardCharsets.UTF_8), "a byte order mark");
    }

    @Test
    void whateverTheFastLookClearsTheFullCheckClearsToo() throws Exception {
        String[] pieces = {
            "{",
            "}",
            "[",
            "]",
            ",",
            ":",
            " ",
            "\n",
            "\"a\"",
            "\"}\"",
            "\"]\"",
            "\"\\\"\"",
            "\"\\\\\"",
            "1",
            "-2.5e3",
            "true",
            "null",
            "{\"k\":1}",
            "{\"k\":[1,{\"c\":\"]\"}]}",
            "\"é\"",
            "NaN",
            "/*x*/",
            "'a'"
        };
        Random random = new Random(42);
        int cleared = 0;
        for (int i = 0; i < 20_000; i++) {
            StringBuilder content = new StringBuilder();
            int length = 1 + random.nextInt(12);
            for (int j = 0; j < length; j++) {
                content.append(pieces[random.nextInt(pieces.length)]);
            }
            String text = content.toString();
            for (Charset charset : List.of(StandardCharsets.UTF_8, StandardCharsets.UTF_16LE)) {
                if (fast(text, charset)) {
                    cleared++;
                    assertNull(full(text, charset), text);
                }
            }
        }
        assertTrue(cleared > 300, cleared + " inputs cleared: the property was exercised");
    }
}
