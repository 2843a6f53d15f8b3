package io.github.factorytwin.simulator;

import io.github.factorytwin.state.Fields;
import io.github.factorytwin.state.StateFormatException;
import java.nio.ByteBuffer;
import java.util.Base64;

/**
 * The physics and life cycle of one machine. Not thread-safe; every random draw comes from the machine's own
 * stream, so a machine's readings do not depend on the other machines or on how readings are batched.
 *
 * <p>Model, with every quantity scaled to the machine's normal ranges (span = max - min):
 *
 * <ul>
 *   <li>Operating regime: an RPM set-point uniform in 10..90% of the RPM range, held for an exponentially
 *       distributed time (profile mean), followed by the shaft with a first-order lag.
 *   <li>Load = position of the RPM in its range. Temperature follows 20% + 50% x load of its range with the
 *       profile's thermal time constant; vibration is 10% + 35% x load of its range.
 *   <li>Life: each (re)start draws a failure mode (profile weights), a degrading phase of length about
 *       fraction x MTBF and a healthy phase before it, so the mean time to failure is the MTBF. Wear w goes 0..1
 *       over the degrading phase.
 *   <li>Signatures: bearing wear adds 160% of the vibration range x (e^(4w)-1)/(e^4-1) (slowly, then fast) plus
 *       a little frictional heat; overheating drifts the temperature up by 90% of its range x w; imbalance adds
 *       150% of the vibration range x w x (rpm/rpm max)^2.
 *   <li>Failure at w = 1: the machine trips and coasts down (rpm to 0, temperature to ambient) for the profile's
 *       repair time (at most a tenth of the MTBF); the next reading after the repair is the maintenance event and
 *       the machine restarts healthy.
 *   <li>Measurement noise on every sensor; sensor faults (stuck, dropout, spike) distort what is reported, never
 *       the machine.
 *   <li>{@link Scenarios}, when set: ambient drift, duty changes and faults that clear before failure.
 * </ul>
 */
final class Machine {

    private static final double BEARING_GROWTH = 4.0;
    private static final double BEARING_NORM = Math.expm1(BEARING_GROWTH);

    final MachineSpec spec;
    private final MachineProfile profile;
    private final double tMin;
    private final double tSpan;
    private final double vMin;
    private final double vSpan;
    private final double rMin;
    private final double rMax;
    private final double rSpan;
    private final FailureMode[] modes;
    private final double[] modeWeights;
    /** The first-order lag factors for a time step of lagDt seconds (almost always the reading interval). */
    private double lagDt = Double.NaN;

    private double rpmLag;
    private double thermalLag;

    // ---- state (everything below is saved: FIELDS) ----
    private final Rng rng;
    /** Sensor faults draw from their own stream, so switching them on does not change the machine's life. */
    private final Rng faultRng;
    /** Scenario draws (faults that clear) have their own stream too, for the same reason. */
    private final Rng scenarioRng;
    /** Offsets this machine's duty changes from the other machines' (not state: derived from the id). */
    private final long dutyPhase;
    /** The ambient drift at the current reading, as a fraction of the temperature range (not state: from the clock). */
    private double ambientShift;

    private long lastMillis = Long.MIN_VALUE;
    private double setpoint;
    private long regimeEnd;
    private double rpm;
    private double temperature;
    private FailureMode mode = FailureMode.NONE;
    private long onset;
    private long failAt;
    /** Long.MIN_VALUE while running; the end of the repair while failed. */
    private long repairEnd = Long.MIN_VALUE;
    /** When this life's fault clears by itself (scenario "faults that end"); Long.MIN_VALUE when it does not. */
    private long clearAt = Long.MIN_VALUE;

    private SensorFault fault = SensorFault.NONE;
    private int faultSensor;
    private int faultRemaining;
    private double stuckValue;

