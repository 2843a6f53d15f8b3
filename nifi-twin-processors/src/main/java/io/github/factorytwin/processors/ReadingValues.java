package io.github.factorytwin.processors;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;
import org.apache.nifi.serialization.record.RecordField;
import org.apache.nifi.serialization.record.RecordSchema;

/**
 * The values of one generated record as an immutable map over an array, keyed by the field names of a fixed schema.
 * A MapRecord needs a map per record; this one costs one small array instead of a hash table, which matters when
 * the simulator writes half a million records a second.
 */
final class ReadingValues extends AbstractMap<String, Object> {

    /** The field names of one schema, in order; shared by every record of that schema. */
    static final class Keys {
        private final String[] names;

        Keys(RecordSchema schema) {
            List<RecordField> fields = schema.getFields();
            names = new String[fields.size()];
            for (int i = 0; i < names.length; i++) {
                names[i] = fields.get(i).getFieldName();
            }
        }

        int size() {
            return names.length;
        }

        int indexOf(Object key) {
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

    private final Keys keys;
    private final Object[] values;

    /** {@code values} in the order of the schema's fields; not copied. */
    ReadingValues(Keys keys, Object[] values) {
        if (values.length != keys.size()) {
            throw new IllegalArgumentException("expected " + keys.size() + " values, got " + values.length);
        }
        this.keys = keys;
        this.values = values;
    }

    @Override
    public Object get(Object key) {
        int index = keys.indexOf(key);
        return index < 0 ? null : values[index];
    }

    @Override
    public boolean containsKey(Object key) {
        return keys.indexOf(key) >= 0;
    }

    @Override
    public int size() {
        return values.length;
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
        return new AbstractSet<>() {
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
                        return new SimpleImmutableEntry<>(keys.names[i], values[i]);
                    }
                };
            }

            @Override
            public int size() {
                return values.length;
            }
        };
    }
}
