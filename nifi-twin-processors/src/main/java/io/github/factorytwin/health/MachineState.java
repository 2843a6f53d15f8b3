package io.github.factorytwin.health;

import io.github.factorytwin.context.OperatingContext;
import io.github.factorytwin.context.Regimes;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Base64;

/**
 * Everything the engine remembers about one machine: a fixed number of numbers per configured sensor, no history
 * buffers, so its size is bounded (about 150 bytes plus 36 per sensor in binary, and with a load model about 232
 * plus 73 per sensor more: {@link #toBytes()} is 630 bytes for temperature, vibration and rpm with the load model;
 * with operating regimes 11 bytes plus, per regime found, 4 + 8 per context field + 20 per sensor, at most {@link
 * #maxRegimes} regimes).
 * Not thread-safe: the caller owns an instance ({@link HealthEngine#fromBytes} makes a fresh one).
 */
public final class MachineState {

    /** The format of a state without regimes (unchanged since the load model was added). */
    static final byte FORMAT = 3;
    /** The format of a state with operating regimes: format 3's fields followed by the regimes. */
    static final byte REGIME_FORMAT = 4;

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
    /**
     * The machine's normal anomaly-score level: Welford count, mean and sum of squared deviations of the raw scores
     * of its first Baseline Size scored readings (since creation or the last maintenance).
     */
    int anomalyCount;

    double anomalyMean;
    double anomalyM2;

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

    /**
     * Load-aware baseline (only with a load sensor; {@code lags} = 0 otherwise): the load filtered with each
     * candidate time constant, and over the baseline readings each filtered load's mean and sum of squared
     * deviations, and its co-moment with every sensor ({@code lagCo[sensor * lags + lag]}). {@code lagChoice}:
     * per sensor the lag its residual is measured against, -1 for a plain mean/std baseline.
     */
    final int lags;
    /** The load sensor's index (its own co-moments are not kept), -1 without a load. */
    final int loadIndex;

    final double[] lagLoad;
    /** The last two raw load values (NaN when unknown), for the median-of-three spike filter. */
    double loadPrevious1 = Double.NaN;

    double loadPrevious2 = Double.NaN;
    final double[] lagMean;
    final double[] lagM2;
    final double[] lagCo;
    final byte[] lagChoice;
    /**
     * Derived from the above when the baseline completes (not stored): per sensor the slope on the chosen filtered
     * load and the residual standard deviation.
     */
    final double[] slope;

    final double[] residualSd;

    /**
     * Operating regimes (only with {@link OperatingContext.Model#OPERATING_REGIMES}; {@code maxRegimes} = 0
     * otherwise): the regimes found ({@link Regimes}: size and centre of each); per regime and sensor ({@code [regime * sensorCount +
     * sensor]}) the Welford count, mean and sum of squared deviations of the readings learned as its normal. The
     * arrays grow with the regimes found, up to {@code maxRegimes}.
     */
    final int contextCount;

    final int maxRegimes;
    /** Bit {@code i} set: sensor {@code i} is also a context field (not a symptom, plain baseline). */
    final long contextSensors;

    /** The regimes found; null without {@link OperatingContext.Model#OPERATING_REGIMES}. */
    final Regimes regimes;
    /** Regimes the per-sensor arrays below have room for ({@link #regimes}' count once {@link #fitRegimes} ran). */
    int regimeCount;

    int[] regimeN = new int[0];
    double[] regimeMean = new double[0];
    double[] regimeM2 = new double[0];

    public MachineState(int sensorCount, int lags, int loadIndex) {
        this(sensorCount, lags, loadIndex, 0, 0, 0L);
    }

    /** A state with room for up to {@code maxRegimes} regimes of {@code contextCount} context fields. */
    public MachineState(
            int sensorCount, int lags, int loadIndex, int contextCount, int maxRegimes, long contextSensors) {
        if ((maxRegimes > 0) && (lags > 0 || contextCount < 1 || maxRegimes > OperatingContext.REGIME_LIMIT)) {
            throw new IllegalArgumentException("regimes need context fields and no load lags");
        }
        this.contextCount = maxRegimes > 0 ? contextCount : 0;
        this.maxRegimes = maxRegimes;
        this.contextSensors = maxRegimes > 0 ? contextSensors : 0L;
        this.regimes = maxRegimes > 0 ? new Regimes(contextCount) : null;
        if ((lags == 0) != (loadIndex < 0) || loadIndex >= sensorCount) {
            throw new IllegalArgumentException("load lags need a load sensor");
        }
        this.sensorCount = sensorCount;
        this.lags = lags;
        this.loadIndex = loadIndex;
        baselineCount = new int[sensorCount];
        baselineMean = new double[sensorCount];
        baselineM2 = new double[sensorCount];
        fast = new double[sensorCount];
        slow = new double[sensorCount];
        Arrays.fill(fast, Double.NaN);
        Arrays.fill(slow, Double.NaN);
        lagLoad = new double[lags];
        lagMean = new double[lags];
        lagM2 = new double[lags];
        lagCo = new double[lags * sensorCount];
        lagChoice = new byte[lags == 0 ? 0 : sensorCount];
        slope = new double[lagChoice.length];
        residualSd = new double[lagChoice.length];
        Arrays.fill(lagLoad, Double.NaN);
        Arrays.fill(lagChoice, (byte) -1);
    }

