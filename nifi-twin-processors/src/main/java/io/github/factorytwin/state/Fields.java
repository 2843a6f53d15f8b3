package io.github.factorytwin.state;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.ObjDoubleConsumer;
import java.util.function.ObjIntConsumer;
import java.util.function.ObjLongConsumer;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;
import java.util.function.ToIntFunction;
import java.util.function.ToLongFunction;

/**
 * The fields of a plain, mutable state object, each listed once with how to get and set it, from which its binary
 * form is both written and read (big-endian): no field is named again in an encoder, a decoder or a copy.
 *
 * <p>Arrays are written without their length and read into the target's own arrays, so the target is built with
 * its dimensions first (from the configuration it belongs to), and nothing read can make it allocate: a count read
 * from the bytes ({@code int8}/{@code int32} whose setter sizes arrays) must be bounded by its setter. {@link
 * Builder#expect8} and {@link Builder#expect64} write a dimension and check on reading that the target has the
 * same. A setter refuses a value with an {@link IllegalArgumentException}, which reading reports as a {@link
 * StateFormatException} naming the field.
 */
public final class Fields<T> {

    /** One field: its size, how it is written and read. */
    private interface Field<T> {
        String name();

        int bytes(T value);

        void write(T value, ByteBuffer out);

        void read(ByteBuffer in, T target);
    }

    /** Which elements of an array field are stored. */
    public interface Stored<T> {
        boolean test(T value, int index);
    }

    private final List<Field<T>> fields;

    private Fields(List<Field<T>> fields) {
        this.fields = List.copyOf(fields);
    }

    public static <T> Builder<T> builder() {
        return new Builder<>();
    }

    /** The number of bytes {@link #write} writes for {@code value}. */
    public int bytes(T value) {
        int total = 0;
        for (Field<T> field : fields) {
            total += field.bytes(value);
        }
        return total;
    }

    public void write(T value, ByteBuffer out) {
        for (Field<T> field : fields) {
            field.write(value, out);
        }
    }

    /** {@code value}'s fields as a new array of exactly {@link #bytes} bytes. */
    public byte[] toBytes(T value) {
        ByteBuffer out = ByteBuffer.allocate(bytes(value));
        write(value, out);
        return out.array();
    }

    /** Reads the fields into {@code target}. */
    public void read(ByteBuffer in, T target) throws StateFormatException {
        String current = "";
        try {
            for (Field<T> field : fields) {
                current = field.name();
                field.read(in, target);
            }
        } catch (BufferUnderflowException e) {
            throw new StateFormatException("saved state is cut short at field " + current);
        } catch (IllegalArgumentException e) {
            throw new StateFormatException("saved state has an invalid " + current + ": " + e.getMessage());
        }
    }

    /** Reads all of {@code bytes} into {@code target}: no byte may be left over. */
    public void read(byte[] bytes, int offset, T target) throws StateFormatException {
        ByteBuffer in = ByteBuffer.wrap(bytes, offset, bytes.length - offset);
        read(in, target);
        if (in.hasRemaining()) {
            throw new StateFormatException("saved state has " + in.remaining() + " bytes more than its fields");
        }
    }

    /** Lists the fields in the order they are stored. */
    public static final class Builder<T> {
        private final List<Field<T>> fields = new ArrayList<>();

        private Builder() {}

        private Builder<T> add(
                String name,
                ToIntFunction<T> bytes,
                java.util.function.BiConsumer<T, ByteBuffer> write,
                Reading<T> read) {
            fields.add(new Field<>() {
                @Override
                public String name() {
                    return name;
                }

                @Override
                public int bytes(T value) {
                    return bytes.applyAsInt(value);
                }

                @Override
                public void write(T value, ByteBuffer out) {
                    write.accept(value, out);
                }

                @Override
                public void read(ByteBuffer in, T target) {
                    read.read(in, target);
                }
            });
            return this;
        }

        private interface Reading<T> {
            void read(ByteBuffer in, T target);
        }

        /** A value of -128..127 (a count, a code, a small dimension). */
        public Builder<T> int8(String name, ToIntFunction<T> get, ObjIntConsumer<T> set) {
            return add(name, v -> 1, (v, out) -> out.put((byte) get.applyAsInt(v)), (in, t) -> set.accept(t, in.get()));
        }

