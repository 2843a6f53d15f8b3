package io.github.factorytwin.simulator;

import java.math.BigDecimal;

/** Number formatting for messages an operator reads: 120 rather than 120.0. */
public final class Numbers {

    private Numbers() {}

    public static String format(double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return Double.toString(value);
        }
        return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }
}