    private Machine(MachineSpec spec, long rngState, long faultRngState, long scenarioRngState) {
        this.spec = spec;
        this.profile = spec.profile();
        this.tMin = spec.temperature().min();
        this.tSpan = spec.temperature().span();
        this.vMin = spec.vibration().min();
        this.vSpan = spec.vibration().span();
        this.rMin = spec.rpm().min();
        this.rMax = spec.rpm().max();
        this.rSpan = spec.rpm().span();
        this.modes = spec.failureModes().stream().sorted().toArray(FailureMode[]::new);
        this.modeWeights = new double[modes.length];
        double total = 0;
        for (int i = 0; i < modes.length; i++) {
            total += profile.failureWeight(modes[i]);
        }
        for (int i = 0; i < modes.length; i++) {
            modeWeights[i] = total > 0 ? profile.failureWeight(modes[i]) / total : 1.0 / modes.length;
        }
        this.rng = new Rng(rngState);
        this.faultRng = new Rng(faultRngState);
        this.scenarioRng = new Rng(scenarioRngState);
        this.dutyPhase = Rng.derive(0, spec.id()) & Long.MAX_VALUE;
    }

    /** A new machine at {@code now}, somewhere random in its first life (so a new fleet is not all brand new). */
    static Machine create(MachineSpec spec, long factorySeed, long now, SimulationSettings settings) {
        Machine machine = new Machine(
                spec,
                Rng.derive(factorySeed, spec.id()),
                Rng.derive(factorySeed, spec.id() + "/sensors"),
                scenarioSeed(factorySeed, spec));
        machine.ambientShift = settings.scenarios().ambientOffset(now);
        machine.startLife(now, true, settings);
        return machine;
    }

    private static long scenarioSeed(long factorySeed, MachineSpec spec) {
        return Rng.derive(factorySeed, spec.id() + "/scenarios");
    }

    private void startLife(long now, boolean randomAge, SimulationSettings settings) {
        drawLife(now, randomAge, settings);
        newRegime(now, settings);
        rpm = setpoint;
        temperature = equilibriumTemperature(load(rpm), wear(now), 1.0);
    }

    /** Draws a life (failure mode, onset, failure, and whether the fault clears first); the physics go on as they are. */
    private void drawLife(long now, boolean randomAge, SimulationSettings settings) {
        mode = pickMode();
        double mtbf = settings.mtbfMillis();
        double meanDegrading = mtbf * mode.degradationFraction();
        double degrading = Math.max(1.0, meanDegrading * rng.uniform(0.75, 1.25));
        double healthy = rng.exponential(mtbf - meanDegrading);
        double life = healthy + degrading;
        double age = randomAge ? rng.nextDouble() * life : 0.0;
        long start = now - (long) age;
        onset = start + (long) healthy;
        failAt = Math.max(onset + 1, start + (long) life);
        if (failAt <= now) {
            failAt = now + 1;
            onset = Math.min(onset, now);
        }
        repairEnd = Long.MIN_VALUE;
        clearAt = Long.MIN_VALUE;
        double share = settings.scenarios().transientFaultShare();
        if (share > 0 && scenarioRng.nextDouble() < share) {
            long clear = onset + (long) ((failAt - onset) * scenarioRng.uniform(0.3, 0.8));
            clearAt = clear > now ? clear : Long.MIN_VALUE; // a random age past it: this life's fault does not clear
        }
    }

    private FailureMode pickMode() {
        double u = rng.nextDouble();
        for (int i = 0; i < modes.length - 1; i++) {
            u -= modeWeights[i];
            if (u < 0) {
                return modes[i];
            }
        }
        return modes[modes.length - 1];
    }

    private void newRegime(long now, SimulationSettings settings) {
        double[] band = Scenarios.DUTY_BANDS[duty(now, settings)];
        setpoint = rMin + rSpan * rng.uniform(band[0], band[1]);
        regimeEnd = now + Math.max(1L, (long) (rng.exponential(profile.regimeMeanSeconds) * 1000.0));
    }

    private double load(double shaftRpm) {
        double load = (shaftRpm - rMin) / rSpan;
        return load < 0 ? 0 : (load > 1 ? 1 : load);
    }

    /** 1 while the shaft turns at least at its minimum speed, falling to 0 as it stops. */
    private double running(double shaftRpm) {
        double r = shaftRpm / rMin;
        return r < 0 ? 0 : (r > 1 ? 1 : r);
    }

    private double wear(long now) {
        if (now < onset) {
            return 0.0;
        }
        double w = (double) (now - onset) / (double) (failAt - onset);
        return w > 1 ? 1 : w;
    }

    private int duty(long now, SimulationSettings settings) {
        return settings.scenarios().duty(now, dutyPhase);
    }