        public Builder<T> int32(String name, ToIntFunction<T> get, ObjIntConsumer<T> set) {
            return add(name, v -> 4, (v, out) -> out.putInt(get.applyAsInt(v)), (in, t) -> set.accept(t, in.getInt()));
        }

        public Builder<T> int64(String name, ToLongFunction<T> get, ObjLongConsumer<T> set) {
            return add(
                    name, v -> 8, (v, out) -> out.putLong(get.applyAsLong(v)), (in, t) -> set.accept(t, in.getLong()));
        }

        public Builder<T> float64(String name, ToDoubleFunction<T> get, ObjDoubleConsumer<T> set) {
            return add(
                    name,
                    v -> 8,
                    (v, out) -> out.putDouble(get.applyAsDouble(v)),
                    (in, t) -> set.accept(t, in.getDouble()));
        }

        /** A dimension of the target (-128..127), written and on reading checked to be the target's. */
        public Builder<T> expect8(String name, ToIntFunction<T> get) {
            return int8(name, get, (t, stored) -> {
                if (stored != (byte) get.applyAsInt(t)) {
                    throw new IllegalArgumentException(stored + ", expected " + get.applyAsInt(t));
                }
            });
        }

        /** A 64-bit dimension or mask of the target, written and on reading checked to be the target's. */
        public Builder<T> expect64(String name, ToLongFunction<T> get) {
            return int64(name, get, (t, stored) -> {
                if (stored != get.applyAsLong(t)) {
                    throw new IllegalArgumentException(stored + ", expected " + get.applyAsLong(t));
                }
            });
        }

        /** The target's double array, whole. */
        public Builder<T> float64s(String name, Function<T, double[]> array) {
            return float64s(name, array, null);
        }

        /** The elements of the target's double array for which {@code stored} holds (the others are not kept). */
        public Builder<T> float64s(String name, Function<T, double[]> array, Stored<T> stored) {
            return add(
                    name,
                    v -> 8 * count(v, array.apply(v).length, stored),
                    (v, out) -> {
                        double[] a = array.apply(v);
                        for (int i = 0; i < a.length; i++) {
                            if (stored == null || stored.test(v, i)) {
                                out.putDouble(a[i]);
                            }
                        }
                    },
                    (in, t) -> {
                        double[] a = array.apply(t);
                        for (int i = 0; i < a.length; i++) {
                            if (stored == null || stored.test(t, i)) {
                                a[i] = in.getDouble();
                            }
                        }
                    });
        }

        /** The target's int array, whole. */
        public Builder<T> int32s(String name, Function<T, int[]> array) {
            return add(
                    name,
                    v -> 4 * array.apply(v).length,
                    (v, out) -> {
                        for (int x : array.apply(v)) {
                            out.putInt(x);
                        }
                    },
                    (in, t) -> {
                        int[] a = array.apply(t);
                        for (int i = 0; i < a.length; i++) {
                            a[i] = in.getInt();
                        }
                    });
        }

        /** The target's byte array, whole. */
        public Builder<T> int8s(String name, Function<T, byte[]> array) {
            return add(
                    name,
                    v -> array.apply(v).length,
                    (v, out) -> out.put(array.apply(v)),
                    (in, t) -> in.get(array.apply(t)));
        }

        /** {@code nested}'s fields, present only when {@code when} holds for the object (decided by earlier fields). */
        public Builder<T> when(String name, Predicate<T> when, Fields<T> nested) {
            return add(
                    name,
                    v -> when.test(v) ? nested.bytes(v) : 0,
                    (v, out) -> {
                        if (when.test(v)) {
                            nested.write(v, out);
                        }
                    },
                    (in, t) -> {
                        if (when.test(t)) {
                            try {
                                nested.read(in, t);
                            } catch (StateFormatException e) {
                                throw new IllegalArgumentException(e.getMessage());
                            }
                        }
                    });
        }

        public Fields<T> build() {
            return new Fields<>(fields);
        }

        private static <T> int count(T value, int length, Stored<T> stored) {
            if (stored == null) {
                return length;
            }
            int n = 0;
            for (int i = 0; i < length; i++) {
                n += stored.test(value, i) ? 1 : 0;
            }
            return n;
        }
    }
}
