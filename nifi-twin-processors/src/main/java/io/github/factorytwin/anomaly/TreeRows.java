package io.github.factorytwin.anomaly;

/**
 * The subsample a tree is grown on, split as its nodes split: the rows of a node at some depth are the slice
 * {@code [from, to)} of the rows at that depth. Two ways to hold them, chosen by the number of features: the trees
 * are the same either way, as they depend only on which rows reach a node, never on their order there.
 */
sealed interface TreeRows permits TreeRows.Copied, TreeRows.Indexed {

    /**
     * The training rows {@code data} standardised, {@code (x - median[j]) / width[j]}, in the form the trees of
     * subsamples of {@code psi} rows are grown from.
     */
    static TreeRows standardised(double[][] data, double[] median, double[] width, int psi) {
        int d = median.length;
        if (d <= Copied.WIDTH) {
            double[] training = new double[Math.multiplyExact(data.length, d)]; // row after row
            for (int i = 0; i < data.length; i++) {
                for (int j = 0; j < d; j++) {
                    training[i * d + j] = (data[i][j] - median[j]) / width[j];
                }
            }
            return new Copied(training, d, psi);
        }
        double[][] rows = new double[data.length][d];
        for (int i = 0; i < data.length; i++) {
            for (int j = 0; j < d; j++) {
                rows[i][j] = (data[i][j] - median[j]) / width[j];
            }
        }
        return new Indexed(rows, psi);
    }

    /** The number of training rows. */
    int size();

    /** The number of features. */
    int features();

    /** Makes training row {@code row} the subsample's {@code i}th row, at depth 0. */
    void take(int i, int row);

    /** The smallest and largest value of each feature over the rows {@code [from, to)} at {@code depth}. */
    void boundingBox(int from, int to, int depth, double[] low, double[] high);

    /**
     * Splits the rows {@code [from, to)} at {@code depth}: those whose dot product with {@code planes[offset ..
     * offset + d)}, summed left to right from 0 exactly as scoring sums it, is below {@code bias} become the rows
     * {@code [from, split)} at {@code depth + 1}, the others {@code [split, to)}; returns {@code split}.
     */
    int partition(int from, int to, int depth, double[] planes, int offset, double bias);

    /**
     * How many of the rows {@code [from, to)} at {@code depth} {@link #partition} would send left, without moving
     * them: for a split whose children are leaves, which only count their rows.
     */
    int countLeft(int from, int to, int depth, double[] planes, int offset, double bias);

    /**
     * Up to {@link #WIDTH} features: the rows copied, {@value #WIDTH} values each (zeros after the last feature), into
     * one buffer per depth parity; a node reads its rows from one and writes its children's into the same slice of
     * the other. The loops stream through contiguous memory and are written for exactly three values a row (a
     * dimension the compiler does not know made its loops several times slower). The padding zeros change nothing:
     * the sums start at 0.0 and never hold -0.0, and adding a zero product to such a sum leaves it as it was.
     */
    final class Copied implements TreeRows {
        static final int WIDTH = 3;

        private final double[] training;
        private final int d;
        private final double[][] byParity;

        Copied(double[] training, int d, int psi) {
            this.training = training;
            this.d = d;
            this.byParity = new double[][] {new double[psi * WIDTH], new double[psi * WIDTH]};
        }

        @Override
        public int size() {
            return training.length / d;
        }

        @Override
        public int features() {
            return d;
        }

        @Override
        public void take(int i, int row) {
            System.arraycopy(training, row * d, byParity[0], i * WIDTH, d);
        }

        @Override
        public void boundingBox(int from, int to, int depth, double[] low, double[] high) {
            double[] rows = byParity[depth & 1];
            int start = from * WIDTH;
            // Compared as ordered integers (see key): a comparison of doubles is a branch, and the new extremes a
            // small node keeps finding made it mispredict often enough to double the cost; integer minima are not.
            long low0 = key(rows[start]);
            long low1 = key(rows[start + 1]);
            long low2 = key(rows[start + 2]);
            long high0 = low0;
            long high1 = low1;
            long high2 = low2;
            for (int i = start + WIDTH; i < to * WIDTH; i += WIDTH) {
                long x = key(rows[i]);
                long y = key(rows[i + 1]);
                long z = key(rows[i + 2]);
                low0 = Math.min(low0, x);
                high0 = Math.max(high0, x);
                low1 = Math.min(low1, y);
                high1 = Math.max(high1, y);
                low2 = Math.min(low2, z);
                high2 = Math.max(high2, z);
            }
            low[0] = value(low0);
            high[0] = value(high0);
            if (d > 1) {
                low[1] = value(low1);
                high[1] = value(high1);
            }
            if (d > 2) {
                low[2] = value(low2);
                high[2] = value(high2);
            }
        }

