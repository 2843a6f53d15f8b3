package io.github.factorytwin.health;

import io.github.factorytwin.context.OperatingContext;
import io.github.factorytwin.context.RegimeFinder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * ComputeHealthScore's engine, without NiFi: one entry point, {@link Batch#process}, takes a {@link ScoredReading}
 * and returns its complete {@link HealthAssessment} (health, status, time to maintenance, alerts, reason). The
 * processor maps record fields to a {@link ScoredReading} and the assessment back to fields; the simulator
 * evaluation drives the same entry point.
 *
 * <p><b>One state per machine.</b> Everything the engine remembers about a machine is one {@link MachineState} in
 * one registry, {@link #machines()} ({@link MachineStates}: at most a maximum of machines, the least recently seen
 * evicted, and with {@link #open} in a State Directory). A {@link Batch} (one per FlowFile) works on private copies
 * of the machines it touches and publishes them in one {@link Batch#commit()}; a batch that is abandoned leaves no
 * trace. One batch at a time. {@link #update} is the step on one machine's state that {@link Batch#process} takes,
 * for replays that read the state itself.
 *
 * <h2>Health</h2>
 *
 * <ul>
 *   <li>Baseline: the first {@code baselineSize} readings of a machine learn, per sensor, mean and standard
 *       deviation (Welford). From the 10th value on a value is clipped to mean ± 6 standard deviations before it
 *       is learned, so a spike in the learning window cannot inflate the baseline.
 *   <li>Load (when {@link HealthConfig#loadSensor()} is set, the processor's {@code rpm}): not a drift symptom
 *       itself; every other sensor's baseline is a least-squares line on the load passed through a first-order
 *       filter, the time constant chosen per sensor from {@link #LOAD_LAG_SECONDS} by the smallest residual
 *       variance over the baseline (running sums: means, M2s and co-moments, no buffers). Such a sensor's drift is
 *       measured on its residual, against the residual standard deviation widened by {@link #GAIN_TOLERANCE} of
 *       the load effect. The load enters the filters through a median of three (one-reading spikes removed).
 *       The fit has event time as a second regressor (unless load and time moved together, r^2 above {@link
 *       MachineState#MAX_LOAD_TIME_R2}): a drift during the baseline, such as a warming ambient, goes to the time
 *       term, not into the load gains, and the baseline's level is taken as of its end. A HEALTHY machine whose
 *       load leaves the loads its baseline saw by more than {@link #CLIP_SIGMAS} of their standard deviations
 *       learns its baseline again ({@link #leftBaselineLoads}): the load model would only extrapolate there.
 *   <li>Operating regimes (when {@link OperatingContext#model()} is {@link
 *       OperatingContext.Model#OPERATING_REGIMES}): each reading joins the regime whose centre (running mean of
 *       the context fields of its readings) is nearest in {@link RegimeFinder#distance}; farther than {@link
 *       OperatingContext#regimeDistance()} from all, it opens a new one while fewer than {@link
 *       OperatingContext#maxRegimes()} exist (then it joins the nearest). Every sensor that is not a context
 *       field learns a mean per regime (Welford) over the machine's baseline, and a regime first seen later over
 *       its first {@link #regimeBaseline} readings; its standard deviation is pooled over the regimes (within-regime
 *       spread, with many more degrees of freedom than one regime has). Such a sensor's smoothed value is that of
 *       {@code (value - regime mean) / pooled std}: a change of regime moves the raw value, not this one, while
 *       drift within a regime does. A reading whose context is incomplete, or that is still learned as its new
 *       regime's normal, leaves the smoothed values as they are.
 *   <li>Following slow, benign change ({@link BaselineFollowing}, {@link HealthConfig#following()}): once learned,
 *       a sensor's baseline mean (for a load-following sensor, the intercept of its load line) follows the part of
 *       its smoothed deviation the fleet shares (the median deviation of the machines this engine saw lately,
 *       {@link FleetDrift}, fed by each {@link Batch#commit}), and, more slowly, its own deviation while the machine is
 *       HEALTHY, its anomaly term costs nothing and that deviation is within the following limit: a seasonal
 *       ambient temperature is followed, while a developing fault is measured against the baseline it left (a
 *       fault is not learned away). Regime means (Operating Regimes) do not follow.
 *   <li>Drift per sensor: {@code z = |EWMA(value) - baseline mean| / baseline std} (EWMA weight {@code fastAlpha});
 *       penalty {@code clamp((z - driftFreeSigmas) / driftSpanSigmas, 0, 1)}. Smoothing first means one spike
 *       moves the EWMA by only {@code fastAlpha} of its size, and a value enters the EWMA clipped to the current
 *       EWMA ± 6 baseline standard deviations, so even a huge single spike moves it by at most 0.6 sigma.
 *   <li>Anomaly: the machine's own normal score level is learned over its first {@code baselineSize} scored
 *       readings (mean and standard deviation of the raw scores); then only the excess of {@code
 *       EWMA(anomaly_score)} (weight {@code anomalyAlpha}) over {@code max(anomalyFloor, mean + 3 std)} costs
 *       health, see {@link #anomalyPenalty}. An
 *       Isolation Forest's scores of normal readings sit anywhere from 0.4 to 1 depending on the model's scope
 *       and the machine, so a fixed floor would take health from healthy machines.
 *   <li>{@code health = 100 * (1 - a) * (1 - dmax)}: either source alone can take health to 0; the reason is the
 *       larger of the two (the anomaly score or the most drifted sensor).
 * </ul>
 *
 * <h2>Status</h2>
 *
 * Entering a worse status needs health below its threshold; leaving it needs health at least {@code hysteresis}
 * points above that threshold. A change takes effect only when the new status has been asked for continuously
 * for {@code minDwellMillis} of event time (the clock restarts when the direction of the change flips); leaving
 * HEALTHY, which raises an alert, for {@link HealthConfig#raiseMillis()} (the alert confirmation time).
 *
 * <h2>Time to maintenance</h2>
 *
 * Without a {@link RulModel}: exponentially weighted least squares of health against event time (effective
 * window {@code trendWindow} readings) extrapolated to the critical threshold; 0 when the fitted health is already
 * at or below it; null while the baseline is learned, with fewer than {@code trendWindow / 4} (at least 10) points,
 * when the slope is not negative with a t-statistic below -3, or when the fitted decline over the window is under
 * 2 health points. With a {@link RulModel}: the model's prediction from {@link RulFeatures} of the state (in the
 * model's layout), past its cap from {@link LifeBeyondCap} when the model carries one.
 *
 * <p>A RUL model that carries a {@link FleetNormalisation} normalises every reading's sensors by the fleet's regime
 * (nearest in the context fields) before anything above sees them; the machine's own regimes are then not learned.
 */
public final class HealthEngine {

    private static final int ROBUST_AFTER = 10;
    private static final double CLIP_SIGMAS = 6;
    private static final double SPIKE_SIGMAS = 6;
    private static final double MIN_T_STAT = -3;
    private static final double MIN_DECLINE = 2;
    /** Standard deviations (of the normal raw scores) above their mean that the smoothed score may rise for free. */
    static final double ANOMALY_LEVEL_SIGMAS = 3;
    /** Least span (score units) over which the anomaly penalty may grow; below it the anomaly term is off. */
    static final double MIN_ANOMALY_HEADROOM = 0.05;

    /**
     * Candidate time constants (seconds) of the first-order filter through which a sensor follows the load: 0 for
     * a sensor that follows at once (vibration follows the speed), longer ones for thermal inertia (temperature).
     * Each sensor takes the one whose least-squares fit over the baseline leaves the smallest residual variance.
     */
    static final double[] LOAD_LAG_SECONDS = {0, 30, 60, 120, 180, 240, 300, 420, 600};

    private static final double MIN_LOAD_CV = 1e-3;
    private static final double INSTANT_PREFERENCE = 0.75;
    static final double GAIN_TOLERANCE = 0.1;

    /** Least readings a regime first seen after the baseline learns as its normal. */
    static final int MIN_REGIME_BASELINE = 3;

    private final HealthConfig config;
    private final RulModel rulModel;
    /** The registry of committed machine states: in memory and unbounded unless {@link #open}ed on a directory. */
    private MachineStates machines;
    /** The RUL model's fleet normalisation applied to every reading first; null when it has none. */
    private final FleetNormalisation normalisation;
    /** The fleet's recent deviations, when baselines follow what the fleet shares; null otherwise. */
    private final FleetDrift fleet;

    private final BaselineFollowing following;

    private final int contextCount;
    private final int maxRegimes;
    private final long contextSensors;
    /** Finds the machine's own regimes (Operating Regimes without a fleet normalisation); null otherwise. */
    private final RegimeFinder regimeFinder;
    /** Readings a regime first seen after the baseline learns as its normal. */
    private final int regimeBaseline;

    private final double lambda;
    private final int minTrendPoints;
    private final int loadIndex;
    private final int lags;
    /** The load filter weights for the last time step seen, per lag (replaced, never mutated: thread-safe). */
    private volatile LagWeights lagWeights = new LagWeights(-1, new double[0]);

    private record LagWeights(double dtSeconds, double[] alpha) {}

    public HealthEngine(HealthConfig config, RulModel rulModel) {
        this.config = config;
        this.rulModel = rulModel;
        this.lambda = 1.0 - 1.0 / config.trendWindow();
        this.minTrendPoints = Math.max(10, config.trendWindow() / 4);
        this.following = config.following();
        this.fleet =
                following.followsFleet() ? new FleetDrift(config.sensors().size(), FleetDrift.DEFAULT_CAPACITY) : null;
        this.loadIndex = config.loadIndex();
        this.lags = loadIndex >= 0 ? LOAD_LAG_SECONDS.length : 0;
        OperatingContext context = config.context();
        // A RUL model that normalises readings by the fleet's regimes takes the context over: the sensors reach the
        // engine already free of the operating condition, so the machine's own regimes would only add noise.
        this.normalisation = rulModel == null ? null : rulModel.normalisation();
        if (normalisation != null && !normalisation.contextFields().equals(context.fields())) {
            throw new IllegalArgumentException("The RUL model normalises by operating context fields "
                    + normalisation.contextFields() + " but the configured ones are " + context.fields());
        }
        if (context.regimesModelled()) {
            long mask = 0;
            for (int i = 0; i < config.sensors().size(); i++) {
                if (context.fields().contains(config.sensors().get(i))) {
                    mask |= 1L << i;
                }
            }
            contextSensors = mask;
        } else {
            contextSensors = 0;
        }
        boolean ownRegimes = context.regimesModelled() && normalisation == null;
        contextCount = ownRegimes ? context.fields().size() : 0;
        maxRegimes = ownRegimes ? context.maxRegimes() : 0;
        this.regimeFinder = maxRegimes > 0 ? new RegimeFinder(context) : null;
        this.regimeBaseline = Math.max(MIN_REGIME_BASELINE, config.baselineSize() / Math.max(1, maxRegimes));
        if (rulModel != null && !rulModel.sensors().equals(config.sensors())) {
            throw new IllegalArgumentException("The RUL model was trained on sensors " + rulModel.sensors()
                    + " but the configured sensors are " + config.sensors());
        }
        this.machines =
                new MachineStates(this, HealthStateStore.inMemory(Integer.MAX_VALUE), (machineId, reason) -> {});
    }

    /**
     * An engine whose machine states live in {@code directory} (loaded now; see {@link HealthStateStore}) as well as
     * in memory, at most {@code maxMachines} of them. {@code token} names the life of the state: files of another
     * token are not loaded. {@code unreadableState} is told a machine's id and the reason when its committed state
     * cannot be read (it starts afresh).
     */
    public static HealthEngine open(
            HealthConfig config,
            RulModel rulModel,
            Path directory,
            String token,
            int maxMachines,
            BiConsumer<String, String> unreadableState)
            throws IOException {
        HealthEngine engine = new HealthEngine(config, rulModel);
        engine.machines = new MachineStates(
                engine, HealthStateStore.open(directory, engine.stateLayout(), token, maxMachines), unreadableState);
        if (engine.fleet != null) {
            // the fleet's deviations as they were: from the saved states of the machines seen most recently
            engine.machines.forEachNewest(FleetDrift.DEFAULT_CAPACITY, engine::committed);
        }
        return engine;
    }

    public HealthConfig config() {
        return config;
    }

    /** The machines' committed states: their count, evictions, saving and closing. */
    public MachineStates machines() {
        return machines;
    }

    /** Starts the work on one group of readings (one FlowFile). */
    public Batch begin() {
        return new Batch();
    }

    /** One group of readings; see the class comment. Not thread-safe. */
    public final class Batch {
        /** The batch's working copies of its machines' states, in first-seen order (the order of recency). */
        private final Map<String, MachineState> staged = new LinkedHashMap<>();

        private Batch() {}

        /**
         * Applies one reading to its machine's state and assesses it. Lateness is measured against the machine's
         * newest timestamp, but never against one beyond {@code wallClock} (see {@link #update}).
         *
         * @throws LateReadingException when the reading is late: nothing changed
         */
        public HealthAssessment process(ScoredReading reading, long wallClock) throws LateReadingException {
            String machineId = reading.machineId();
            MachineState state = staged.get(machineId);
            if (state == null) {
                state = machines.checkout(machineId);
                staged.put(machineId, state);
            }
            HealthAssessment assessment = update(state, reading, wallClock);
            if (assessment.late()) {
                throw new LateReadingException(
                        machineId, reading.timestamp(), Math.min(state.lastTimestamp(), wallClock));
            }
            return assessment;
        }

        /**
         * Publishes the batch's machine states as the committed ones, then writes them out.
         *
         * @throws IOException when writing failed: the states are committed in memory all the same, and the next
         *     commit (or {@link MachineStates#save()}) writes them out
         */
        public void commit() throws IOException {
            try {
                machines.commit(staged);
            } finally {
                // committed in memory even when writing them out failed; the fleet sees committed deviations only
                staged.forEach(HealthEngine.this::committed);
                staged.clear();
            }
        }
    }

    /**
     * {@code state}, the state of {@code machineId}, is now committed: its deviations become part of what the
     * fleet shares. A state never committed (its batch abandoned) is never seen by the other machines.
     */
    private void committed(String machineId, MachineState state) {
        if (fleet == null) {
            return;
        }
        double[] deviations = new double[state.sensorCount];
        for (int i = 0; i < state.sensorCount; i++) {
            // the load and context fields are what the machine is asked to do: nothing for the fleet to share
            deviations[i] = sharable(state, i) ? deviation(state, i) : Double.NaN;
        }
        fleet.publish(machineId, state.lastTimestamp, deviations);
    }

    /** Sensor {@code i}'s smoothed value minus what its baseline expects, in the sensor's units. */
    private static double deviation(MachineState state, int i) {
        return state.loadModelled(i) ? state.fast[i] : state.fast[i] - state.baselineMean[i];
    }

    /** Whether sensor {@code i}'s deviation is one the fleet can share (learned; a symptom, not the context). */
    private boolean sharable(MachineState state, int i) {
        return baselineLearned(state)
                && i != loadIndex
                && (contextSensors & (1L << i)) == 0
                && !state.regimeModelled(i);
    }

    public MachineState newState() {
        return new MachineState(config.sensors().size(), lags, loadIndex, contextCount, maxRegimes, contextSensors);
    }

    /**
     * Parses a state {@link MachineState#encode()} wrote with this engine's configuration.
     *
     * @throws IllegalArgumentException when it is not one (another format, sensor count or load model)
     */
    public MachineState decode(String text) {
        return fromBytes(MachineState.decodeText(text));
    }

    /**
     * Parses a state {@link MachineState#toBytes()} wrote with this engine's configuration.
     *
     * @throws IllegalArgumentException when it is not one (another format, sensor count or load model)
     */
    public MachineState fromBytes(byte[] bytes) {
        return MachineState.fromBytes(
                bytes, config.sensors().size(), lags, loadIndex, contextCount, maxRegimes, contextSensors);
    }

    /**
     * What a stored state's bytes depend on (sensors, load model, context): states stored under another layout are
     * not this engine's. Each state's own first byte says its format; the layout keeps the names it had when
     * formats 3 and 4 were current, so that states saved then are still this engine's.
     */
    public String stateLayout() {
        if (maxRegimes > 0) {
            // The regime distance is not part of it: regimes found with another one stay meaningful.
            return "machine-state-" + LegacyMachineStates.FORMAT_4 + ";sensors=" + String.join(",", config.sensors())
                    + ";context=" + String.join(",", config.context().fields()) + ";regimes=" + maxRegimes;
        }
        return "machine-state-" + LegacyMachineStates.FORMAT_3 + ";sensors=" + String.join(",", config.sensors())
                + ";lags=" + lags + ";load=" + loadIndex;
    }

    /**
     * Applies one reading to its machine's {@code state}, without a wall clock: the step {@link Batch#process} takes
     * on a machine's state, for replays that read the state itself (the C-MAPSS training reads its RUL features).
     */
    public HealthAssessment update(MachineState state, ScoredReading reading) {
        return update(state, reading, Long.MAX_VALUE);
    }

    /**
     * Applies one reading to its machine's {@code state} (unchanged when the reading is late). Lateness is
     * measured against the machine's newest timestamp, but never against one beyond {@code wallClock}: a reading
     * stamped in the future moves the machine's clock, yet cannot make every later reading of it late. Any long
     * is a valid timestamp here: time differences saturate instead of overflowing.
     */
    public HealthAssessment update(MachineState state, ScoredReading reading, long wallClock) {
        String machineId = reading.machineId();
        long ts = reading.timestamp();
        long previous = state.lastTimestamp;
        if (state.isNew()) {
            state.lastTimestamp = ts;
            state.resetTimestamp = ts;
            state.trendOrigin = ts;
        } else if (ts < minus(Math.min(state.lastTimestamp, wallClock), config.lateToleranceMillis())) {
            return HealthAssessment.lateReading();
        }
        long now = Math.max(state.lastTimestamp, ts);
        state.lastTimestamp = now;
        if (reading.maintenance()) {
            return maintenance(machineId, state, now);
        }
        if (state.readings < Integer.MAX_VALUE) {
            state.readings++;
        }
        if (normalisation != null) {
            reading = new ScoredReading(
                    machineId,
                    ts,
                    normalisation.apply(reading.sensors(), reading.context()),
                    reading.anomalyScore(),
                    false,
                    reading.context());
        }
        learn(machineId, state, reading, previous == Long.MIN_VALUE ? 0 : Math.max(0, minus(ts, previous)) / 1000.0);
        if (leftBaselineLoads(state)) {
            // The load model knows nothing of this operating point: learn the baseline again from here (the readings
            // that follow a change of load are the informative ones) instead of reading the extrapolation as drift.
            state.relearnBaseline();
        }

        // Health from the anomaly score and the most drifted sensor.
        double a = anomalyPenalty(state);
        double dMax = 0;
        int dArg = -1;
        double zArg = 0;
        if (baselineLearned(state)) {
            for (int i = 0; i < state.sensorCount; i++) {
                if (i == loadIndex || (contextSensors & (1L << i)) != 0) {
                    continue; // the load (context) is what the machine is asked to do, not a symptom
                }
                double z = zScore(state, i, state.fast[i]);
                if (Double.isNaN(z)) {
                    continue;
                }
                double d = clamp((Math.abs(z) - config.driftFreeSigmas()) / config.driftSpanSigmas());
                if (d > dMax) {
                    dMax = d;
                    dArg = i;
                    zArg = z;
                }
            }
        }
        double health = 100 * (1 - a) * (1 - dMax);
        state.health = health;
        HealthAssessment.Reason reason = new HealthAssessment.Reason(
                false,
                a,
                state.anomaly,
                dMax,
                dArg < 0 ? null : config.sensors().get(dArg),
                zArg);
        if (baselineLearned(state)) {
            addTrendPoint(state, ts, now, health);
        }
        Long ttm = timeToMaintenance(state);
        Alert alert = updateStatus(machineId, state, now, health, reason, ttm);
        return new HealthAssessment(
                false, health, state.status, ttm, alert == null ? List.of() : List.of(alert), reason);
    }

    /**
     * The anomaly penalty: 0 until the machine's normal score level is learned (mean and standard deviation of its
     * raw scores); then the excess of the smoothed score over {@code level = max(anomalyFloor, mean +
     * ANOMALY_LEVEL_SIGMAS * std)},
     * reaching 1 at {@code level + (1 - level) * (anomalyCeiling - anomalyFloor) / (1 - anomalyFloor)} (the
     * configured span, scaled to the headroom left above the level); 0 when under {@link #MIN_ANOMALY_HEADROOM}
     * of headroom is left (a model that already scores this machine's normal readings as anomalous can say
     * nothing more about it).
     */
    private double anomalyPenalty(MachineState state) {
        if (Double.isNaN(state.anomaly) || state.anomalyCount < config.baselineSize()) {
            return 0;
        }
        double sd = Math.sqrt(state.anomalyM2 / Math.max(1, state.anomalyCount - 1));
        double level = Math.max(config.anomalyFloor(), state.anomalyMean + ANOMALY_LEVEL_SIGMAS * sd);
        double span = (1 - level) * (config.anomalyCeiling() - config.anomalyFloor()) / (1 - config.anomalyFloor());
        if (!(span >= MIN_ANOMALY_HEADROOM)) {
            return 0;
        }
        return clamp((state.anomaly - level) / span);
    }

    private HealthAssessment maintenance(String machineId, MachineState state, long now) {
        List<Alert> alerts = new ArrayList<>(1);
        if (state.incidentSeverity != null) {
            alerts.add(new Alert(
                    alertId(machineId, state.incidentStart),
                    machineId,
                    now,
                    state.incidentSeverity,
                    Alert.Event.RECOVERED,
                    HealthAssessment.MAINTENANCE_REASON,
                    100.0,
                    null));
        }
        // The repaired machine learns its baseline again: a repair can change its normal operating point, and a
        // machine first seen while already degrading would otherwise keep a baseline of its degraded state.
        state.startAfresh(now);
        return new HealthAssessment(
                false, 100, HealthStatus.HEALTHY, null, alerts, HealthAssessment.Reason.MAINTENANCE);
    }

    private void learn(String machineId, MachineState state, ScoredReading reading, double dtSeconds) {
        boolean learning = !baselineLearned(state);
        double ownWeight = learning ? 0 : ownFollowWeight(state, dtSeconds);
        double fleetWeight = learning || fleet == null ? 0 : following.fleetWeight(dtSeconds);
        double[] shared = null;
        if (fleetWeight > 0) {
            shared = new double[state.sensorCount];
            fleet.othersMedians(machineId, state.lastTimestamp, shared);
        }
        double[] values = reading.sensors();
        int regime = maxRegimes > 0 ? regimeOf(state, reading.context()) : -1;
        if (lags > 0) {
            filterLoad(state, values[loadIndex], dtSeconds);
            if (learning) {
                learnJointly(state, values, minus(reading.timestamp(), state.resetTimestamp) / 1000.0);
            }
        } else if (learning) {
            for (int i = 0; i < state.sensorCount; i++) {
                if (!state.regimeModelled(i)) {
                    learnSensor(state, i, values[i]);
                }
            }
        }
        if (learning) {
            state.baselineReadings++;
            if (lags > 0 && baselineLearned(state)) {
                chooseLags(state, minus(reading.timestamp(), state.resetTimestamp) / 1000.0);
            }
        }
        for (int i = 0; i < state.sensorCount; i++) {
            double x = values[i];
            if (Double.isNaN(x) || Double.isInfinite(x)) {
                continue;
            }
            double sd = Double.NaN;
            if (state.regimeModelled(i)) {
                // Measured in the regime's own normal: its mean, the pooled within-regime spread.
                x = regimeZ(state, regime, i, x, learning);
                if (Double.isNaN(x)) {
                    continue;
                }
                sd = 1;
            } else if (state.loadModelled(i)) {
                // Drift of a load-following sensor is measured on its residual from the load model.
                x = residual(state, i, x);
                sd = state.residualSd[i];
            } else if (state.baselineCount[i] >= ROBUST_AFTER) {
                int n = state.baselineCount[i];
                sd = Math.max(Math.sqrt(state.baselineM2[i] / (n - 1)), 1e-9 + 1e-4 * Math.abs(state.baselineMean[i]));
            }
            if (Double.isNaN(state.fast[i])) {
                state.fast[i] = x;
                state.slow[i] = x;
                continue;
            }
            // Once the baseline is known, a value enters the averages clipped to the fast average +- SPIKE_SIGMAS
            // baseline standard deviations: a single spike moves them by at most fastAlpha * SPIKE_SIGMAS sigma,
            // while a real shift or ramp still passes within a few readings.
            double smoothed = x;
            if (!Double.isNaN(sd)) {
                smoothed = Math.max(state.fast[i] - SPIKE_SIGMAS * sd, Math.min(state.fast[i] + SPIKE_SIGMAS * sd, x));
            }
            state.fast[i] += config.fastAlpha() * (smoothed - state.fast[i]);
            state.slow[i] += config.slowAlpha() * (smoothed - state.slow[i]);
            if ((ownWeight > 0 || fleetWeight > 0) && !state.regimeModelled(i)) {
                followBaseline(state, i, fleetWeight, shared == null ? Double.NaN : shared[i], ownWeight);
            }
        }
        double score = reading.anomalyScore();
        if (!Double.isNaN(score)) {
            state.anomaly = Double.isNaN(state.anomaly)
                    ? score
                    : state.anomaly + config.anomalyAlpha() * (score - state.anomaly);
            if (state.anomalyCount < config.baselineSize()) {
                // The machine's own normal score level (Welford over the raw scores: their spread, not the
                // smoothed one's, since one baseline hour sees few speed regimes and the smoothed score moves
                // between regimes by about as much as the raw score spreads).
                int n = state.anomalyCount + 1;
                double delta = score - state.anomalyMean;
                state.anomalyMean += delta / n;
                state.anomalyM2 += delta * (score - state.anomalyMean);
                state.anomalyCount = n;
            }
        }
    }

    /**
     * The weight with which baselines follow the machine's own deviation at this reading: from the event time since
     * the previous one, 0 unless the machine is HEALTHY and its anomaly term costs nothing.
     */
    private double ownFollowWeight(MachineState state, double dtSeconds) {
        if (state.status != HealthStatus.HEALTHY || anomalyPenalty(state) > 0) {
            return 0;
        }
        return following.ownWeight(dtSeconds);
    }

    /**
     * Moves sensor {@code i}'s baseline mean towards its smoothed value: by {@code fleetWeight} of the part of the
     * deviation the fleet's median deviation {@code fleetDeviation} shares, then by {@code ownWeight} of what is left if
     * that is within the following limit.
     */
    private void followBaseline(
            MachineState state, int i, double fleetWeight, double fleetDeviation, double ownWeight) {
        double z = zScore(state, i, state.fast[i]);
        if (Double.isNaN(z)) {
            return;
        }
        double share = fleetWeight * BaselineFollowing.sharedShare(deviation(state, i), fleetDeviation);
        if (ownWeight > 0 && Math.abs(z * (1 - share)) <= following.limitSigmas()) {
            share += (1 - share) * ownWeight;
        }
        if (share > 0) {
            moveBaseline(state, i, share);
        }
    }

    /** Moves sensor {@code i}'s baseline mean by {@code share} of the way to its smoothed value. */
    private static void moveBaseline(MachineState state, int i, double share) {
        if (state.loadModelled(i)) {
            // fast is a smoothed residual: moving the intercept by a share of it moves the residuals back by as much
            double step = share * state.fast[i];
            state.baselineMean[i] += step;
            state.fast[i] -= step;
            state.slow[i] -= step;
        } else {
            state.baselineMean[i] += share * (state.fast[i] - state.baselineMean[i]);
        }
    }

    /**
     * The regime a reading with context {@code context} belongs to, found by the shared {@link RegimeFinder} (a new
     * one if it is farther than the regime distance from all and there is room), its centre moved towards the
     * reading; -1 when the context is incomplete.
     */
    private int regimeOf(MachineState state, double[] context) {
        int regime = regimeFinder.assign(state.regimes, context);
        if (regime >= 0) {
            state.growRegimes();
        }
        return regime;
    }

    /**
     * Sensor {@code i}'s value in pooled standard deviations from its regime's mean; NaN when the reading is
     * learned as the regime's normal instead (during the baseline, or among a new regime's first readings), or
     * when the regime's normal is not known yet.
     */
    private double regimeZ(MachineState state, int regime, int i, double x, boolean learning) {
        if (regime < 0) {
            return Double.NaN;
        }
        int at = regime * state.sensorCount + i;
        if (learning || state.regimeN[at] < regimeBaseline) {
            double learned = x;
            double sd = state.pooledSd(i);
            if (state.regimeN[at] > 0 && state.pooledDof(i) >= ROBUST_AFTER) {
                double m = state.regimeMean[at];
                learned = Math.max(m - CLIP_SIGMAS * sd, Math.min(m + CLIP_SIGMAS * sd, x));
            }
            int n = state.regimeN[at] + 1;
            double delta = learned - state.regimeMean[at];
            state.regimeMean[at] += delta / n;
            state.regimeM2[at] += delta * (learned - state.regimeMean[at]);
            state.regimeN[at] = n;
            return Double.NaN;
        }
        double sd = state.pooledSd(i);
        if (state.regimeN[at] == 0 || Double.isNaN(sd)) {
            return Double.NaN;
        }
        double mean = state.regimeMean[at];
        return (x - mean) / Math.max(sd, 1e-9 + 1e-4 * Math.abs(mean));
    }

    /** Welford update of one sensor's baseline mean and M2, the value clipped once 10 values are known. */
    private static void learnSensor(MachineState state, int i, double x) {
        if (Double.isNaN(x) || Double.isInfinite(x)) {
            return;
        }
        double learned = clipToBaseline(state, i, x);
        int n = state.baselineCount[i] + 1;
        double delta = learned - state.baselineMean[i];
        state.baselineMean[i] += delta / n;
        state.baselineM2[i] += delta * (learned - state.baselineMean[i]);
        state.baselineCount[i] = n;
    }

    private static double clipToBaseline(MachineState state, int i, double x) {
        int n = state.baselineCount[i];
        if (n < ROBUST_AFTER) {
            return x;
        }
        double sd = Math.sqrt(state.baselineM2[i] / (n - 1));
        if (!(sd > 0)) {
            return x; // no spread yet (a stuck sensor's repeated value): clipping would freeze the baseline there
        }
        double m = state.baselineMean[i];
        return Math.max(m - CLIP_SIGMAS * sd, Math.min(m + CLIP_SIGMAS * sd, x));
    }

    /** Moves each lag's filtered load towards {@code load}: weight {@code 1 - exp(-dt / tau)} (1 for tau 0). */
    private void filterLoad(MachineState state, double load, double dtSeconds) {
        if (Double.isNaN(load) || Double.isInfinite(load)) {
            return;
        }
        LagWeights weights = lagWeights;
        if (weights.dtSeconds() != dtSeconds) {
            double[] alpha = new double[lags];
            for (int k = 0; k < lags; k++) {
                alpha[k] = LOAD_LAG_SECONDS[k] == 0 ? 1 : -Math.expm1(-dtSeconds / LOAD_LAG_SECONDS[k]);
            }
            weights = new LagWeights(dtSeconds, alpha);
            lagWeights = weights;
        }
        // Median of the last three load values: a one-reading spike of the load sensor never reaches the model,
        // at the price of one reading's delay while the load ramps.
        double p1 = state.loadPrevious1;
        double p2 = state.loadPrevious2;
        state.loadPrevious2 = p1;
        state.loadPrevious1 = load;
        if (!Double.isNaN(p1) && !Double.isNaN(p2)) {
            load = Math.max(Math.min(load, p1), Math.min(Math.max(load, p1), p2));
        }
        double[] alpha = weights.alpha();
        for (int k = 0; k < lags; k++) {
            double l = state.lagLoad[k];
            state.lagLoad[k] = Double.isNaN(l) ? load : l + alpha[k] * (load - l);
        }
    }

    /**
     * Baseline learning with a load: only readings where every sensor has a value, so that the means, M2s and
     * co-moments (sensor x filtered load) all cover the same readings.
     */
    private void learnJointly(MachineState state, double[] values, double seconds) {
        if (Double.isNaN(state.lagLoad[0])) {
            return;
        }
        for (int i = 0; i < state.sensorCount; i++) {
            if (Double.isNaN(values[i]) || Double.isInfinite(values[i])) {
                return;
            }
        }
        int n = state.baselineCount[0] + 1;
        // Time sums from the baseline's first reading only: a state read from an earlier format while learning has
        // none for its first readings (MachineState.TIMES_UNKNOWN), and its gains are then fitted on the load alone.
        boolean timed = state.timeM2 != MachineState.TIMES_UNKNOWN;
        double dt = timed ? seconds - state.timeMean : 0;
        for (int i = 0; i < state.sensorCount; i++) {
            double y = clipToBaseline(state, i, values[i]);
            double delta = y - state.baselineMean[i];
            state.baselineMean[i] += delta / n;
            double after = y - state.baselineMean[i];
            state.baselineM2[i] += delta * after;
            state.baselineCount[i] = n;
            state.timeCo[i] += dt * after;
            int base = i * lags;
            for (int k = 0; k < lags; k++) {
                state.lagCo[base + k] += (state.lagLoad[k] - state.lagMean[k]) * after;
            }
        }
        for (int k = 0; k < lags; k++) {
            double dx = state.lagLoad[k] - state.lagMean[k];
            state.lagMean[k] += dx / n;
            state.lagM2[k] += dx * (state.lagLoad[k] - state.lagMean[k]);
            state.lagTimeCo[k] += dt * (state.lagLoad[k] - state.lagMean[k]);
        }
        if (timed) {
            state.timeMean += dt / n;
            state.timeM2 += dt * (seconds - state.timeMean);
        }
    }

    /**
     * At the end of the baseline: per sensor (not the load), the lag whose fit leaves the least residual variance,
     * if the load varied at all. The smoothed values of a modelled sensor restart from its residual.
     */
    private void chooseLags(MachineState state, double seconds) {
        for (int i = 0; i < state.sensorCount; i++) {
            int n = state.baselineCount[i];
            if (i == loadIndex || n < ROBUST_AFTER) {
                continue;
            }
            int best = -1;
            double bestRss = state.baselineM2[i];
            for (int k = 0; k < lags; k++) {
                double m2 = state.lagM2[k];
                double cv = MIN_LOAD_CV * Math.max(1, Math.abs(state.lagMean[k]));
                if (!(m2 > n * cv * cv)) {
                    continue;
                }
                double rss = state.residualSumOfSquares(i, k);
                if (rss < bestRss) {
                    bestRss = rss;
                    best = k;
                }
            }
            // Between following at once (lag 0) and the shortest lag, at once is kept unless the lag cuts the
            // residual standard deviation by more than a quarter: a short lag fitted to a sensor that really
            // follows at once (vibration) errs during every load change, and noise alone can favour it.
            if (best == 1 && LOAD_LAG_SECONDS[0] == 0) {
                double rss0 = state.residualSumOfSquares(i, 0);
                if (state.lagM2[0] > 0 && rss0 * INSTANT_PREFERENCE * INSTANT_PREFERENCE <= bestRss) {
                    best = 0;
                }
            }
            state.lagChoice[i] = (byte) best;
            if (best >= 0) {
                // The baseline's level as of its end: a drift during the baseline moved it by the time trend since
                // the baseline's mean time (following takes it on from there).
                state.baselineMean[i] += state.timeSlope(i, best) * (seconds - state.timeMean);
                state.fast[i] = Double.NaN;
                state.slow[i] = Double.NaN;
            }
        }
        state.deriveLoadModel();
    }

    /**
     * Whether a HEALTHY machine's load has left the loads its learned baseline saw: the load (median of three) lies
     * farther than {@link #CLIP_SIGMAS} of the baseline load's standard deviations from the baseline's mean load. The
     * load model is then an extrapolation (a baseline that saw one speed fitted its gains to the speed's noise), so
     * the baseline is learned again from here rather than read as drift. A baseline that saw the load move over its
     * range is never left this far.
     */
    private boolean leftBaselineLoads(MachineState state) {
        if (lags == 0 || !baselineLearned(state) || state.status != HealthStatus.HEALTHY || state.pending != null) {
            return false;
        }
        int n = state.baselineCount[loadIndex];
        double load = state.lagLoad[0];
        if (n < ROBUST_AFTER || Double.isNaN(load)) {
            return false;
        }
        double sd = Math.sqrt(state.lagM2[0] / n);
        return Math.abs(load - state.lagMean[0]) > CLIP_SIGMAS * sd + 1e-9 * Math.abs(state.lagMean[0]);
    }

    /** The sensor's value minus what its load model expects at the current filtered load. */
    static double residual(MachineState state, int i, double value) {
        return value - state.baselineMean[i] - loadEffect(state, i);
    }

    /** How far sensor {@code i}'s load model moves it from its baseline mean at the current filtered load. */
    static double loadEffect(MachineState state, int i) {
        int k = state.lagChoice[i];
        return state.slope[i] * (state.lagLoad[k] - state.lagMean[k]);
    }

    boolean baselineLearned(MachineState state) {
        return state.baselineReadings >= config.baselineSize();
    }

    /** Standard deviations of {@code value} from sensor {@code i}'s baseline; NaN when unknown. */
    static double zScore(MachineState state, int i, double value) {
        if (state.regimeModelled(i)) {
            return value; // already in pooled standard deviations from the regime's mean
        }
        int n = state.baselineCount[i];
        if (n < 2 || Double.isNaN(value)) {
            return Double.NaN;
        }
        if (state.loadModelled(i)) {
            // value is a smoothed residual (baseline mean 0). The load model's gain is trusted to GAIN_TOLERANCE:
            // that share of the load effect at the current load is added (in quadrature) to the residual std.
            double allowance = GAIN_TOLERANCE * loadEffect(state, i);
            return value / Math.sqrt(state.residualSd[i] * state.residualSd[i] + allowance * allowance);
        }
        double mean = state.baselineMean[i];
        double sd = Math.sqrt(state.baselineM2[i] / (n - 1));
        double floor = 1e-9 + 1e-4 * Math.abs(mean);
        return (value - mean) / Math.max(sd, floor);
    }

    private void addTrendPoint(MachineState s, long ts, long now, double health) {
        double shift = minus(now, s.trendOrigin) / 1000.0;
        if (shift != 0) {
            // Re-express the sums with time measured from the new origin: t' = t - shift.
            s.stt = s.stt - 2 * shift * s.st + shift * shift * s.s0;
            s.sth = s.sth - shift * s.sh;
            s.st = s.st - shift * s.s0;
            s.trendOrigin = now;
        }
        s.s0 *= lambda;
        s.st *= lambda;
        s.sh *= lambda;
        s.stt *= lambda;
        s.sth *= lambda;
        s.shh *= lambda;
        double t = minus(ts, now) / 1000.0;
        s.s0 += 1;
        s.st += t;
        s.sh += health;
        s.stt += t * t;
        s.sth += t * health;
        s.shh += health * health;
        if (s.trendPoints < Integer.MAX_VALUE) {
            s.trendPoints++;
        }
    }

    /** The fitted trend: {slope per second, fitted health now, slope t-statistic, decline over the window}. */
    static double[] trend(MachineState s) {
        if (s.s0 <= 2) {
            return null;
        }
        double sxx = s.stt - s.st * s.st / s.s0;
        if (!(sxx > 0)) {
            return null;
        }
        double sxy = s.sth - s.st * s.sh / s.s0;
        double syy = s.shh - s.sh * s.sh / s.s0;
        double slope = sxy / sxx;
        double intercept = (s.sh - slope * s.st) / s.s0;
        double rss = Math.max(0, syy - slope * sxy);
        double se = Math.sqrt(rss / Math.max(1, s.s0 - 2) / sxx);
        double tStat = se > 0 ? slope / se : (slope < 0 ? Double.NEGATIVE_INFINITY : 0);
        double span = Math.sqrt(12 * sxx / s.s0);
        return new double[] {slope, intercept, tStat, -slope * span};
    }

    private Long timeToMaintenance(MachineState s) {
        if (!baselineLearned(s)) {
            return null;
        }
        if (rulModel != null) {
            double predicted = rulModel.predict(s);
            return Double.isFinite(predicted) ? Math.max(0, Math.round(predicted)) : null;
        }
        if (s.trendPoints < minTrendPoints) {
            return null;
        }
        double[] trend = trend(s);
        if (trend == null) {
            return null;
        }
        double slope = trend[0];
        double now = trend[1];
        if (now <= config.criticalThreshold()) {
            return 0L;
        }
        if (slope >= 0 || trend[2] > MIN_T_STAT || trend[3] < MIN_DECLINE) {
            return null;
        }
        return Math.round((now - config.criticalThreshold()) / -slope);
    }

    private HealthStatus target(HealthStatus current, double health) {
        double warn = config.warningThreshold();
        double crit = config.criticalThreshold();
        double h = config.hysteresis();
        return switch (current) {
            case HEALTHY -> health < crit ? HealthStatus.CRITICAL : health < warn ? HealthStatus.WARNING : current;
            case WARNING -> health < crit ? HealthStatus.CRITICAL : health >= warn + h ? HealthStatus.HEALTHY : current;
            case CRITICAL ->
                health >= warn + h ? HealthStatus.HEALTHY : health >= crit + h ? HealthStatus.WARNING : current;
        };
    }

    private Alert updateStatus(
            String machineId, MachineState s, long now, double health, HealthAssessment.Reason reason, Long ttm) {
        HealthStatus current = s.status;
        HealthStatus target = target(current, health);
        if (target == current) {
            s.pending = null;
            return null;
        }
        boolean worse = target.worseThan(current);
        if (s.pending == null || s.pending.worseThan(current) != worse) {
            s.pendingSince = now;
        }
        s.pending = target;
        // Leaving HEALTHY raises an alert: it waits for the confirmation time (a short excursion, such as the
        // transient of a change of speed or a sensor fault, is not an incident); every other change for the dwell.
        long hold = current == HealthStatus.HEALTHY ? config.raiseMillis() : config.minDwellMillis();
        if (minus(now, s.pendingSince) < hold) {
            return null;
        }
        s.status = target;
        s.pending = null;
        if (target == HealthStatus.HEALTHY) {
            if (s.incidentSeverity != null) {
                Alert recovered = new Alert(
                        alertId(machineId, s.incidentStart),
                        machineId,
                        now,
                        s.incidentSeverity,
                        Alert.Event.RECOVERED,
                        reason.text(),
                        health,
                        ttm);
                s.incidentSeverity = null;
                s.incidentStart = 0;
                return recovered;
            }
        } else if (s.incidentSeverity == null) {
            s.incidentStart = now;
            s.incidentSeverity = target;
            return new Alert(
                    alertId(machineId, now), machineId, now, target, Alert.Event.RAISED, reason.text(), health, ttm);
        } else if (target.worseThan(s.incidentSeverity)) {
            s.incidentSeverity = target;
            return new Alert(
                    alertId(machineId, s.incidentStart),
                    machineId,
                    now,
                    target,
                    Alert.Event.ESCALATED,
                    reason.text(),
                    health,
                    ttm);
        }
        // A return from CRITICAL to WARNING keeps the incident open at CRITICAL: no alert, so a machine hovering
        // around the critical threshold cannot produce an ESCALATED storm.
        return null;
    }

    static String alertId(String machineId, long raisedAt) {
        return machineId + "-" + raisedAt;
    }

    /** {@code a - b}, saturated at the ends of the long range instead of wrapping around. */
    static long minus(long a, long b) {
        long difference = a - b;
        // Overflow only when a and b have different signs and the result's sign differs from a's.
        if (((a ^ b) & (a ^ difference)) < 0) {
            return a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
        return difference;
    }

    private static double clamp(double x) {
        return x < 0 ? 0 : x > 1 ? 1 : x;
    }
}
