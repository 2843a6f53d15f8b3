package io.github.factorytwin.anomaly;

import java.util.Random;

/** Synthetic machine readings for tests: temperature, vibration rising with rpm, rpm. */
final class Readings {

    private final Random random;

    Readings(long seed) {
        random = new Random(seed);
    }

    /** A normal reading: temperature ~ N(75, 2), rpm ~ U(1500, 4500), vibration = 0.2 + 0.25 * rpm/1000 +- 0.05. */
    double[] normal() {
        double rpm = 1500 + 3000 * random.nextDouble();
        return new double[] {75 + 2 * random.nextGaussian(), vibrationAt(rpm) + 0.05 * random.nextGaussian(), rpm};
    }

    static double vibrationAt(double rpm) {
        return 0.2 + 0.25 * rpm / 1000;
    }

    double[][] normal(int n) {
        double[][] rows = new double[n][];
        for (int i = 0; i < n; i++) {
            rows[i] = normal();
        }
        return rows;
    }

    /** Vibration spike: far above anything normal. */
    static double[] vibrationSpike() {
        return new double[] {75, 3.2, 3000};
    }

    /** Temperature drifted far up (overheating). */
    static double[] temperatureDrift() {
        return new double[] {92, vibrationAt(3000), 3000};
    }

    /** Correlation break: vibration normal for 4400 rpm, but at 1600 rpm; each value alone is in range. */
    static double[] correlationBreak() {
        return new double[] {75, vibrationAt(4400), 1600};
    }
}
