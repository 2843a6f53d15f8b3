package io.github.factorytwin.evaluation;

import io.github.factorytwin.evaluation.bench.Throughput;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.util.Locale;

/**
 * Reads a processor benchmark's outcome: the processor's median records/s and the pass-through
 * baseline's, measured in the same run. A bench's {@code measure(int, int)} returns either a
 * {@link Throughput.Result} (then the baseline comes from a static {@code (int, int)} method of the
 * bench whose name mentions "pass" or "baseline") or a record holding both results.
 */
public record BenchResults(double recordsPerSecond, double passThroughRecordsPerSecond) {

    public double ratio() {
        return recordsPerSecond / passThroughRecordsPerSecond;
    }

    static BenchResults read(Class<?> bench, Object measured, int warmups, int iterations) throws Exception {
        if (measured instanceof Throughput.Result result) {
            for (Method m : bench.getMethods()) {
                if (Modifier.isStatic(m.getModifiers())
                        && isBaselineName(m.getName())
                        && m.getParameterCount() == 2
                        && m.getParameterTypes()[0] == int.class
                        && m.getParameterTypes()[1] == int.class
                        && Throughput.Result.class.isAssignableFrom(m.getReturnType())) {
                    Throughput.Result base = (Throughput.Result) Scorecard.invokeStatic(m, warmups, iterations);
                    return new BenchResults(result.medianRecordsPerSecond(), base.medianRecordsPerSecond());
                }
            }
            return new BenchResults(result.medianRecordsPerSecond(), Double.NaN);
        }
        if (measured != null && measured.getClass().isRecord()) {
            double processor = Double.NaN;
            double baseline = Double.NaN;
            for (RecordComponent rc : measured.getClass().getRecordComponents()) {
                Method accessor = rc.getAccessor();
                accessor.setAccessible(true);
                Object value = accessor.invoke(measured);
                if (value instanceof Throughput.Result r) {
                    if (isBaselineName(rc.getName()) || isBaselineName(r.name())) {
                        baseline = r.medianRecordsPerSecond();
                    } else {
                        processor = r.medianRecordsPerSecond();
                    }
                }
            }
            return new BenchResults(processor, baseline);
        }
        throw new IllegalStateException(
                bench.getSimpleName() + ".measure returned " + measured + ", not a Throughput.Result");
    }

    static boolean isBaselineName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.contains("pass") || n.contains("baseline");
    }
}