    /**
     * Forgets everything learned about the machine (after maintenance): baseline, load model, smoothed values,
     * anomaly level, health, status, incident and trend, as if it were first seen at {@code now}.
     */
    void startAfresh(long now) {
        baselineReadings = 0;
        Arrays.fill(baselineCount, 0);
        Arrays.fill(baselineMean, 0);
        Arrays.fill(baselineM2, 0);
        Arrays.fill(fast, Double.NaN);
        Arrays.fill(slow, Double.NaN);
        Arrays.fill(lagLoad, Double.NaN);
        loadPrevious1 = Double.NaN;
        loadPrevious2 = Double.NaN;
        Arrays.fill(lagMean, 0);
        Arrays.fill(lagM2, 0);
        Arrays.fill(lagCo, 0);
        Arrays.fill(lagChoice, (byte) -1);
        deriveLoadModel();
        if (regimes != null) {
            regimes.clear();
        }
        regimeCount = 0;
        regimeN = new int[0];
        regimeMean = new double[0];
        regimeM2 = new double[0];
        readings = 0;
        resetTimestamp = now;
        anomaly = Double.NaN;
        anomalyCount = 0;
        anomalyMean = 0;
        anomalyM2 = 0;
        health = 100;
        status = HealthStatus.HEALTHY;
        pending = null;
        incidentSeverity = null;
        incidentStart = 0;
        trendOrigin = now;
        trendPoints = 0;
        s0 = st = sh = stt = sth = shh = 0;
    }

    /**
     * Computes {@link #slope} and {@link #residualSd} from the baseline sums for the chosen lags: least squares of
     * the sensor on its filtered load, {@code slope = co-moment / load M2}, residual variance {@code (M2 - co *
     * slope) / (n - 2)}.
     */
    void deriveLoadModel() {
        for (int i = 0; i < lagChoice.length; i++) {
            int k = lagChoice[i];
            slope[i] = 0;
            residualSd[i] = 0;
            if (k < 0) {
                continue;
            }
            int n = baselineCount[i];
            slope[i] = lagCo[i * lags + k] / lagM2[k];
            residualSd[i] = Math.max(
                    Math.sqrt(residualSumOfSquares(i, k) / Math.max(1, n - 2)),
                    1e-9 + 1e-4 * Math.abs(baselineMean[i]));
        }
    }

    /** Baseline residual sum of squares of sensor {@code i} fitted on filtered load {@code k}; NaN if it is flat. */
    double residualSumOfSquares(int i, int k) {
        double sxx = lagM2[k];
        if (!(sxx > 0)) {
            return Double.NaN;
        }
        double sxy = lagCo[i * lags + k];
        return Math.max(0, baselineM2[i] - sxy * sxy / sxx);
    }

    /** True when the sensor's drift is measured per operating regime (in pooled standard deviations). */
    boolean regimeModelled(int sensor) {
        return maxRegimes > 0 && (contextSensors & (1L << sensor)) == 0;
    }

    /** Grows the per-regime sensor arrays to the regimes found (after a new one opened). */
    void fitRegimes() {
        if (regimes.count() != regimeCount) {
            regimeCount = regimes.count();
            regimeN = Arrays.copyOf(regimeN, regimeCount * sensorCount);
            regimeMean = Arrays.copyOf(regimeMean, regimeCount * sensorCount);
            regimeM2 = Arrays.copyOf(regimeM2, regimeCount * sensorCount);
        }
    }

    /**
     * Sensor {@code i}'s within-regime standard deviation, pooled over the regimes (each regime's squared
     * deviations from its own mean over the degrees of freedom left); NaN with fewer than 2 degrees of freedom.
     */
    double pooledSd(int i) {
        double m2 = 0;
        int dof = 0;
        for (int r = 0; r < regimeCount; r++) {
            int n = regimeN[r * sensorCount + i];
            if (n > 1) {
                m2 += regimeM2[r * sensorCount + i];
                dof += n - 1;
            }
        }
        return dof < 2 ? Double.NaN : Math.sqrt(m2 / dof);
    }

