package io.github.factorytwin.health;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Base64;

/**
 * Everything the engine remembers about one machine: a fixed number of numbers per configured sensor, no history
 * buffers, so its size is bounded (about 130 bytes plus 36 per sensor in binary; {@link #encode()} gives Base64 of
 * that, about 310 characters for three sensors). Not thread-safe: the caller owns an instance or copies it.
 */
public final class MachineState {

    private static final byte FORMAT = 1;
    private static final Base64.Encoder ENCODER = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getDecoder();

    final int sensorCount;
    /** Newest event time seen (ms); Long.MIN_VALUE before the first reading. */
    long lastTimestamp = Long.MIN_VALUE;
    /** Event time of the first reading after creation or the last maintenance. */
    long resetTimestamp;
    /** Readings learned into the baseline (stops at Baseline Size). */
    int baselineReadings;
    /** Readings since creation or the last maintenance (saturates). */
    int readings;
    /** Per sensor: baseline Welford count, mean, sum of squared deviations; smoothed values. */
    final int[] baselineCount;

    final double[] baselineMean;
    final double[] baselineM2;
    final double[] fast;
    final double[] slow;
    /** Smoothed anomaly score, NaN before the first score. */
    double anomaly = Double.NaN;

    double health = 100;
    HealthStatus status = HealthStatus.HEALTHY;
    /** The status the machine is moving to, and since when (event time); null when none. */
    HealthStatus pending;

    long pendingSince;

    /** Open incident: event time it was raised (its id), its highest severity; null severity when none. */
    long incidentStart;

    HealthStatus incidentSeverity;

    /** Exponentially weighted least-squares sums of health against time (seconds before trendOrigin). */
    long trendOrigin;

    int trendPoints;
    double s0, st, sh, stt, sth, shh;

    public MachineState(int sensorCount) {
        this.sensorCount = sensorCount;
        baselineCount = new int[sensorCount];
        baselineMean = new double[sensorCount];
        baselineM2 = new double[sensorCount];
        fast = new double[sensorCount];
        slow = new double[sensorCount];
        Arrays.fill(fast, Double.NaN);
        Arrays.fill(slow, Double.NaN);
    }

    public boolean isNew() {
        return lastTimestamp == Long.MIN_VALUE;
    }

    public HealthStatus status() {
        return status;
    }

    public double health() {
        return health;
    }

    public long lastTimestamp() {
        return lastTimestamp;
    }

    public int readings() {
        return readings;
    }

    /** True while an alert incident of this machine is open (RAISED, not yet RECOVERED). */
    public boolean hasOpenAlert() {
        return incidentSeverity != null;
    }

    public MachineState copy() {
        MachineState c = new MachineState(sensorCount);
        c.lastTimestamp = lastTimestamp;
        c.resetTimestamp = resetTimestamp;
        c.baselineReadings = baselineReadings;
        c.readings = readings;
        System.arraycopy(baselineCount, 0, c.baselineCount, 0, sensorCount);
        System.arraycopy(baselineMean, 0, c.baselineMean, 0, sensorCount);
        System.arraycopy(baselineM2, 0, c.baselineM2, 0, sensorCount);
        System.arraycopy(fast, 0, c.fast, 0, sensorCount);
        System.arraycopy(slow, 0, c.slow, 0, sensorCount);
        c.anomaly = anomaly;
        c.health = health;
        c.status = status;
        c.pending = pending;
        c.pendingSince = pendingSince;
        c.incidentStart = incidentStart;
        c.incidentSeverity = incidentSeverity;
        c.trendOrigin = trendOrigin;
        c.trendPoints = trendPoints;
        c.s0 = s0;
        c.st = st;
        c.sh = sh;
        c.stt = stt;
        c.sth = sth;
        c.shh = shh;
        return c;
    }

    private static int size(int sensors) {
        return 1 + 1 + 8 + 8 + 4 + 4 + 8 + 8 + 1 + 1 + 8 + 8 + 1 + 8 + 4 + 6 * 8 + sensors * (4 + 4 * 8);
    }

    /** Compact text form for NiFi's StateManager: Base64 of a fixed binary layout, versioned. */
    public String encode() {
        ByteBuffer b = ByteBuffer.allocate(size(sensorCount));
        b.put(FORMAT).put((byte) sensorCount);
        b.putLong(lastTimestamp)
                .putLong(resetTimestamp)
                .putInt(baselineReadings)
                .putInt(readings);
        b.putDouble(anomaly).putDouble(health);
        b.put((byte) status.ordinal()).put(code(pending)).putLong(pendingSince);
        b.putLong(incidentStart).put(code(incidentSeverity));
        b.putLong(trendOrigin).putInt(trendPoints);
        b.putDouble(s0)
                .putDouble(st)
                .putDouble(sh)
                .putDouble(stt)
                .putDouble(sth)
                .putDouble(shh);
        for (int i = 0; i < sensorCount; i++) {
            b.putInt(baselineCount[i]).putDouble(baselineMean[i]).putDouble(baselineM2[i]);
            b.putDouble(fast[i]).putDouble(slow[i]);
        }
        return ENCODER.encodeToString(b.array());
    }

    /**
     * Parses {@link #encode()}'s output.
     *
     * @throws IllegalArgumentException when the text is not a state of this format with {@code sensorCount} sensors
     */
    public static MachineState decode(String text, int sensorCount) {
        byte[] bytes;
        try {
            bytes = DECODER.decode(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a machine state: " + e.getMessage(), e);
        }
        if (bytes.length != size(sensorCount) || bytes[0] != FORMAT || bytes[1] != sensorCount) {
            throw new IllegalArgumentException("not a machine state of format " + FORMAT + " with " + sensorCount
                    + " sensors (" + bytes.length + " bytes)");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes, 2, bytes.length - 2);
        MachineState s = new MachineState(sensorCount);
        s.lastTimestamp = b.getLong();
        s.resetTimestamp = b.getLong();
        s.baselineReadings = b.getInt();
        s.readings = b.getInt();
        s.anomaly = b.getDouble();
        s.health = b.getDouble();
        s.status = status(b.get());
        s.pending = status(b.get());
        s.pendingSince = b.getLong();
        s.incidentStart = b.getLong();
        s.incidentSeverity = status(b.get());
        s.trendOrigin = b.getLong();
        s.trendPoints = b.getInt();
        s.s0 = b.getDouble();
        s.st = b.getDouble();
        s.sh = b.getDouble();
        s.stt = b.getDouble();
        s.sth = b.getDouble();
        s.shh = b.getDouble();
        for (int i = 0; i < sensorCount; i++) {
            s.baselineCount[i] = b.getInt();
            s.baselineMean[i] = b.getDouble();
            s.baselineM2[i] = b.getDouble();
            s.fast[i] = b.getDouble();
            s.slow[i] = b.getDouble();
        }
        if (s.status == null) {
            throw new IllegalArgumentException("not a machine state: no status");
        }
        return s;
    }

    private static byte code(HealthStatus status) {
        return status == null ? (byte) -1 : (byte) status.ordinal();
    }

    private static HealthStatus status(byte code) {
        if (code == -1) {
            return null;
        }
        if (code < 0 || code >= HealthStatus.values().length) {
            throw new IllegalArgumentException("not a machine state: status code " + code);
        }
        return HealthStatus.values()[code];
    }
}
