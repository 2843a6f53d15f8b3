package io.github.factorytwin.simulator;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A simulated factory: every machine of the fleet gives one reading per reading interval of simulated time.
 * Readings come out in order of time, and within one tick in fleet order; {@link #next} produces the next one.
 *
 * <p>Deterministic: the same seed, settings and start time give the same readings, however they are batched
 * (each machine has its own random stream). The whole state is a small {@code Map<String,String>} ({@link
 * #toState()}) from which {@link #restore} continues exactly where the factory left off.
 *
 * <p>Not thread-safe.
 */
public final class FactorySimulator {

    /**
     * Bumped when the encoding changes; a state of an unknown version starts a new factory. Version 2: each machine
     * as Base64 of its {@code Machine} fields; version 1 (comma-separated text per machine) is still read.
     */
    static final String STATE_VERSION = "2";

    private static final String VERSION_1 = "1";

    static final long MAX_CATCH_UP_MILLIS = 5 * 60_000L;

    public static final String KEY_VERSION = "version";
    public static final String KEY_SEED = "seed";
    public static final String KEY_CLOCK = "clock";
    public static final String KEY_CURSOR = "cursor";
    public static final String KEY_GENERATION = "generation";
    /** Per machine: "machine." + machine id. */
    public static final String MACHINE_KEY_PREFIX = "machine.";

    /** The last millisecond of year 9999: a saved clock beyond it (or before 1970) is corrupt. */
    static final long LATEST_CLOCK = 253_402_300_799_999L;

    private final SimulationSettings settings;
    private final Machine[] machines;
    private final long seed;
    private long clock;
    private int cursor;
    private long generation;

    private FactorySimulator(SimulationSettings settings, Machine[] machines, long seed, long clock, int cursor) {
        this.settings = settings;
        this.machines = machines;
        this.seed = seed;
        this.clock = clock;
        this.cursor = cursor;
    }

    /** A new factory whose first readings are at {@code startMillis} (rounded down to the reading interval). */
    public static FactorySimulator create(SimulationSettings settings, long seed, long startMillis) {
        long start = alignDown(startMillis, settings.intervalMillis());
        List<MachineSpec> specs = settings.fleet().machines();
        Machine[] machines = new Machine[specs.size()];
        for (int i = 0; i < machines.length; i++) {
            machines[i] = Machine.create(specs.get(i), seed, start, settings);
        }
        return new FactorySimulator(settings, machines, seed, start, 0);
    }

    /**
     * The factory saved in {@code state}, or a new one ({@link #create}) when the state is empty or from another
     * version. Machines of the fleet that are not in the state join as new machines; saved machines no longer in
     * the fleet are dropped.
     *
     * @throws IllegalArgumentException if the state is corrupt (its clock outside 1970..9999 included); the caller
     *     then starts a new factory from now
     */
    public static FactorySimulator restore(
            SimulationSettings settings, Map<String, String> state, long newSeed, long startMillis) {
        String version = state == null ? null : state.get(KEY_VERSION);
        if (!STATE_VERSION.equals(version) && !VERSION_1.equals(version)) {
            return create(settings, newSeed, startMillis);
        }
        try {
            long seed = Long.parseLong(state.get(KEY_SEED));
            long clock = Long.parseLong(state.get(KEY_CLOCK));
            if (clock < 0 || clock > LATEST_CLOCK) {
                // Also what a clock that ran (or wrapped) out of range looks like: nothing can continue from it.
                throw new IllegalArgumentException("the simulated clock " + clock + " is outside 1970..9999");
            }
            int cursor = Integer.parseInt(state.get(KEY_CURSOR));
            long generation = Long.parseLong(state.getOrDefault(KEY_GENERATION, "0"));
            List<MachineSpec> specs = settings.fleet().machines();
            Machine[] machines = new Machine[specs.size()];
            for (int i = 0; i < machines.length; i++) {
                MachineSpec spec = specs.get(i);
                String saved = state.get(MACHINE_KEY_PREFIX + spec.id());
                machines[i] = saved == null
                        ? Machine.create(spec, seed, clock, settings)
                        : VERSION_1.equals(version)
                                ? Machine.decodeVersion1(spec, saved, seed)
                                : Machine.decode(spec, saved, seed);
            }
            if (cursor < 0 || cursor >= machines.length) {
                cursor = 0;
                clock += settings.intervalMillis();
            }
            FactorySimulator simulator = new FactorySimulator(settings, machines, seed, clock, cursor);
            simulator.generation = generation;
            return simulator;
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("Saved simulator state is corrupt: " + e.getMessage(), e);
        }
    }

    /** The generation of the state this simulator last saved or was restored from. */
    public static long generationOf(Map<String, String> state) {
        String generation = state == null ? null : state.get(KEY_GENERATION);
        if (generation == null) {
            return -1;
        }
        try {
            return Long.parseLong(generation);
        } catch (NumberFormatException e) {
            return -1; // corrupt: restore() reports it
        }
    }

    /**
     * The whole state, to be given to {@link #restore}. Each call bumps the {@linkplain #generation() generation},
     * so a caller can tell whether a stored state is the one this instance saved last.
     */
    public Map<String, String> toState() {
        generation++;
        Map<String, String> state = new HashMap<>(machines.length * 2 + 10);
        state.put(KEY_VERSION, STATE_VERSION);
        state.put(KEY_SEED, Long.toString(seed));
        state.put(KEY_CLOCK, Long.toString(clock));
        state.put(KEY_CURSOR, Integer.toString(cursor));
        state.put(KEY_GENERATION, Long.toString(generation));
        for (Machine machine : machines) {
            state.put(MACHINE_KEY_PREFIX + machine.spec.id(), machine.encode());
        }
        return state;
    }

    public long generation() {
        return generation;
    }

    /** Writes the next reading into {@code out} and advances the simulation. */
    public void next(SimulatedReading out) {
        machines[cursor].step(clock, settings, out);
        out.machineIndex = cursor;
        if (++cursor == machines.length) {
            cursor = 0;
            clock += settings.intervalMillis();
        }
    }

    /** The timestamp of the reading {@link #next} will produce. */
    public long nextTimestamp() {
        return clock;
    }

    /**
     * Moves the clock to the last tick at or before {@code millis} (forwards or backwards), without producing the
     * readings in between. The machines are moved in time with it: they resume exactly as they were (same wear,
     * same remaining useful life, same regime), only at another time. Used when real-time pacing finds the
     * simulated clock far from the wall clock (after a long stop, or after running as fast as possible).
     *
     * @return the number of milliseconds the clock moved
     */
    public long realignTo(long millis) {
        long interval = settings.intervalMillis();
        long delta = Math.floorDiv(millis - clock, interval) * interval;
        if (delta == 0) {
            return 0;
        }
        clock += delta;
        cursor = 0;
        for (Machine machine : machines) {
            machine.shift(delta);
        }
        return delta;
    }

    /**
     * Real-time pacing at wall-clock time {@code now}: a simulated clock further from the wall clock than
     * {@link #catchUpToleranceMillis()} (after a long stop, or after running as fast as possible into the future) is
     * moved to now with {@link #realignTo}, so the gap is neither backfilled nor waited for; a smaller lag is caught
     * up reading by reading.
     *
     * @return the number of milliseconds the clock moved (0 when it was close enough)
     */
    public long keepPaceWith(long now) {
        long lag = now - clock;
        long tolerance = catchUpToleranceMillis();
        return lag > tolerance || -lag > tolerance ? realignTo(now) : 0;
    }

    /** How far real-time pacing lets the simulated clock be from the wall clock: 5 minutes or ten intervals. */
    public long catchUpToleranceMillis() {
        return Math.max(MAX_CATCH_UP_MILLIS, 10 * settings.intervalMillis());
    }

    /** Whether, in real time, a reading is due at wall-clock time {@code now}. */
    public boolean readingDue(long now) {
        return clock <= now;
    }

    public int machineCount() {
        return machines.length;
    }

    public long seed() {
        return seed;
    }

    private static long alignDown(long millis, long interval) {
        return Math.floorDiv(millis, interval) * interval;
    }
}
