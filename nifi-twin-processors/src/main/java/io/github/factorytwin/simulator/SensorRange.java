package io.github.factorytwin.simulator;

/** The normal operating range of one sensor of one machine. */
public record SensorRange(double min, double max) {

    public SensorRange {
        if (!(min < max)) {
            throw new IllegalArgumentException(
                    "min " + Numbers.format(min) + " must be below max " + Numbers.format(max));
        }
    }

    public double span() {
        return max - min;
    }

    public boolean contains(double value) {
        return value >= min && value <= max;
    }
}