    private double ambient() {
        return tMin - 0.9 * tSpan + tSpan * ambientShift;
    }

    private double equilibriumTemperature(double load, double w, double running) {
        double heat = tMin + tSpan * (0.20 + ambientShift + 0.50 * load);
        if (w > 0) {
            if (mode == FailureMode.OVERHEATING) {
                heat += tSpan * 0.90 * w;
            } else if (mode == FailureMode.BEARING_WEAR) {
                heat += tSpan * 0.12 * bearing(w);
            }
        }
        double ambient = ambient();
        return ambient + running * (heat - ambient);
    }

    private static double bearing(double w) {
        return Math.expm1(BEARING_GROWTH * w) / BEARING_NORM;
    }

    private double trueVibration(double shaftRpm, double w) {
        double v = vMin + vSpan * (0.10 + 0.10 * ambientShift + 0.35 * load(shaftRpm));
        if (w > 0) {
            if (mode == FailureMode.BEARING_WEAR) {
                v += vSpan * 1.60 * bearing(w);
            } else if (mode == FailureMode.IMBALANCE) {
                double speed = shaftRpm / rMax;
                v += vSpan * 1.50 * w * speed * speed;
            }
        }
        return v * running(shaftRpm);
    }

    /** Advances this machine to {@code now} and writes its reading into {@code out}. */
    void step(long now, SimulationSettings settings, SimulatedReading out) {
        double dt = lastMillis == Long.MIN_VALUE ? settings.intervalMillis() / 1000.0 : (now - lastMillis) / 1000.0;
        if (dt < 0) {
            dt = 0;
        }
        boolean dutyChanged = lastMillis != Long.MIN_VALUE && duty(lastMillis, settings) != duty(now, settings);
        ambientShift = settings.scenarios().ambientOffset(now);
        lastMillis = now;
        out.timestamp = now;
        out.machine = spec;

        if (repairEnd != Long.MIN_VALUE && now >= repairEnd) {
            FailureMode repaired = mode;
            startLife(now, false, settings);
            fault = SensorFault.NONE;
            faultRemaining = 0;
            measure(wear(now), out);
            out.condition = MachineCondition.MAINTENANCE;
            out.failureMode = repaired;
            out.remainingUsefulLifeSeconds = (failAt - now) / 1000L;
            out.sensorFault = SensorFault.NONE;
            return;
        }

        double w;
        if (repairEnd != Long.MIN_VALUE) {
            // Failed: the machine is stopped and coasts down until the repair is done.
            advance(0.0, 1.0, dt);
            w = 1.0;
            out.condition = MachineCondition.FAILED;
        } else if (now >= failAt) {
            // The trip: this reading still shows the full signature, then the machine stops.
            long repair = (long) Math.min(profile.repairSeconds * 1000.0, settings.mtbfMillis() / 10.0);
            repairEnd = now + Math.max(settings.intervalMillis(), repair);
            w = 1.0;
            advance(setpoint, w, dt);
            out.condition = MachineCondition.FAILED;
        } else {
            if (clearAt != Long.MIN_VALUE && now >= clearAt) {
                drawLife(now, false, settings); // the fault clears by itself: no failure, no maintenance record
            }
            if (now >= regimeEnd || dutyChanged) {
                newRegime(now, settings);
            }
            w = wear(now);
            advance(setpoint, w, dt);
            out.condition = w > 0 ? MachineCondition.DEGRADING : MachineCondition.NORMAL;
        }
        out.failureMode = out.condition == MachineCondition.NORMAL ? FailureMode.NONE : mode;
        out.remainingUsefulLifeSeconds = repairEnd != Long.MIN_VALUE ? 0L : (failAt - now) / 1000L;
        measure(w, out);
        applySensorFault(settings.sensorFaultProbability(), out);
    }

    private void advance(double target, double w, double dt) {
        if (dt != lagDt) {
            lagDt = dt;
            rpmLag = -Math.expm1(-dt / profile.rpmTauSeconds);
            thermalLag = -Math.expm1(-dt / profile.thermalTauSeconds);
        }
        rpm += (target - rpm) * rpmLag;
        double teq = equilibriumTemperature(load(rpm), w, running(rpm));
        temperature += (teq - temperature) * thermalLag;
    }

