package io.github.factorytwin.simulator;

/**
 * A small, fast, serialisable random number generator (SplitMix64). Its whole state is one {@code long}, so a
 * machine's random stream can be saved and restored exactly.
 */
final class Rng {

    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;
    private static final double DOUBLE_UNIT = 0x1.0p-53;

    private long state;

    Rng(long state) {
        this.state = state;
    }

    long state() {
        return state;
    }

    /** Continues the stream from a saved {@link #state()}. */
    void reset(long saved) {
        state = saved;
    }

    long nextLong() {
        return mix(state += GOLDEN_GAMMA);
    }

    /** Uniform in [0, 1). */
    double nextDouble() {
        return (nextLong() >>> 11) * DOUBLE_UNIT;
    }

    /** Uniform in [low, high). */
    double uniform(double low, double high) {
        return low + (high - low) * nextDouble();
    }

    /** Uniform integer in [low, high]. */
    int between(int low, int high) {
        return low + (int) Math.floor(nextDouble() * (high - low + 1));
    }

    /** Standard normal (Box-Muller, one value per call so the state stays a single long). */
    double gaussian() {
        double u1 = 1.0 - nextDouble(); // (0, 1]
        double u2 = nextDouble();
        return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2);
    }

    /** Exponentially distributed with the given mean. */
    double exponential(double mean) {
        return -mean * Math.log(1.0 - nextDouble());
    }

    /** The SplitMix64 finaliser: a good 64-bit mixing function, also used to derive per-machine seeds. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** A seed for the stream named {@code name} of the factory seeded with {@code seed}. */
    static long derive(long seed, String name) {
        long h = mix(seed ^ GOLDEN_GAMMA);
        for (int i = 0; i < name.length(); i++) {
            h = mix(h ^ name.charAt(i)) + GOLDEN_GAMMA;
        }
        return mix(h);
    }
}