        /**
         * The double as a long ordered as the doubles are (for finite values; -0.0 below 0.0, as {@code Math.min}
         * orders them): negative doubles, whose bits grow with their magnitude, have their other bits flipped.
         */
        private static long key(double x) {
            long bits = Double.doubleToRawLongBits(x);
            return bits ^ ((bits >> 63) & Long.MAX_VALUE);
        }

        private static double value(long key) {
            return Double.longBitsToDouble(key ^ ((key >> 63) & Long.MAX_VALUE));
        }

        @Override
        public int partition(int from, int to, int depth, double[] planes, int offset, double bias) {
            double[] rows = byParity[depth & 1];
            double[] children = byParity[(depth + 1) & 1];
            double slope0 = planes[offset];
            double slope1 = d > 1 ? planes[offset + 1] : 0;
            double slope2 = d > 2 ? planes[offset + 2] : 0;
            // Without a branch on the outcome, which the processor could not predict: each row is written at both
            // ends of the slice and only the end it belongs to advances (the other copy is overwritten later).
            int left = from * WIDTH;
            int right = (to - 1) * WIDTH;
            for (int i = from * WIDTH; i < to * WIDTH; i += WIDTH) {
                double x = rows[i];
                double y = rows[i + 1];
                double z = rows[i + 2];
                double dot = 0 + x * slope0 + y * slope1 + z * slope2;
                children[left] = x;
                children[left + 1] = y;
                children[left + 2] = z;
                children[right] = x;
                children[right + 1] = y;
                children[right + 2] = z;
                int goesLeft = dot < bias ? WIDTH : 0;
                left += goesLeft;
                right -= WIDTH - goesLeft;
            }
            return left / WIDTH;
        }

        @Override
        public int countLeft(int from, int to, int depth, double[] planes, int offset, double bias) {
            double[] rows = byParity[depth & 1];
            double slope0 = planes[offset];
            double slope1 = d > 1 ? planes[offset + 1] : 0;
            double slope2 = d > 2 ? planes[offset + 2] : 0;
            int left = 0;
            for (int i = from * WIDTH; i < to * WIDTH; i += WIDTH) {
                double dot = 0 + rows[i] * slope0 + rows[i + 1] * slope1 + rows[i + 2] * slope2;
                left += dot < bias ? 1 : 0;
            }
            return left;
        }
    }

    /**
     * Any number of features: the subsample is a list of row indexes, split in place, and each row is read where it
     * lies in the training rows; with many features a row is long enough that reading it in place costs less than
     * moving it.
     */
    final class Indexed implements TreeRows {
        private final double[][] rows;
        private final int d;
        private final int[] sample;

        Indexed(double[][] rows, int psi) {
            this.rows = rows;
            this.d = rows[0].length;
            this.sample = new int[psi];
        }

        @Override
        public int size() {
            return rows.length;
        }

        @Override
        public int features() {
            return d;
        }

        @Override
        public void take(int i, int row) {
            sample[i] = row;
        }

        @Override
        public void boundingBox(int from, int to, int depth, double[] low, double[] high) {
            System.arraycopy(rows[sample[from]], 0, low, 0, d);
            System.arraycopy(rows[sample[from]], 0, high, 0, d);
            for (int i = from + 1; i < to; i++) {
                double[] row = rows[sample[i]];
                for (int j = 0; j < d; j++) {
                    low[j] = Math.min(low[j], row[j]);
                    high[j] = Math.max(high[j], row[j]);
                }
            }
        }

        @Override
        public int partition(int from, int to, int depth, double[] planes, int offset, double bias) {
            int split = from;
            for (int i = from; i < to; i++) {
                double[] row = rows[sample[i]];
                double dot = 0;
                for (int j = 0; j < d; j++) {
                    dot += row[j] * planes[offset + j];
                }
                if (dot < bias) {
                    int left = sample[i];
                    sample[i] = sample[split];
                    sample[split++] = left;
                }
            }
            return split;
        }

        @Override
        public int countLeft(int from, int to, int depth, double[] planes, int offset, double bias) {
            int left = 0;
            for (int i = from; i < to; i++) {
                double[] row = rows[sample[i]];
                double dot = 0;
                for (int j = 0; j < d; j++) {
                    dot += row[j] * planes[offset + j];
                }
                left += dot < bias ? 1 : 0;
            }
            return left;
        }
    }
}
