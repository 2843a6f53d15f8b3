package io.github.factorytwin.health;

import io.github.factorytwin.context.OperatingContext;
import io.github.factorytwin.context.Regimes;
import io.github.factorytwin.state.Fields;
import io.github.factorytwin.state.StateFormatException;
import java.util.Arrays;
import java.util.Base64;

/**
 * Everything the engine remembers about one machine: a fixed number of numbers per configured sensor, no history
 * buffers, so its size is bounded (about 150 bytes plus 36 per sensor in binary, and with a load model about 232
 * plus 73 per sensor more, and for the baseline's time trend 16 plus 8 per sensor other than the load and per load lag: {@link
 * #toBytes()} is 734 bytes for temperature, vibration and rpm with the load model;
 * with operating regimes 11 bytes plus, per regime found, 4 + 8 per context field + 20 per sensor, at most {@link
 * #maxRegimes} regimes).
 * Not thread-safe: the caller owns an instance ({@link HealthEngine#fromBytes} makes a fresh one).
 */
public final class MachineState {

    /** The format {@link #toBytes()} writes: {@link #FIELDS}. Formats 3, 4 and 5 are still read. */
    static final byte FORMAT = 6;

    /** Above this squared correlation of load and time over the baseline, the time trend is not fitted. */
    static final double MAX_LOAD_TIME_R2 = 0.9;

