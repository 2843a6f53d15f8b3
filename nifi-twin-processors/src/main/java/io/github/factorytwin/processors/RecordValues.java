package io.github.factorytwin.processors;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import org.apache.nifi.serialization.record.MapRecord;
import org.apache.nifi.serialization.record.Record;
import org.apache.nifi.serialization.record.RecordField;
import org.apache.nifi.serialization.record.RecordSchema;

/**
 * The one way the processors build an output record: named values (a fixed list of {@link Names}, one array per
 * record), alone (GenerateSensorReadings' readings) or overlaid on an input record's values (ScoreAnomaly's and
 * ComputeHealthScore's enrichment). Nothing is copied: a record writer asks a record for each schema field by name,
 * and a named field is answered from the array, any other from the input record's map (read, never changed). A
 * hash map per record would cost more than the record's own work. Iterating an overlay (rare: writers with a
 * schema that does not name the fields) builds a merged copy once.
 */
final class RecordValues extends AbstractMap<String, Object> {

    /** The names of the values, in order; shared by every record built with them. */
    static final class Names {
        private final String[] names;

        Names(List<String> names) {
            this.names = names.toArray(String[]::new);
        }

        /** The names of {@code fields}, in order. */
        static Names of(List<RecordField> fields) {
            return new Names(fields.stream().map(RecordField::getFieldName).toList());
        }

        int size() {
            return names.length;
        }

        int indexOf(Object key) {
            // Writers ask with the schema's own name strings: identity finds most of them at once.
            for (int i = 0; i < names.length; i++) {
                if (names[i] == key) {
                    return i;
                }
            }
            for (int i = 0; i < names.length; i++) {
                if (names[i].equals(key)) {
                    return i;
                }
            }
            return -1;
        }
    }

    private final Map<String, Object> input;
    private final Names names;
    private final Object[] values;
    private Map<String, Object> merged;

    private RecordValues(Map<String, Object> input, Names names, Object[] values) {
        if (values.length != names.size()) {
            throw new IllegalArgumentException("expected " + names.size() + " values, got " + values.length);
        }
        this.input = input;
        this.names = names;
        this.values = values;
    }

    /** A record of {@code schema} whose values are {@code values} (not copied), in the order of {@code names}. */
    static Record record(RecordSchema schema, Names names, Object... values) {
        return new MapRecord(schema, new RecordValues(null, names, values), false, false);
    }

    /**
     * {@code input}'s values under {@code schema}, with the fields {@code names} set to {@code values} (null ones
     * included): added, or replacing the input's value of the same name.
     */
    static Record overlay(RecordSchema schema, Record input, Names names, Object... values) {
        return new MapRecord(schema, new RecordValues(input.toMap(), names, values), false, false);
    }

    @Override
    public Object get(Object key) {
        int index = names.indexOf(key);
        if (index >= 0) {
            return values[index];
        }
        return input == null ? null : input.get(key);
    }

    @Override
    public boolean containsKey(Object key) {
        return names.indexOf(key) >= 0 || input != null && input.containsKey(key);
    }

    @Override
    public int size() {
        return input == null ? values.length : merged().size();
    }

    @Override
    public Object put(String key, Object value) {
        throw new UnsupportedOperationException("A record's values are read-only here");
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
        return input == null ? new NamedEntries() : merged().entrySet();
    }

    private Map<String, Object> merged() {
        if (merged == null) {
            Map<String, Object> all = new LinkedHashMap<>(input);
            for (int i = 0; i < values.length; i++) {
                all.put(names.names[i], values[i]);
            }
            merged = Collections.unmodifiableMap(all);
        }
        return merged;
    }

    /** The named values alone, in order, without a copy. */
    private final class NamedEntries extends AbstractSet<Entry<String, Object>> {
        @Override
        public Iterator<Entry<String, Object>> iterator() {
            return new Iterator<>() {
                private int next;

                @Override
                public boolean hasNext() {
                    return next < values.length;
                }

                @Override
                public Entry<String, Object> next() {
                    if (next >= values.length) {
                        throw new NoSuchElementException();
                    }
                    int i = next++;
                    return new SimpleImmutableEntry<>(names.names[i], values[i]);
                }
            };
        }

        @Override
        public int size() {
            return values.length;
        }
    }
}
