package io.github.factorytwin.health;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;

/**
 * What a RUL model trained on a capped target cannot say: how much life a machine has beyond the cap. The model
 * answers at most about the cap while no degradation is seen; the training fleet's lifetimes say how long machines
 * that reached this age lived on. For an estimate within {@code band} of the cap the answer becomes
 *
 * <pre>estimate + weight * w^2 * E[max(0, life - age - cap) | life > age],   w = (estimate - (cap - band)) / band</pre>
 *
 * ({@code w} clamped to 0..1), the expectation over the training machines that lived longer than {@code age}
 * readings. Estimates below the cap (degradation seen) are unchanged. {@code weight} below 1 keeps the answer for
 * machines near failure whose sensors do not show it yet from growing: chosen by cross-validation on training
 * engines. Lifetimes and age are in readings, one reading being one unit of the model's answer, as the model was
 * trained. Stored in the RUL model file as {@code "beyondCap": {"lives": [...], "cap": c, "band": b, "weight": w}}.
 */
public final class LifeBeyondCap {

    /** Lifetimes a model file may carry. */
    public static final int MAX_LIVES = 100_000;

    private final int[] lives; // ascending
    private final double[] livesAbove; // livesAbove[i] = sum of lives[i..]: the expectation in two binary searches
    private final double cap;
    private final double band;
    private final double weight;

    public LifeBeyondCap(int[] lives, double cap, double band, double weight) {
        if (lives.length == 0 || lives.length > MAX_LIVES) {
            throw new IllegalArgumentException("'beyondCap.lives' needs 1 to " + MAX_LIVES + " lifetimes");
        }
        for (int life : lives) {
            if (life <= 0) {
                throw new IllegalArgumentException("'beyondCap.lives' must be positive numbers of readings");
            }
        }
        if (!(cap > 0) || !Double.isFinite(cap) || !(band > 0) || !(band <= cap) || !(weight >= 0 && weight <= 1)) {
            throw new IllegalArgumentException(
                    "'beyondCap' needs a cap above 0, a band above 0 and at most the cap, and a weight from 0 to 1");
        }
        this.lives = lives.clone();
        Arrays.sort(this.lives);
        this.livesAbove = new double[lives.length + 1];
        for (int i = lives.length - 1; i >= 0; i--) {
            livesAbove[i] = livesAbove[i + 1] + this.lives[i];
        }
        this.cap = cap;
        this.band = band;
        this.weight = weight;
    }

    /** The answer for a model estimate {@code estimate} of a machine {@code age} readings old. */
    public double answer(double estimate, long age) {
        double w = Math.min(1, Math.max(0, (estimate - (cap - band)) / band));
        if (w == 0 || weight == 0) {
            return estimate;
        }
        return estimate + weight * w * w * meanLifeBeyondCap(age);
    }

    /** {@code E[max(0, life - age - cap) | life > age]} over the lifetimes; 0 when no machine lived that long. */
    double meanLifeBeyondCap(long age) {
        int outlived = lives.length - firstAbove(age);
        if (outlived == 0) {
            return 0;
        }
        double limit = age + cap;
        int beyond = firstAbove(limit);
        double sum = livesAbove[beyond] - (lives.length - beyond) * limit;
        return sum / outlived;
    }

    /** The index of the first lifetime above {@code value} ({@code lives.length} when none is). */
    private int firstAbove(double value) {
        int low = 0;
        int high = lives.length;
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (lives[mid] > value) {
                high = mid;
            } else {
                low = mid + 1;
            }
        }
        return low;
    }

    void write(ObjectNode node) {
        var array = node.putArray("lives");
        for (int life : lives) {
            array.add(life);
        }
        node.put("cap", cap);
        node.put("band", band);
        node.put("weight", weight);
    }

    static LifeBeyondCap parse(JsonNode node) {
        if (!node.isObject()) {
            throw new IllegalArgumentException("'beyondCap' must be an object");
        }
        JsonNode array = node.path("lives");
        if (!array.isArray() || array.isEmpty() || array.size() > MAX_LIVES) {
            throw new IllegalArgumentException(
                    "'beyondCap.lives' must be an array of 1 to " + MAX_LIVES + " lifetimes");
        }
        int[] lives = new int[array.size()];
        for (int i = 0; i < lives.length; i++) {
            JsonNode n = array.get(i);
            if (!n.isIntegralNumber() || !n.canConvertToInt()) {
                throw new IllegalArgumentException("'beyondCap.lives' must hold whole numbers of readings");
            }
            lives[i] = n.asInt();
        }
        for (String number : new String[] {"cap", "band", "weight"}) {
            if (!node.path(number).isNumber()) {
                throw new IllegalArgumentException("'beyondCap." + number + "' must be a number");
            }
        }
        return new LifeBeyondCap(
                lives,
                node.path("cap").asDouble(),
                node.path("band").asDouble(),
                node.path("weight").asDouble());
    }
}