    /** Degrees of freedom of {@link #pooledSd}. */
    int pooledDof(int i) {
        int dof = 0;
        for (int r = 0; r < regimeCount; r++) {
            dof += Math.max(0, regimeN[r * sensorCount + i] - 1);
        }
        return dof;
    }

    /** Regimes found so far. */
    public int regimeCount() {
        return regimeCount;
    }

    /** True when the sensor's drift is measured as a residual from its load model. */
    boolean loadModelled(int sensor) {
        return lags > 0 && lagChoice[sensor] >= 0;
    }

    public boolean isNew() {
        return lastTimestamp == Long.MIN_VALUE;
    }

    public long lastTimestamp() {
        return lastTimestamp;
    }

    public int readings() {
        return readings;
    }

    private int regimeBytes() {
        return maxRegimes == 0 ? 0 : 1 + 1 + 1 + 8 + regimeCount * (4 + contextCount * 8 + sensorCount * (4 + 2 * 8));
    }

    private static int size(int sensors, int lags) {
        int load = lags == 0 ? 0 : 2 * 8 + lags * 3 * 8 + (sensors - 1) * lags * 8 + sensors;
        return 1
                + 1
                + 1
                + 1
                + load
                + 8
                + 8
                + 4
                + 4
                + 8
                + 4
                + 8
                + 8
                + 8
                + 1
                + 1
                + 8
                + 8
                + 1
                + 8
                + 4
                + 6 * 8
                + sensors * (4 + 4 * 8);
    }

    /**
     * The text form the former versions kept in NiFi's local state (Base64 of {@link #toBytes()}); read back by
     * {@link #decode} when their state is migrated.
     */
    public String encode() {
        return ENCODER.encodeToString(toBytes());
    }

    /** A fixed binary layout, versioned: what the state store keeps in memory and on disk. */
    public byte[] toBytes() {
        ByteBuffer b = ByteBuffer.allocate(size(sensorCount, lags) + regimeBytes());
        b.put(maxRegimes == 0 ? FORMAT : REGIME_FORMAT)
                .put((byte) sensorCount)
                .put((byte) lags)
                .put((byte) loadIndex);
        b.putLong(lastTimestamp)
                .putLong(resetTimestamp)
                .putInt(baselineReadings)
                .putInt(readings);
        b.putDouble(anomaly).putInt(anomalyCount).putDouble(anomalyMean).putDouble(anomalyM2);
        b.putDouble(health);
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
        if (lags > 0) {
            b.putDouble(loadPrevious1).putDouble(loadPrevious2);
        }
        for (int k = 0; k < lags; k++) {
            b.putDouble(lagLoad[k]).putDouble(lagMean[k]).putDouble(lagM2[k]);
        }
        for (int j = 0; j < lagCo.length; j++) {
            if (j / Math.max(1, lags) != loadIndex) {
                b.putDouble(lagCo[j]);
            }
        }
        b.put(lagChoice);
        if (maxRegimes > 0) {
            b.put((byte) contextCount).put((byte) maxRegimes).put((byte) regimeCount);
            b.putLong(contextSensors);
            for (int r = 0; r < regimeCount; r++) {
                b.putInt(regimes.size(r));
                for (int f = 0; f < contextCount; f++) {
                    b.putDouble(regimes.centre(r, f));
                }
                for (int i = r * sensorCount; i < (r + 1) * sensorCount; i++) {
                    b.putInt(regimeN[i]).putDouble(regimeMean[i]).putDouble(regimeM2[i]);
                }
            }
        }
        return b.array();
    }

    /**
     * Parses {@link #encode()}'s output.
     *
     * @throws IllegalArgumentException when the text is not a state of this format with {@code sensorCount} sensors
     *     (and no load model)
     */
    public static MachineState decode(String text, int sensorCount) {
        return decode(text, sensorCount, 0, -1);
    }

    /**
     * Parses {@link #encode()}'s output of a state with {@code lags} load-model lags and load sensor {@code
     * loadIndex} ({@link HealthEngine#decode} passes the engine's).
     *
     * @throws IllegalArgumentException when the text is not a state of this format with these dimensions
     */
    public static MachineState decode(String text, int sensorCount, int lags, int loadIndex) {
        return fromBytes(decodeText(text), sensorCount, lags, loadIndex);
    }