    /** The format before the baseline's time trend ({@link #FIELDS_5}: no time sums). */
    static final byte FORMAT_5 = 5;

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
     * The baseline's time trend (only with a load model): over the baseline readings the mean and sum of squared
     * deviations of their event time (seconds since {@link #resetTimestamp}), and its co-moment with every sensor
     * and every filtered load. A drift during the baseline (a warming ambient) then goes to the time term, not into
     * the load gains. Zero in a state read from format 5: the gains are then fitted on the load alone.
     */
    double timeMean;

    double timeM2;

    /**
     * {@link #timeM2} of a state read from a format without time sums (before 6): its baseline's times are unknown,
     * so a baseline still being learned is fitted on the load alone (until it is learned again).
     */
    static final double TIMES_UNKNOWN = -1;

    final double[] timeCo;
    final double[] lagTimeCo;
    /**
     * Derived from the above when the baseline completes (not stored): per sensor the slope on the chosen filtered
     * load and the residual standard deviation.
     */
    final double[] slope;

    final double[] residualSd;

    /**
     * Operating regimes (only with {@link OperatingContext.Model#OPERATING_REGIMES}; {@code maxRegimes} = 0
     * otherwise): the {@link Regimes} found (each one's size and centre in the context fields, found by the shared
     * {@link io.github.factorytwin.context.RegimeFinder}); per regime and sensor ({@code [regime * sensorCount +
     * sensor]}) the Welford count, mean and sum of squared deviations of the readings learned as its normal. The
     * arrays grow with the regimes found, up to {@code maxRegimes}.
     */
    final int contextCount;

    final int maxRegimes;
    /** Bit {@code i} set: sensor {@code i} is also a context field (not a symptom, plain baseline). */
    final long contextSensors;

    /** The regimes found; null without Operating Regimes. */
    final Regimes regimes;

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
        timeCo = new double[lagChoice.length];
        lagTimeCo = new double[lags];
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
        relearnBaseline();
        Arrays.fill(lagLoad, Double.NaN);
        loadPrevious1 = Double.NaN;
        loadPrevious2 = Double.NaN;
        if (regimes != null) {
            regimes.clear();
        }
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
     * Forgets the learned baseline and load model (not the load filters, the anomaly level, the status, the incident
     * or the trend), so that the next Baseline Size readings learn them again.
     */
    void relearnBaseline() {
        baselineReadings = 0;
        Arrays.fill(baselineCount, 0);
        Arrays.fill(baselineMean, 0);
        Arrays.fill(baselineM2, 0);
        Arrays.fill(fast, Double.NaN);
        Arrays.fill(slow, Double.NaN);
        Arrays.fill(lagMean, 0);
        Arrays.fill(lagM2, 0);
        Arrays.fill(lagCo, 0);
        Arrays.fill(lagChoice, (byte) -1);
        timeMean = 0;
        timeM2 = 0;
        Arrays.fill(timeCo, 0);
        Arrays.fill(lagTimeCo, 0);
        deriveLoadModel();
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
            slope[i] = loadSlope(i, k);
            residualSd[i] = Math.max(
                    Math.sqrt(residualSumOfSquares(i, k) / Math.max(1, n - 2)),
                    1e-9 + 1e-4 * Math.abs(baselineMean[i]));
        }
    }

    /**
     * Baseline residual sum of squares of sensor {@code i} fitted on filtered load {@code k} (and on time, when the
     * baseline's times are known and not collinear with the load); NaN if the load is flat.
     */
    double residualSumOfSquares(int i, int k) {
        double sxx = lagM2[k];
        if (!(sxx > 0)) {
            return Double.NaN;
        }
        double sxy = lagCo[i * lags + k];
        double det = timeTrendDeterminant(k);
        if (det > 0) {
            double b = (sxy * timeM2 - timeCo[i] * lagTimeCo[k]) / det;
            double c = (timeCo[i] * sxx - sxy * lagTimeCo[k]) / det;
            return Math.max(0, baselineM2[i] - b * sxy - c * timeCo[i]);
        }
        return Math.max(0, baselineM2[i] - sxy * sxy / sxx);
    }

    /** Sensor {@code i}'s gain on filtered load {@code k}: with the time trend as a second regressor when known. */
    double loadSlope(int i, int k) {
        double sxy = lagCo[i * lags + k];
        double det = timeTrendDeterminant(k);
        if (det > 0) {
            return (sxy * timeM2 - timeCo[i] * lagTimeCo[k]) / det;
        }
        return sxy / lagM2[k];
    }

    /** Sensor {@code i}'s time trend (per second) beside filtered load {@code k}; 0 when not fitted. */
    double timeSlope(int i, int k) {
        double det = timeTrendDeterminant(k);
        return det > 0 ? (timeCo[i] * lagM2[k] - lagCo[i * lags + k] * lagTimeCo[k]) / det : 0;
    }

    /**
     * The determinant of the load-and-time normal equations for filtered load {@code k}; 0 when the time sums are
     * unknown (format 5) or the load moved in step with time (then the two cannot be told apart: the load alone).
     */
    private double timeTrendDeterminant(int k) {
        double sxx = lagM2[k];
        double stt = timeM2;
        if (!(stt > 0 && sxx > 0)) {
            return 0;
        }
        double sxt = lagTimeCo[k];
        double det = sxx * stt - sxt * sxt;
        // load and time correlated (r^2 above 0.9, the load ramped through the baseline): the split between gain and
        // trend would be mostly noise, so the gain is fitted on the load alone
        return det > (1 - MAX_LOAD_TIME_R2) * sxx * stt ? det : 0;
    }

    /** True when the sensor's drift is measured per operating regime (in pooled standard deviations). */
    boolean regimeModelled(int sensor) {
        return maxRegimes > 0 && (contextSensors & (1L << sensor)) == 0;
    }

    /** Gives every regime found (a new one included) its per-sensor statistics, zero for a new one. */
    void growRegimes() {
        int size = regimes.count() * sensorCount;
        if (regimeN.length != size) {
            regimeN = Arrays.copyOf(regimeN, size);
            regimeMean = Arrays.copyOf(regimeMean, size);
            regimeM2 = Arrays.copyOf(regimeM2, size);
        }
    }

    /**
     * Sensor {@code i}'s within-regime standard deviation, pooled over the regimes (each regime's squared
     * deviations from its own mean over the degrees of freedom left); NaN with fewer than 2 degrees of freedom.
     */
    double pooledSd(int i) {
        double m2 = 0;
        int dof = 0;
        for (int r = 0; r < regimeCount(); r++) {
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
        for (int r = 0; r < regimeCount(); r++) {
            dof += Math.max(0, regimeN[r * sensorCount + i] - 1);
        }
        return dof;
    }

    /** Regimes found so far. */
    public int regimeCount() {
        return regimes == null ? 0 : regimes.count();
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

    /**
     * The text form the former versions kept in NiFi's local state (Base64 of {@link #toBytes()}); read back by
     * {@link #decode} when their state is migrated.
     */
    public String encode() {
        return ENCODER.encodeToString(toBytes());
    }

    /** The binary form of {@link #FIELDS}: what the state store keeps in memory and on disk. */
    public byte[] toBytes() {
        return FIELDS.toBytes(this);
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
     * Parses {@link #toBytes()}'s output of a state with these dimensions, or a state of format 5 ({@link #FIELDS_5})
     * or of formats 3 and 4 (see {@link LegacyMachineStates}), written before format {@value #FORMAT}.
     *
     * @throws IllegalArgumentException when the bytes are not a state of these dimensions
     */
    public static MachineState fromBytes(
            byte[] bytes,
            int sensorCount,
            int lags,
            int loadIndex,
            int contextCount,
            int maxRegimes,
            long contextSensors) {
        if (LegacyMachineStates.isLegacy(bytes)) {
            MachineState legacy = LegacyMachineStates.read(
                    bytes, sensorCount, lags, loadIndex, contextCount, maxRegimes, contextSensors);
            legacy.timeM2 = TIMES_UNKNOWN;
            return legacy;
        }
        MachineState s = new MachineState(sensorCount, lags, loadIndex, contextCount, maxRegimes, contextSensors);
        boolean format5 = bytes.length > 0 && bytes[0] == FORMAT_5;
        try {
            (format5 ? FIELDS_5 : FIELDS).read(bytes, 0, s);
        } catch (StateFormatException e) {
            throw new IllegalArgumentException(
                    "not a machine state of format " + (format5 ? FORMAT_5 : FORMAT) + " with " + sensorCount
                            + " sensors, " + lags + " load lags and " + maxRegimes + " regimes: " + e.getMessage(),
                    e);
        }
        if (format5) {
            s.timeM2 = TIMES_UNKNOWN;
        }
        for (byte choice : s.lagChoice) {
            if (choice < -1 || choice >= lags) {
                throw new IllegalArgumentException("not a machine state: lag " + choice);
            }
        }
        s.deriveLoadModel();
        return s;
    }

    /** Sizes the regime arrays for {@code count} regimes (reading a state: at most {@code maxRegimes}). */
    private void regimes(int count) {
        if (count < 0 || count > maxRegimes) {
            throw new IllegalArgumentException(count + " regimes, at most " + maxRegimes);
        }
        regimes.resize(count);
        regimeN = new int[count * sensorCount];
        regimeMean = new double[count * sensorCount];
        regimeM2 = new double[count * sensorCount];
    }

    static byte code(HealthStatus status) {
        return status == null ? (byte) -1 : (byte) status.ordinal();
    }

    static HealthStatus status(int code) {
        if (code == -1) {
            return null;
        }
        if (code < 0 || code >= HealthStatus.values().length) {
            throw new IllegalArgumentException("not a machine state: status code " + code);
        }
        return HealthStatus.values()[code];
    }

    /** The load model's fields (only with load lags); the load sensor's own co-moments are not kept. */
    private static final Fields<MachineState> LOAD_MODEL = Fields.<MachineState>builder()
            .float64("loadPrevious1", s -> s.loadPrevious1, (s, v) -> s.loadPrevious1 = v)
            .float64("loadPrevious2", s -> s.loadPrevious2, (s, v) -> s.loadPrevious2 = v)
            .float64s("lagLoad", s -> s.lagLoad)
            .float64s("lagMean", s -> s.lagMean)
            .float64s("lagM2", s -> s.lagM2)
            .float64s("lagCo", s -> s.lagCo, (s, j) -> j / s.lags != s.loadIndex)
            .int8s("lagChoice", s -> s.lagChoice)
            .build();

    /** The baseline's time trend (format 6 on, only with load lags). */
    private static final Fields<MachineState> TIME_TREND = Fields.<MachineState>builder()
            .float64("timeMean", s -> s.timeMean, (s, v) -> s.timeMean = v)
            .float64("timeM2", s -> s.timeM2, (s, v) -> s.timeM2 = v)
            .float64s("timeCo", s -> s.timeCo, (s, j) -> j != s.loadIndex)
            .float64s("lagTimeCo", s -> s.lagTimeCo)
            .build();

    /** The operating regimes (only with Operating Regimes): the settings they were found with, then the regimes. */
    private static final Fields<MachineState> REGIMES = Fields.<MachineState>builder()
            .expect8("contextCount", s -> s.contextCount)
            .expect8("maxRegimes", s -> s.maxRegimes)
            .expect64("contextSensors", s -> s.contextSensors)
            .int8("regimeCount", s -> s.regimes.count(), MachineState::regimes)
            .int32s("regimeSize", s -> s.regimes.sizes())
            .float64s("regimeCentre", s -> s.regimes.centres())
            .int32s("regimeN", s -> s.regimeN)
            .float64s("regimeMean", s -> s.regimeMean)
            .float64s("regimeM2", s -> s.regimeM2)
            .build();

    /**
     * The machine's scalar fields: stored in this order, as one block, by every format (3 and 4 as well as
     * {@value #FORMAT}).
     */
    static final Fields<MachineState> SCALARS = Fields.<MachineState>builder()
            .int64("lastTimestamp", s -> s.lastTimestamp, (s, v) -> s.lastTimestamp = v)
            .int64("resetTimestamp", s -> s.resetTimestamp, (s, v) -> s.resetTimestamp = v)
            .int32("baselineReadings", s -> s.baselineReadings, (s, v) -> s.baselineReadings = v)
            .int32("readings", s -> s.readings, (s, v) -> s.readings = v)
            .float64("anomaly", s -> s.anomaly, (s, v) -> s.anomaly = v)
            .int32("anomalyCount", s -> s.anomalyCount, (s, v) -> s.anomalyCount = v)
            .float64("anomalyMean", s -> s.anomalyMean, (s, v) -> s.anomalyMean = v)
            .float64("anomalyM2", s -> s.anomalyM2, (s, v) -> s.anomalyM2 = v)
            .float64("health", s -> s.health, (s, v) -> s.health = v)
            .int8("status", s -> code(s.status), (s, v) -> s.status = requireStatus(v))
            .int8("pending", s -> code(s.pending), (s, v) -> s.pending = status(v))
            .int64("pendingSince", s -> s.pendingSince, (s, v) -> s.pendingSince = v)
            .int64("incidentStart", s -> s.incidentStart, (s, v) -> s.incidentStart = v)
            .int8("incidentSeverity", s -> code(s.incidentSeverity), (s, v) -> s.incidentSeverity = status(v))
            .int64("trendOrigin", s -> s.trendOrigin, (s, v) -> s.trendOrigin = v)
            .int32("trendPoints", s -> s.trendPoints, (s, v) -> s.trendPoints = v)
            .float64("s0", s -> s.s0, (s, v) -> s.s0 = v)
            .float64("st", s -> s.st, (s, v) -> s.st = v)
            .float64("sh", s -> s.sh, (s, v) -> s.sh = v)
            .float64("stt", s -> s.stt, (s, v) -> s.stt = v)
            .float64("sth", s -> s.sth, (s, v) -> s.sth = v)
            .float64("shh", s -> s.shh, (s, v) -> s.shh = v)
            .build();

    /**
     * Every stored field, listed once ({@link Fields}): dimensions first (checked against the engine's on reading),
     * then the values; derived fields ({@link #slope}, {@link #residualSd}) are computed again after reading.
     */
    static final Fields<MachineState> FIELDS = fields(FORMAT, true);

    /** Format 5, read only: the same without the time trend. */
    static final Fields<MachineState> FIELDS_5 = fields(FORMAT_5, false);

    private static Fields<MachineState> fields(byte format, boolean timeTrend) {
        Fields.Builder<MachineState> fields = Fields.<MachineState>builder()
                .expect8("format", s -> format)
                .expect8("sensorCount", s -> s.sensorCount)
                .expect8("lags", s -> s.lags)
                .expect8("loadIndex", s -> s.loadIndex)
                .include(SCALARS)
                .int32s("baselineCount", s -> s.baselineCount)
                .float64s("baselineMean", s -> s.baselineMean)
                .float64s("baselineM2", s -> s.baselineM2)
                .float64s("fast", s -> s.fast)
                .float64s("slow", s -> s.slow)
                .when("load model", s -> s.lags > 0, LOAD_MODEL);
        if (timeTrend) {
            fields = fields.when("time trend", s -> s.lags > 0, TIME_TREND);
        }
        return fields.when("regimes", s -> s.maxRegimes > 0, REGIMES).build();
    }

    private static HealthStatus requireStatus(int code) {
        HealthStatus status = status(code);
        if (status == null) {
            throw new IllegalArgumentException("no status");
        }
        return status;
    }
}