    private void measure(double w, SimulatedReading out) {
        double t = temperature + 0.006 * tSpan * rng.gaussian();
        double v = trueVibration(rpm, w) * (1.0 + 0.03 * rng.gaussian()) + 0.005 * vSpan * rng.gaussian();
        double r = rpm + 0.003 * rSpan * rng.gaussian();
        out.temperature = round(t, 100.0);
        out.vibration = round(Math.max(0.0, v), 1000.0);
        out.rpm = round(Math.max(0.0, r), 10.0);
    }

    private void applySensorFault(double probability, SimulatedReading out) {
        if (faultRemaining <= 0 && probability > 0 && faultRng.nextDouble() < probability) {
            fault = SensorFault.values()[faultRng.between(1, 3)];
            faultSensor = faultRng.between(0, 2);
            faultRemaining = switch (fault) {
                case STUCK -> faultRng.between(10, 60);
                case DROPOUT -> faultRng.between(1, 15);
                default -> 1;
            };
            stuckValue = sensor(out, faultSensor);
        }
        if (faultRemaining <= 0) {
            out.sensorFault = SensorFault.NONE;
            return;
        }
        double value = sensor(out, faultSensor);
        double faulty =
                switch (fault) {
                    case STUCK -> stuckValue;
                    case DROPOUT -> Double.NaN;
                    case SPIKE ->
                        switch (faultSensor) {
                            case 0 -> round(value + tSpan * faultRng.uniform(0.6, 1.2), 100.0);
                            case 1 -> round(value * faultRng.uniform(3.0, 6.0) + vSpan * 0.5, 1000.0);
                            default -> round(value * faultRng.uniform(1.5, 2.0) + rSpan * 0.2, 10.0);
                        };
                    case NONE -> value;
                };
        switch (faultSensor) {
            case 0 -> out.temperature = faulty;
            case 1 -> out.vibration = faulty;
            default -> out.rpm = faulty;
        }
        out.sensorFault = fault;
        if (--faultRemaining <= 0) {
            fault = SensorFault.NONE;
        }
    }

    private static double sensor(SimulatedReading out, int sensor) {
        return switch (sensor) {
            case 0 -> out.temperature;
            case 1 -> out.vibration;
            default -> out.rpm;
        };
    }

    private static double round(double value, double scale) {
        return Math.round(value * scale) / scale;
    }

    /** Moves the machine's whole schedule by {@code delta} ms: it resumes exactly as it was, only later. */
    void shift(long delta) {
        if (lastMillis != Long.MIN_VALUE) {
            lastMillis += delta;
        }
        if (repairEnd != Long.MIN_VALUE) {
            repairEnd += delta;
        }
        regimeEnd += delta;
        onset += delta;
        failAt += delta;
        if (clearAt != Long.MIN_VALUE) {
            clearAt += delta;
        }
    }

    // ---- persistence ----

    private static final int FAILURE_MODES = FailureMode.values().length;
    private static final int SENSOR_FAULTS = SensorFault.values().length;

    /** The saved fields, listed once ({@link Fields}): both random streams' states and the machine's condition. */
    private static final Fields<Machine> FIELDS = Fields.<Machine>builder()
            .int64("rng", m -> m.rng.state(), (m, v) -> m.rng.reset(v))
            .int64("faultRng", m -> m.faultRng.state(), (m, v) -> m.faultRng.reset(v))
            .int64("lastMillis", m -> m.lastMillis, (m, v) -> m.lastMillis = v)
            .float64("setpoint", m -> m.setpoint, (m, v) -> m.setpoint = v)
            .int64("regimeEnd", m -> m.regimeEnd, (m, v) -> m.regimeEnd = v)
            .float64("rpm", m -> m.rpm, (m, v) -> m.rpm = v)
            .float64("temperature", m -> m.temperature, (m, v) -> m.temperature = v)
            .int8("mode", m -> m.mode.ordinal(), (m, v) -> m.mode = FailureMode.values()[ordinal(v, FAILURE_MODES)])
            .int64("onset", m -> m.onset, (m, v) -> m.onset = v)
            .int64("failAt", m -> m.failAt, (m, v) -> m.failAt = v)
            .int64("repairEnd", m -> m.repairEnd, (m, v) -> m.repairEnd = v)
            .int8("fault", m -> m.fault.ordinal(), (m, v) -> m.fault = SensorFault.values()[ordinal(v, SENSOR_FAULTS)])
            .int32("faultSensor", m -> m.faultSensor, (m, v) -> m.faultSensor = v)
            .int32("faultRemaining", m -> m.faultRemaining, (m, v) -> m.faultRemaining = v)
            .float64("stuckValue", m -> m.stuckValue, (m, v) -> m.stuckValue = v)
            .build();

