package io.github.factorytwin.evaluation.cmapss;

import java.util.Collection;

/**
 * What the training fleet says about an engine's remaining life from its age alone, before its sensors say
 * anything: over the training engines that lived longer than {@code age} cycles, the mean (and standard deviation)
 * of {@code min(cap, life - age)}, the target the RUL model is trained on. An engine too young for the health
 * engine's baseline gets this estimate instead of none; its spread says how much less certain it is.
 */
public final class FleetPrior {

    private final int[] lives;
    private final int cap;

    /** @param lives cycles each training engine ran until failure */
    public FleetPrior(Collection<Integer> lives, int cap) {
        if (lives.isEmpty()) {
            throw new IllegalArgumentException("a fleet prior needs at least one training engine");
        }
        this.lives = lives.stream().mapToInt(Integer::intValue).toArray();
        this.cap = cap;
    }

    /** The mean capped remaining life of the training engines older than {@code age}; 0 once none is. */
    public double estimate(int age) {
        return moments(age)[0];
    }

    /** The standard deviation of that remaining life; 0 once fewer than two training engines are older. */
    public double spread(int age) {
        return moments(age)[1];
    }

    private double[] moments(int age) {
        int n = 0;
        double mean = 0;
        double m2 = 0;
        for (int life : lives) {
            if (life <= age) {
                continue;
            }
            double y = Math.min(cap, life - age);
            n++;
            double delta = y - mean;
            mean += delta / n;
            m2 += delta * (y - mean);
        }
        return new double[] {mean, n > 1 ? Math.sqrt(m2 / (n - 1)) : 0};
    }
}