    /** The bytes of {@link #encode()}'s text. */
    static byte[] decodeText(String text) {
        try {
            return DECODER.decode(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a machine state: " + e.getMessage(), e);
        }
    }

    /**
     * Parses {@link #toBytes()}'s output of a state with these dimensions.
     *
     * @throws IllegalArgumentException when the bytes are not a state of this format with these dimensions
     */
    public static MachineState fromBytes(byte[] bytes, int sensorCount, int lags, int loadIndex) {
        return fromBytes(bytes, sensorCount, lags, loadIndex, 0, 0, 0L);
    }

    /**
     * Parses {@link #toBytes()}'s output of a state with these dimensions: format {@value #FORMAT} when {@code
     * maxRegimes} is 0, else format {@value #REGIME_FORMAT} with these context dimensions.
     *
     * @throws IllegalArgumentException when the bytes are not a state of that format with these dimensions
     */
    public static MachineState fromBytes(
            byte[] bytes,
            int sensorCount,
            int lags,
            int loadIndex,
            int contextCount,
            int maxRegimes,
            long contextSensors) {
        int fixed = size(sensorCount, lags);
        byte format = maxRegimes == 0 ? FORMAT : REGIME_FORMAT;
        if (bytes.length < fixed
                || (maxRegimes == 0 && bytes.length != fixed)
                || bytes[0] != format
                || bytes[1] != sensorCount
                || bytes[2] != lags
                || bytes[3] != loadIndex) {
            throw new IllegalArgumentException("not a machine state of format " + format + " with " + sensorCount
                    + " sensors and " + lags + " load lags (" + bytes.length + " bytes)");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes, 4, bytes.length - 4);
        MachineState s = new MachineState(sensorCount, lags, loadIndex, contextCount, maxRegimes, contextSensors);
        s.lastTimestamp = b.getLong();
        s.resetTimestamp = b.getLong();
        s.baselineReadings = b.getInt();
        s.readings = b.getInt();
        s.anomaly = b.getDouble();
        s.anomalyCount = b.getInt();
        s.anomalyMean = b.getDouble();
        s.anomalyM2 = b.getDouble();
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
        if (lags > 0) {
            s.loadPrevious1 = b.getDouble();
            s.loadPrevious2 = b.getDouble();
        }
        for (int k = 0; k < lags; k++) {
            s.lagLoad[k] = b.getDouble();
            s.lagMean[k] = b.getDouble();
            s.lagM2[k] = b.getDouble();
        }
        for (int j = 0; j < s.lagCo.length; j++) {
            if (j / Math.max(1, lags) != loadIndex) {
                s.lagCo[j] = b.getDouble();
            }
        }
        b.get(s.lagChoice);
        for (byte choice : s.lagChoice) {
            if (choice < -1 || choice >= lags) {
                throw new IllegalArgumentException("not a machine state: lag " + choice);
            }
        }
        s.deriveLoadModel();
        if (maxRegimes > 0) {
            readRegimes(b, s);
        }
        if (s.status == null) {
            throw new IllegalArgumentException("not a machine state: no status");
        }
        return s;
    }

    private static void readRegimes(ByteBuffer b, MachineState s) {
        try {
            int contexts = b.get();
            int max = b.get();
            int count = b.get();
            long mask = b.getLong();
            if (contexts != s.contextCount || max != s.maxRegimes || mask != s.contextSensors) {
                throw new IllegalArgumentException("not a machine state of these operating context settings");
            }
            if (count < 0 || count > max || b.remaining() != s.copyRegimeSize(count)) {
                throw new IllegalArgumentException("not a machine state: " + count + " regimes");
            }
            double[] centre = new double[s.contextCount];
            for (int r = 0; r < count; r++) {
                int size = b.getInt();
                for (int f = 0; f < centre.length; f++) {
                    centre[f] = b.getDouble();
                }
                if (size < 0) {
                    throw new IllegalArgumentException("not a machine state: a regime of " + size + " readings");
                }
                s.regimes.add(centre, size);
                s.fitRegimes();
                for (int i = r * s.sensorCount; i < (r + 1) * s.sensorCount; i++) {
                    s.regimeN[i] = b.getInt();
                    s.regimeMean[i] = b.getDouble();
                    s.regimeM2[i] = b.getDouble();
                }
            }
        } catch (java.nio.BufferUnderflowException e) {
            throw new IllegalArgumentException("not a machine state: the regimes are cut short", e);
        }
    }

    private int copyRegimeSize(int count) {
        return count * (4 + contextCount * 8 + sensorCount * (4 + 2 * 8));
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
