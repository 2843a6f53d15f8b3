package io.github.factorytwin.context;

/**
 * Finds operating regimes in a stream by leader clustering of the context fields: a reading joins the regime whose
 * centre is nearest ({@link #distance}); farther than the regime distance from every one, it opens a new regime
 * while fewer than the maximum exist (then it joins the nearest). Centres follow their readings (a running mean).
 * One pass, no stored readings, a handful of numbers per regime: it suits a stream of unknown length and regimes
 * that are distinct set-points, which is how machines are run. Stateless and thread-safe; the regimes found live
 * in a {@link Regimes}.
 */
public final class RegimeFinder {

    /** Running-mean memory of a regime centre: beyond this many readings it follows slowly (an EWMA). */
    public static final int CENTRE_MEMORY = 1000;
    /**
     * A context field near zero is measured against this share of the context's largest magnitude, so that noise
     * around zero (an unused setting) does not open regimes.
     */
    static final double ZERO_SCALE = 0.01;

    private final double regimeDistance;
    private final int maxRegimes;
    private final int centreMemory;

    /** With the settings of {@code context} (which must model regimes). */
    public RegimeFinder(OperatingContext context) {
        this(context.regimeDistance(), context.maxRegimes());
    }

    /** Centres that follow their readings with a memory of {@link #CENTRE_MEMORY} readings (a stream). */
    public RegimeFinder(double regimeDistance, int maxRegimes) {
        this(regimeDistance, maxRegimes, CENTRE_MEMORY);
    }

    /**
     * Centres that are running means over at most {@code centreMemory} readings (beyond it an exponential average);
     * {@link Integer#MAX_VALUE} for plain means over all readings (regimes learned from a whole, finite data set).
     */
    public RegimeFinder(double regimeDistance, int maxRegimes, int centreMemory) {
        if (!(regimeDistance > 0) || maxRegimes < 1 || maxRegimes > OperatingContext.REGIME_LIMIT || centreMemory < 1) {
            throw new IllegalArgumentException("a positive regime distance, 1 to " + OperatingContext.REGIME_LIMIT
                    + " regimes and a positive centre memory are needed");
        }
        this.regimeDistance = regimeDistance;
        this.maxRegimes = maxRegimes;
        this.centreMemory = centreMemory;
    }

    public int maxRegimes() {
        return maxRegimes;
    }

    /**
     * The regime of a reading with context {@code context} (a new one if it is farther than the regime distance
     * from all and there is room), its centre moved towards the reading; -1, and nothing changed, when the context
     * is incomplete (wrong length or a value that is not finite).
     */
    public int assign(Regimes regimes, double[] context) {
        if (!complete(regimes, context)) {
            return -1;
        }
        int best = nearestOf(regimes, context);
        if ((best < 0 || regimes.distance(best, context) > regimeDistance) && regimes.count() < maxRegimes) {
            best = regimes.add(context, 0);
        }
        regimes.join(best, context, centreMemory);
        return best;
    }

    /**
     * The regime whose centre is nearest to {@code context} ({@link #distance}), nothing changed; -1 when there is
     * no regime or the context is incomplete.
     */
    public static int nearest(Regimes regimes, double[] context) {
        return complete(regimes, context) ? nearestOf(regimes, context) : -1;
    }

    private static boolean complete(Regimes regimes, double[] context) {
        if (context.length != regimes.fields()) {
            return false;
        }
        for (double v : context) {
            if (!Double.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    private static int nearestOf(Regimes regimes, double[] context) {
        int best = -1;
        double bestDistance = Double.POSITIVE_INFINITY;
        for (int r = 0; r < regimes.count(); r++) {
            double d = regimes.distance(r, context);
            if (d < bestDistance) {
                bestDistance = d;
                best = r;
            }
        }
        return best;
    }

    /**
     * How far context {@code x} is from the centre at {@code centre[offset..]}: the largest over the fields of
     * {@code |x - c| / max(|c|, |x|, ZERO_SCALE * largest |c| of the centre)}, i.e. relative to each field's
     * magnitude, a field near zero measured against a hundredth of the context's largest magnitude.
     */
    public static double distance(double[] centre, int offset, double[] x) {
        double largest = 0;
        for (int f = 0; f < x.length; f++) {
            largest = Math.max(largest, Math.abs(centre[offset + f]));
        }
        double floor = Math.max(ZERO_SCALE * largest, Double.MIN_NORMAL);
        double d = 0;
        for (int f = 0; f < x.length; f++) {
            double c = centre[offset + f];
            double scale = Math.max(floor, Math.max(Math.abs(c), Math.abs(x[f])));
            d = Math.max(d, Math.abs(x[f] - c) / scale);
        }
        return d;
    }
}
