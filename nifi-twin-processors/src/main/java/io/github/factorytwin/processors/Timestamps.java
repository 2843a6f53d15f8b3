package io.github.factorytwin.processors;

import io.github.factorytwin.processors.RecordEnrichmentProcessor.RecordRejectedException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Date;
import java.util.regex.Pattern;
import org.apache.nifi.serialization.record.Record;

/**
 * A record's event time as epoch milliseconds, only when plausible: epoch milliseconds (a whole number, or its
 * text) or an ISO-8601 timestamp with an offset ({@code 2025-01-01T10:00:00Z}), not before 1970 and not further
 * ahead of the wall clock than a tolerance. Anything else rejects the record: a timestamp far in the future
 * would otherwise become its machine's clock.
 */
final class Timestamps {

    private static final Pattern INTEGER = Pattern.compile("[+-]?\\d+");
    private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
    private static final BigDecimal MAX_LONG = BigDecimal.valueOf(Long.MAX_VALUE);
    private static final BigDecimal MIN_LONG = BigDecimal.valueOf(Long.MIN_VALUE);

    private Timestamps() {}

    /**
     * The epoch milliseconds in {@code field}.
     *
     * @param now the wall clock, epoch milliseconds
     * @param futureTolerance how far (milliseconds) a timestamp may lie ahead of {@code now}
     * @throws RecordRejectedException when the field is missing, not a timestamp, beyond the range of a long,
     *     before 1970, or more than {@code futureTolerance} ahead of {@code now}
     */
    static long epochMillis(Record record, String field, long now, long futureTolerance)
            throws RecordRejectedException {
        Object value = record.getValue(field);
        if (value == null || value instanceof String s && s.isBlank()) {
            throw new RecordRejectedException("Field '" + field + "' is missing");
        }
        long millis = parse(value, field);
        if (millis < 0) {
            throw new RecordRejectedException(
                    "Field '" + field + "' is before 1970: " + RecordSupport.shorten(value) + " (" + iso(millis) + ")");
        }
        long latest = now > Long.MAX_VALUE - futureTolerance ? Long.MAX_VALUE : now + futureTolerance;
        if (millis > latest) {
            throw new RecordRejectedException("Field '" + field + "' is more than the Future Timestamp Tolerance ("
                    + futureTolerance + " ms) ahead of the wall clock: " + RecordSupport.shorten(value) + " ("
                    + iso(millis) + ", now " + iso(now) + ")");
        }
        return millis;
    }

    private static long parse(Object value, String field) throws RecordRejectedException {
        if (value instanceof Date date) {
            return date.getTime();
        }
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        if (value instanceof BigInteger big) {
            return whole(new BigDecimal(big), value, field);
        }
        if (value instanceof Number number) {
            double d = number.doubleValue();
            if (!Double.isFinite(d)) {
                throw notATimestamp(value, field);
            }
            return whole(value instanceof BigDecimal bd ? bd : new BigDecimal(d), value, field);
        }
        if (value instanceof String s) {
            String text = s.trim();
            if (INTEGER.matcher(text).matches() || DECIMAL.matcher(text).matches()) {
                BigDecimal number;
                try {
                    number = new BigDecimal(text);
                } catch (NumberFormatException e) { // an exponent beyond an int
                    throw beyondRange(value, field);
                }
                return whole(number, value, field);
            }
            if (text.length() <= 64) {
                try {
                    return OffsetDateTime.parse(text).toInstant().toEpochMilli();
                } catch (DateTimeParseException | ArithmeticException e) {
                    // not ISO-8601 with an offset: reported below
                }
            }
        }
        throw notATimestamp(value, field);
    }

    /** {@code number} as a long when it is a whole number within the range of a long. */
    private static long whole(BigDecimal number, Object value, String field) throws RecordRejectedException {
        if (number.compareTo(MAX_LONG) > 0 || number.compareTo(MIN_LONG) < 0) {
            throw beyondRange(value, field);
        }
        if (number.signum() != 0 && number.stripTrailingZeros().scale() > 0) {
            throw new RecordRejectedException(
                    "Field '" + field + "' is not whole epoch milliseconds: " + RecordSupport.shorten(value));
        }
        return number.longValueExact();
    }

    private static RecordRejectedException beyondRange(Object value, String field) {
        return new RecordRejectedException(
                "Field '" + field + "' is beyond the range of epoch milliseconds: " + RecordSupport.shorten(value));
    }

    private static RecordRejectedException notATimestamp(Object value, String field) {
        return new RecordRejectedException("Field '" + field + "' is not epoch milliseconds or an ISO-8601 timestamp: "
                + RecordSupport.shorten(value));
    }

    private static String iso(long millis) {
        return Instant.ofEpochMilli(millis).toString();
    }
}
