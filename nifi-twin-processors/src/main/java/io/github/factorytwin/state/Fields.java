package io.github.factorytwin.state;

import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
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

        /** Bytes of this field, -1 when they depend on the object (arrays, conditional parts). */
        int fixedBytes();

        int bytes(T value);

        void write(T value, ByteBuffer out);

        void read(ByteBuffer in, T target);
    }

    private record Int8<T>(String name, ToIntFunction<T> get, ObjIntConsumer<T> set) implements Field<T> {
        public int fixedBytes() {
            return 1;
        }

        public int bytes(T value) {
            return 1;
        }

        public void write(T value, ByteBuffer out) {
            out.put((byte) get.applyAsInt(value));
        }

        public void read(ByteBuffer in, T target) {
            set.accept(target, in.get());
        }
    }

    private record Int32<T>(String name, ToIntFunction<T> get, ObjIntConsumer<T> set) implements Field<T> {
        public int fixedBytes() {
            return 4;
        }

        public int bytes(T value) {
            return 4;
        }

        public void write(T value, ByteBuffer out) {
            out.putInt(get.applyAsInt(value));
        }

        public void read(ByteBuffer in, T target) {
            set.accept(target, in.getInt());
        }
    }

    private record Int64<T>(String name, ToLongFunction<T> get, ObjLongConsumer<T> set) implements Field<T> {
        public int fixedBytes() {
            return 8;
        }

        public int bytes(T value) {
            return 8;
        }

        public void write(T value, ByteBuffer out) {
            out.putLong(get.applyAsLong(value));
        }

        public void read(ByteBuffer in, T target) {
            set.accept(target, in.getLong());
        }
    }

    private record Float64<T>(String name, ToDoubleFunction<T> get, ObjDoubleConsumer<T> set) implements Field<T> {
        public int fixedBytes() {
            return 8;
        }

        public int bytes(T value) {
            return 8;
        }

        public void write(T value, ByteBuffer out) {
            out.putDouble(get.applyAsDouble(value));
        }

        public void read(ByteBuffer in, T target) {
            set.accept(target, in.getDouble());
        }
    }

    private record Float64s<T>(String name, Function<T, double[]> array, Stored<T> stored) implements Field<T> {
        public int fixedBytes() {
            return -1;
        }

        public int bytes(T value) {
            double[] a = array.apply(value);
            if (stored == null) {
                return 8 * a.length;
            }
            int n = 0;
            for (int i = 0; i < a.length; i++) {
                n += stored.test(value, i) ? 1 : 0;
            }
            return 8 * n;
        }

        public void write(T value, ByteBuffer out) {
            double[] a = array.apply(value);
            for (int i = 0; i < a.length; i++) {
                if (stored == null || stored.test(value, i)) {
                    out.putDouble(a[i]);
                }
            }
        }

        public void read(ByteBuffer in, T target) {
            double[] a = array.apply(target);
            for (int i = 0; i < a.length; i++) {
                if (stored == null || stored.test(target, i)) {
                    a[i] = in.getDouble();
                }
            }
        }
    }

    private record Int32s<T>(String name, Function<T, int[]> array) implements Field<T> {
        public int fixedBytes() {
            return -1;
        }

        public int bytes(T value) {
            return 4 * array.apply(value).length;
        }

        public void write(T value, ByteBuffer out) {
            for (int x : array.apply(value)) {
                out.putInt(x);
            }
        }

        public void read(ByteBuffer in, T target) {
            int[] a = array.apply(target);
            for (int i = 0; i < a.length; i++) {
                a[i] = in.getInt();
            }
        }
    }

    private record Int8s<T>(String name, Function<T, byte[]> array) implements Field<T> {
        public int fixedBytes() {
            return -1;
        }

        public int bytes(T value) {
            return array.apply(value).length;
        }

        public void write(T value, ByteBuffer out) {
            out.put(array.apply(value));
        }

        public void read(ByteBuffer in, T target) {
            in.get(array.apply(target));
        }
    }

    private record When<T>(String name, Predicate<T> when, Fields<T> nested) implements Field<T> {
        public int fixedBytes() {
            return -1;
        }

        public int bytes(T value) {
            return when.test(value) ? nested.bytes(value) : 0;
        }

        public void write(T value, ByteBuffer out) {
            if (when.test(value)) {
                nested.write(value, out);
            }
        }

        public void read(ByteBuffer in, T target) {
            if (when.test(target)) {
                try {
                    nested.read(in, target);
                } catch (StateFormatException e) {
                    throw new IllegalArgumentException(e.getMessage());
                }
            }
        }
    }

    /** The fields of a part of the object (another state object it owns); nothing when it has no such part. */
    private record Part<T, S>(String name, Function<T, S> part, Fields<S> nested) implements Field<T> {
        public int fixedBytes() {
            return -1;
        }

        public int bytes(T value) {
            S s = part.apply(value);
            return s == null ? 0 : nested.bytes(s);
        }

        public void write(T value, ByteBuffer out) {
            S s = part.apply(value);
            if (s != null) {
                nested.write(s, out);
            }
        }

        public void read(ByteBuffer in, T target) {
            S s = part.apply(target);
            if (s != null) {
                nested.readFields(in, s);
            }
        }
    }

    /** The fields of each element of an array of parts the object owns (sized by its configuration). */
    private record Each<T, S>(String name, Function<T, S[]> parts, Fields<S> nested) implements Field<T> {
        public int fixedBytes() {
            return -1;
        }

        public int bytes(T value) {
            int total = 0;
            for (S s : parts.apply(value)) {
                total += nested.bytes(s);
            }
            return total;
        }

        public void write(T value, ByteBuffer out) {
            for (S s : parts.apply(value)) {
                nested.write(s, out);
            }
        }

        public void read(ByteBuffer in, T target) {
            for (S s : parts.apply(target)) {
                nested.readFields(in, s);
            }
        }
    }

    /** No bytes: a check of what was read so far, refusing a combination no object could have reached. */
    private record Check<T>(String name, Predicate<T> valid) implements Field<T> {
        public int fixedBytes() {
            return 0;
        }

        public int bytes(T value) {
            return 0;
        }

        public void write(T value, ByteBuffer out) {}

        public void read(ByteBuffer in, T target) {
            if (!valid.test(target)) {
                throw new IllegalArgumentException("the values read are inconsistent");
            }
        }
    }

    /** Which elements of an array field are stored. */
    public interface Stored<T> {
        boolean test(T value, int index);
    }

    private final List<Field<T>> fields;
    /** Bytes of the fields whose size does not depend on the object, and the fields whose size does. */
    private final int fixedBytes;

    private final List<Field<T>> sizedFields;

    private Fields(List<Field<T>> fields) {
        this.fields = List.copyOf(fields);
        this.fixedBytes =
                fields.stream().mapToInt(f -> Math.max(0, f.fixedBytes())).sum();
        this.sizedFields = fields.stream().filter(f -> f.fixedBytes() < 0).toList();
    }

    public static <T> Builder<T> builder() {
        return new Builder<>();
    }

    /** The number of bytes {@link #write} writes for {@code value}. */
    public int bytes(T value) {
        int total = fixedBytes;
        for (Field<T> field : sizedFields) {
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

    /** Reads the fields of a part; failures are reported by the outer {@link #read} with the part's name. */
    private void readFields(ByteBuffer in, T target) {
        for (Field<T> field : fields) {
            try {
                field.read(in, target);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(field.name() + ": " + e.getMessage(), e);
            }
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

    /**
     * Writes {@code value} into a streamed file as a record: its byte count, then its fields (so a variable-size
     * state sits among others and is read with the same list).
     */
    public void writeRecord(DataOutputStream out, T value) throws IOException {
        byte[] bytes = toBytes(value);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    /** Reads into {@code target} a record {@link #writeRecord} wrote; its byte count is checked against the file. */
    public void readRecord(StateInput in, T target, String what) throws IOException {
        int length = in.count(in.readInt(), Integer.MAX_VALUE - 8, 1, what + " length");
        byte[] bytes = in.readNBytes(length);
        if (bytes.length != length) {
            throw new EOFException();
        }
        read(bytes, 0, target);
    }

    /** Lists the fields in the order they are stored. */
    public static final class Builder<T> {
        private final List<Field<T>> fields = new ArrayList<>();

        private Builder() {}

        private Builder<T> add(Field<T> field) {
            fields.add(field);
            return this;
        }

        /** A value of -128..127 (a count, a code, a small dimension). */
        public Builder<T> int8(String name, ToIntFunction<T> get, ObjIntConsumer<T> set) {
            return add(new Int8<>(name, get, set));
        }

        public Builder<T> int32(String name, ToIntFunction<T> get, ObjIntConsumer<T> set) {
            return add(new Int32<>(name, get, set));
        }

        public Builder<T> int64(String name, ToLongFunction<T> get, ObjLongConsumer<T> set) {
            return add(new Int64<>(name, get, set));
        }

        public Builder<T> float64(String name, ToDoubleFunction<T> get, ObjDoubleConsumer<T> set) {
            return add(new Float64<>(name, get, set));
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
            return add(new Float64s<>(name, array, stored));
        }

        /** The target's int array, whole. */
        public Builder<T> int32s(String name, Function<T, int[]> array) {
            return add(new Int32s<>(name, array));
        }

        /** The target's byte array, whole. */
        public Builder<T> int8s(String name, Function<T, byte[]> array) {
            return add(new Int8s<>(name, array));
        }

        /** {@code block}'s fields at this place (a block of fields that several layouts share). */
        public Builder<T> include(Fields<T> block) {
            fields.addAll(block.fields);
            return this;
        }

        /** {@code nested}'s fields, present only when {@code when} holds for the object (decided by earlier fields). */
        public Builder<T> when(String name, Predicate<T> when, Fields<T> nested) {
            return add(new When<>(name, when, nested));
        }

        /** {@code nested}'s fields of the part {@code part} gives (nothing stored when it gives null). */
        public <S> Builder<T> part(String name, Function<T, S> part, Fields<S> nested) {
            return add(new Part<>(name, part, nested));
        }

        /** {@code nested}'s fields of each element of the target's array of parts, in order. */
        public <S> Builder<T> each(String name, Function<T, S[]> parts, Fields<S> nested) {
            return add(new Each<>(name, parts, nested));
        }

        /** No bytes: on reading, refuses the object when {@code valid} does not hold for what was read so far. */
        public Builder<T> check(String name, Predicate<T> valid) {
            return add(new Check<>(name, valid));
        }

        public Fields<T> build() {
            return new Fields<>(fields);
        }
    }
}
