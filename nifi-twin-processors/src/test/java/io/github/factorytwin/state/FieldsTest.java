package io.github.factorytwin.state;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class FieldsTest {

    /** A plain state object: dimensions fixed at construction, values set by reading. */
    static final class Sample {
        final int width;
        byte code;
        int count;
        long time;
        double level;
        final double[] values;
        final int[] counts;
        final byte[] flags;
        int extras;
        double[] extra = new double[0];

        Sample(int width) {
            this.width = width;
            values = new double[width];
            counts = new int[width];
            flags = new byte[width];
        }

        void extras(int n) {
            if (n < 0 || n > 4) {
                throw new IllegalArgumentException("at most 4 extras: " + n);
            }
            extras = n;
            extra = new double[n];
        }
    }

    private static final Fields<Sample> OPTIONAL = Fields.<Sample>builder()
            .int8("extras", s -> s.extras, Sample::extras)
            .float64s("extra", s -> s.extra)
            .build();

    static final Fields<Sample> FIELDS = Fields.<Sample>builder()
            .expect8("width", s -> s.width)
            .int8("code", s -> s.code, (s, v) -> s.code = (byte) v)
            .int32("count", s -> s.count, (s, v) -> s.count = v)
            .int64("time", s -> s.time, (s, v) -> s.time = v)
            .float64("level", s -> s.level, (s, v) -> s.level = v)
            .float64s("values", s -> s.values, (s, i) -> i != 1) // element 1 is not kept
            .int32s("counts", s -> s.counts)
            .int8s("flags", s -> s.flags)
            .when("optional", s -> s.code > 0, OPTIONAL)
            .build();

    private static Sample sample() {
        Sample s = new Sample(3);
        s.code = 2;
        s.count = -5;
        s.time = Long.MIN_VALUE;
        s.level = Double.NaN;
        s.values[0] = 1.5;
        s.values[1] = 99;
        s.values[2] = -0.0;
        s.counts[2] = Integer.MAX_VALUE;
        s.flags[0] = -1;
        s.extras(2);
        s.extra[1] = 7;
        return s;
    }

    @Test
    void everyListedFieldIsWrittenAndReadBack() throws StateFormatException {
        Sample s = sample();
        byte[] bytes = FIELDS.toBytes(s);
        assertEquals(1 + 1 + 4 + 8 + 8 + 2 * 8 + 3 * 4 + 3 + 1 + 2 * 8, bytes.length);
        assertEquals(bytes.length, FIELDS.bytes(s));
        Sample read = new Sample(3);
        FIELDS.read(bytes, 0, read);
        assertEquals(2, read.code);
        assertEquals(-5, read.count);
        assertEquals(Long.MIN_VALUE, read.time);
        assertTrue(Double.isNaN(read.level));
        assertArrayEquals(new double[] {1.5, 0, -0.0}, read.values, "the element not kept stays as built");
        assertArrayEquals(s.counts, read.counts);
        assertArrayEquals(s.flags, read.flags);
        assertArrayEquals(new double[] {0, 7}, read.extra);
        assertArrayEquals(bytes, FIELDS.toBytes(read));
    }

    @Test
    void optionalFieldsAreAbsentWhenTheirConditionFails() throws StateFormatException {
        Sample s = sample();
        s.code = 0;
        byte[] bytes = FIELDS.toBytes(s);
        assertEquals(1 + 1 + 4 + 8 + 8 + 2 * 8 + 3 * 4 + 3, bytes.length);
        Sample read = new Sample(3);
        FIELDS.read(bytes, 0, read);
        assertEquals(0, read.extras);
    }

    @Test
    void otherDimensionsBadValuesAndShortOrLongInputAreRefused() {
        byte[] bytes = FIELDS.toBytes(sample());
        StateFormatException width =
                assertThrows(StateFormatException.class, () -> FIELDS.read(bytes, 0, new Sample(4)));
        assertTrue(width.getMessage().contains("width"), width.getMessage());
        StateFormatException shortInput = assertThrows(
                StateFormatException.class,
                () -> FIELDS.read(Arrays.copyOf(bytes, bytes.length - 1), 0, new Sample(3)));
        assertTrue(shortInput.getMessage().contains("cut short"), shortInput.getMessage());
        assertThrows(
                StateFormatException.class,
                () -> FIELDS.read(Arrays.copyOf(bytes, bytes.length + 1), 0, new Sample(3)));
        byte[] tooMany = bytes.clone();
        tooMany[bytes.length - 17] = 100; // the extras count: its setter refuses it before anything is allocated
        StateFormatException extras =
                assertThrows(StateFormatException.class, () -> FIELDS.read(tooMany, 0, new Sample(3)));
        assertTrue(extras.getMessage().contains("at most 4 extras"), extras.getMessage());
    }

    /** An object that owns parts: one that may be absent and an array of them, each with its own fields. */
    static final class Owner {
        Sample optional;
        final Sample[] parts = {new Sample(1), new Sample(1)};
        long readings;
    }

    private static final Fields<Sample> PART = Fields.<Sample>builder()
            .int32("count", s -> s.count, (s, v) -> s.count = v)
            .check("count", s -> s.count >= 0)
            .build();

    static final Fields<Owner> OWNER = Fields.<Owner>builder()
            .int64("readings", o -> o.readings, (o, v) -> o.readings = v)
            .part("optional", o -> o.optional, PART)
            .each("parts", o -> o.parts, PART)
            .build();

    @Test
    void partsAreStoredWithTheirOwnFieldsAndAnAbsentPartTakesNoBytes() throws Exception {
        Owner owner = new Owner();
        owner.readings = 9;
        owner.parts[0].count = 3;
        owner.parts[1].count = 4;
        assertEquals(8 + 2 * 4, OWNER.toBytes(owner).length, "no optional part");
        owner.optional = new Sample(1);
        owner.optional.count = 5;
        byte[] bytes = OWNER.toBytes(owner);
        assertEquals(8 + 3 * 4, bytes.length);

        Owner read = new Owner();
        read.optional = new Sample(1);
        OWNER.read(bytes, 0, read);
        assertEquals(9, read.readings);
        assertEquals(5, read.optional.count);
        assertEquals(3, read.parts[0].count);
        assertEquals(4, read.parts[1].count);

        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        OWNER.writeRecord(new java.io.DataOutputStream(out), owner);
        byte[] record = out.toByteArray();
        assertEquals(4 + bytes.length, record.length);
        Owner fromRecord = new Owner();
        fromRecord.optional = new Sample(1);
        OWNER.readRecord(StateInput.of(new java.io.ByteArrayInputStream(record), record.length), fromRecord, "owner");
        assertArrayEquals(bytes, OWNER.toBytes(fromRecord));
    }

    @Test
    void aFailedCheckInAPartAndARecordLongerThanTheFileAreRefused() {
        Owner owner = new Owner();
        owner.parts[1].count = -1;
        StateFormatException check =
                assertThrows(StateFormatException.class, () -> OWNER.read(OWNER.toBytes(owner), 0, new Owner()));
        assertTrue(check.getMessage().contains("parts") && check.getMessage().contains("count"), check.getMessage());

        byte[] claiming = {0x7f, 0, 0, 0, 1, 2, 3};
        StateFormatException length = assertThrows(
                StateFormatException.class,
                () -> OWNER.readRecord(
                        StateInput.of(new java.io.ByteArrayInputStream(claiming), claiming.length),
                        new Owner(),
                        "owner"));
        assertTrue(length.getMessage().contains("owner length"), length.getMessage());
    }
}
