package io.github.factorytwin.processors;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.CharConversionException;
import java.io.IOException;
import java.io.InputStream;

/**
 * A streaming look at the shape of JSON content before a record reader parses it.
 *
 * <p>NiFi's JSON readers take every JSON object at the records level (the top level, or inside top-level arrays)
 * as a record. On any other value there (a number, a string, {@code null}, a boolean) they skip ahead to the end of
 * the next object, so the reading after the junk element is lost without a trace. This check walks the same
 * levels, skipping the inside of every object unread (memory stays bounded by the parser's buffer whatever the
 * content), and names the first value there that is not a record, so the FlowFile can fail whole instead.
 *
 * <p>Content that is not JSON (CSV, Avro), holds JSON scalars only, or stops being valid JSON is not judged here:
 * the reader reports it (scalars yield no records).
 */
final class RecordShape {

    // No name canonicalisation: the check must not keep what it sees.
    private static final JsonFactory JSON = JsonFactory.builder()
            .disable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES)
            .build();

    private RecordShape() {}

    private static final int BUFFER = 8192;

    /**
     * A fast first look: true when the content, read as bytes, is only records at the records level (whitespace,
     * commas, array brackets and whole objects, whose insides are skipped by counting brackets outside strings), so
     * {@link #problem} would find nothing. False means "look closer" (a scalar, another encoding, anything unusual),
     * never "there is a problem". JSON's structural characters are ASCII and never part of a multi-byte UTF-8
     * character, so counting bytes is exact for UTF-8; a content the parser cannot read either way is the reader's
     * to report. This saves the parser's work per token (and a string per field name) on every FlowFile.
     */
    static boolean onlyRecords(InputStream in) throws IOException {
        byte[] buffer = new byte[BUFFER];
        int objectDepth = 0; // brackets open inside the current record; 0 = at the records level
        int arrayDepth = 0; // arrays open at the records level
        boolean inString = false;
        boolean escaped = false;
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
            for (int i = 0; i < n; i++) {
                byte b = buffer[i];
                if (objectDepth > 0) {
                    if (inString) {
                        if (escaped) {
                            escaped = false;
                        } else if (b == '\\') {
                            escaped = true;
                        } else if (b == '"') {
                            inString = false;
                        }
                    } else if (b == '"') {
                        inString = true;
                    } else if (b == '{' || b == '[') {
                        objectDepth++;
                    } else if (b == '}' || b == ']') {
                        objectDepth--;
                    }
                    continue;
                }
                switch (b) {
                    case ' ', '\t', '\n', '\r', ',' -> {}
                    case '{' -> objectDepth = 1;
                    case '[' -> arrayDepth++;
                    case ']' -> {
                        if (--arrayDepth < 0) {
                            return false;
                        }
                    }
                    default -> {
                        return false;
                    }
                }
            }
        }
        return objectDepth == 0 && arrayDepth == 0;
    }

    /** Why the content cannot be read record for record, or null when it can (or is not this check's to judge). */
    static String problem(InputStream in) throws IOException {
        try (JsonParser parser = JSON.createParser(in)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                return null;
            }
            if (first != JsonToken.START_OBJECT && first != JsonToken.START_ARRAY) {
                // Top-level scalars alone are not judged (no records: the reader finds none; or another format,
                // such as a one-column CSV). Followed by an object or array, the reader would skip one record.
                JsonLocation at = parser.currentTokenLocation();
                for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
                    if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
                        return describe(first, "top-level value 1", at, 1);
                    }
                }
                return null;
            }
            return walk(parser, first);
        } catch (JsonProcessingException | CharConversionException e) {
            return null; // not JSON (or not all of it, or not in a JSON encoding): the reader reports it
        }
    }

    private static String walk(JsonParser parser, JsonToken first) throws IOException {
        long records = 0;
        // Index of the current value in each enclosing array; depth 0 counts the top-level values.
        long[] index = new long[8];
        int depth = 0;
        for (JsonToken token = first; token != null; token = parser.nextToken()) {
            switch (token) {
                case START_OBJECT -> {
                    records++;
                    parser.skipChildren();
                    index[depth]++;
                }
                case START_ARRAY -> {
                    if (++depth == index.length) {
                        index = java.util.Arrays.copyOf(index, depth * 2);
                    }
                    index[depth] = 0;
                }
                case END_ARRAY -> {
                    depth--;
                    index[depth]++;
                }
                default -> {
                    return describe(token, position(index, depth), parser.currentTokenLocation(), records);
                }
            }
        }
        return null;
    }

    private static String position(long[] index, int depth) {
        StringBuilder text = new StringBuilder();
        if (index[0] > 0) {
            text.append("top-level value ").append(index[0] + 1);
            if (depth > 0) {
                text.append(", ");
            }
        }
        if (depth > 0) {
            text.append("array element ");
            for (int level = 1; level <= depth; level++) {
                text.append('[').append(index[level]).append(']');
            }
        }
        return text.isEmpty() ? "the content" : text.toString();
    }

    private static String describe(JsonToken token, String position, JsonLocation at, long records) {
        String kind =
                switch (token) {
                    case VALUE_STRING -> "a string";
                    case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
                    case VALUE_TRUE, VALUE_FALSE -> "a boolean";
                    case VALUE_NULL -> "null";
                    default -> "not a JSON object";
                };
        String where = position + " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ") is " + kind
                + ", not a record (a JSON object)";
        if (records == 0) {
            return "Content holds no records: " + where;
        }
        return "Content mixes records with other values: " + where + ". The whole FlowFile goes to failure because"
                + " the JSON reader would skip the record after such a value";
    }
}