    /**
     * The scenario fields, stored after {@link #FIELDS}; a state saved before the scenarios has none (its scenario
     * stream then starts from the factory seed and no fault is set to clear).
     */
    private static final Fields<Machine> SCENARIO_FIELDS = Fields.<Machine>builder()
            .int64("scenarioRng", m -> m.scenarioRng.state(), (m, v) -> m.scenarioRng.reset(v))
            .int64("clearAt", m -> m.clearAt, (m, v) -> m.clearAt = v)
            .build();

    private static final Base64.Encoder BASE64 = Base64.getEncoder().withoutPadding();
    /** Fields of the comma-separated text of state version 1. */
    private static final int VERSION_1_FIELDS = 15;

    private static int ordinal(int value, int count) {
        if (value < 0 || value >= count) {
            throw new IllegalArgumentException("code " + value);
        }
        return value;
    }

    /** The machine's whole state as one compact string: Base64 of {@link #FIELDS} (doubles exact, as bits). */
    String encode() {
        ByteBuffer out = ByteBuffer.allocate(FIELDS.bytes(this) + SCENARIO_FIELDS.bytes(this));
        FIELDS.write(this, out);
        SCENARIO_FIELDS.write(this, out);
        return BASE64.encodeToString(out.array());
    }

    /** The machine {@code spec} as {@link #encode()} saved it; {@code seed} is the factory's. */
    static Machine decode(MachineSpec spec, String encoded, long seed) {
        Machine m = new Machine(spec, 0, 0, scenarioSeed(seed, spec));
        try {
            ByteBuffer in = ByteBuffer.wrap(Base64.getDecoder().decode(encoded));
            FIELDS.read(in, m);
            if (in.hasRemaining()) {
                SCENARIO_FIELDS.read(in, m);
            }
            if (in.hasRemaining()) {
                throw new IllegalArgumentException("machine " + spec.id() + ": " + in.remaining() + " bytes too many");
            }
        } catch (StateFormatException e) {
            throw new IllegalArgumentException("machine " + spec.id() + ": " + e.getMessage(), e);
        }
        return m.withAllowedMode();
    }

    /** The machine {@code spec} as state version 1 saved it (comma-separated, base-36 numbers and double bits). */
    static Machine decodeVersion1(MachineSpec spec, String encoded, long seed) {
        String[] f = encoded.split(",", -1);
        if (f.length != VERSION_1_FIELDS) {
            throw new IllegalArgumentException(
                    "machine " + spec.id() + ": expected " + VERSION_1_FIELDS + " fields, found " + f.length);
        }
        Machine m = new Machine(spec, pl(f[0]), pl(f[1]), scenarioSeed(seed, spec));
        m.lastMillis = pl(f[2]);
        m.setpoint = pd(f[3]);
        m.regimeEnd = pl(f[4]);
        m.rpm = pd(f[5]);
        m.temperature = pd(f[6]);
        m.mode = FailureMode.values()[Integer.parseInt(f[7])];
        m.onset = pl(f[8]);
        m.failAt = pl(f[9]);
        m.repairEnd = pl(f[10]);
        m.fault = SensorFault.values()[Integer.parseInt(f[11])];
        m.faultSensor = Integer.parseInt(f[12]);
        m.faultRemaining = Integer.parseInt(f[13]);
        m.stuckValue = pd(f[14]);
        return m.withAllowedMode();
    }

    private Machine withAllowedMode() {
        if (mode == FailureMode.NONE || !spec.failureModes().contains(mode)) {
            // The fleet definition no longer allows the saved failure mode: keep the schedule, change the mode.
            mode = pickMode();
        }
        return this;
    }

    private static long pl(String s) {
        return Long.parseLong(s, 36);
    }

    private static double pd(String s) {
        return Double.longBitsToDouble(Long.parseLong(s, 36));
    }
}
