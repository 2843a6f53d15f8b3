package io.github.factorytwin.state;

import io.github.factorytwin.anomaly.DerivedFeature;
import io.github.factorytwin.anomaly.FeatureSpec;
import io.github.factorytwin.anomaly.FeatureState;
import io.github.factorytwin.anomaly.IsolationForestModel;
import io.github.factorytwin.anomaly.MissingFeatureException;
import io.github.factorytwin.anomaly.MissingValueStrategy;
import io.github.factorytwin.anomaly.PostProcessingState;
import io.github.factorytwin.anomaly.ScorePostProcessing;
import io.github.factorytwin.context.OperatingContext;
import io.github.factorytwin.health.HealthConfig;
import io.github.factorytwin.health.HealthEngine;
import io.github.factorytwin.health.ScoredReading;
import io.github.factorytwin.simulator.FactorySimulator;
import io.github.factorytwin.simulator.FleetDefinition;
import io.github.factorytwin.simulator.SimulationSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Deterministic scenarios whose saved state is kept as fixtures under {@code state/fixtures} (bytes written by the
 * version before the common state pattern): the tests rebuild the same state afresh and compare it with what the
 * current code reads from the fixture. Change nothing here that changes the scenarios' results.
 */
final class StateFixtures {

    static final String DIRECTORY = "/io/github/factorytwin/state/fixtures/";
    static final List<String> SENSORS = List.of("temperature", "vibration", "rpm");
    static final FeatureSpec FEATURES = new FeatureSpec(
            List.of("temperature", "vibration", "rpm"), EnumSet.of(DerivedFeature.DELTA, DerivedFeature.WINDOW));
    static final List<String> SETTINGS = List.of("fixture");
    static final String SCOPE_KEY = "M001";
    static final long START = 1_700_000_000_000L;
    static final long HOUR = 3_600_000L;

    private StateFixtures() {}

    static byte[] resource(String name) {
        try (InputStream in = StateFixtures.class.getResourceAsStream(DIRECTORY + name)) {
            if (in == null) {
                throw new IllegalStateException("missing fixture " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** ComputeHealthScore's default context (Load Following on rpm): a load model with lags. */
    static HealthEngine loadEngine() {
        return new HealthEngine(HealthConfig.of(SENSORS, 70, 40, 5, 0, 50, 0, 120), null);
    }

    /** Operating Regimes on rpm. */
    static HealthEngine regimesEngine() {
        return new HealthEngine(
                HealthConfig.of(SENSORS, 70, 40, 5, 0, 50, 0, 120)
                        .withContext(OperatingContext.regimes(List.of("rpm"), 0.1, 8)),
                null);
    }

    /** No context at all: plain baselines. */
    static HealthEngine plainEngine() {
        return new HealthEngine(
                HealthConfig.of(SENSORS, 70, 40, 5, 0, 50, 0, 120)
                        .withContext(OperatingContext.loadFollowing(List.of())),
                null);
    }

    /** A machine's state after {@code count} readings of a drifting pump at two speeds (seeded). */
    static io.github.factorytwin.health.MachineState healthState(HealthEngine engine, String machineId, int count) {
        io.github.factorytwin.health.MachineState state = engine.newState();
        Random random = new Random(machineId.hashCode());
        for (int i = 0; i < count; i++) {
            double rpm = (i / 40) % 2 == 0 ? 1500 : 3000;
            double drift = i > count / 2 ? 0.02 * (i - count / 2) : 0;
            double[] sensors = {
                40 + rpm / 100 + drift + random.nextGaussian(), 0.5 + rpm / 10_000 + 0.02 * random.nextGaussian(), rpm
            };
            engine.update(
                    state,
                    new ScoredReading(
                            machineId,
                            START + 2_000L * i,
                            sensors,
                            0.4 + 0.05 * random.nextDouble(),
                            false,
                            new double[] {rpm}));
        }
        return state;
    }

    static SimulationSettings simulatorSettings() {
        return new SimulationSettings(FleetDefinition.simple(4, "M"), 2_000, 8 * HOUR, 0.01);
    }

    /** A seeded factory after {@code readings} readings. */
    static FactorySimulator simulator(int readings) {
        FactorySimulator simulator = FactorySimulator.create(simulatorSettings(), 7, START);
        io.github.factorytwin.simulator.SimulatedReading reading =
                new io.github.factorytwin.simulator.SimulatedReading();
        for (int i = 0; i < readings; i++) {
            simulator.next(reading);
        }
        return simulator;
    }

    /** The next {@code count} readings as text. */
    static List<String> readings(FactorySimulator simulator, int count) {
        List<String> out = new ArrayList<>();
        io.github.factorytwin.simulator.SimulatedReading reading =
                new io.github.factorytwin.simulator.SimulatedReading();
        for (int i = 0; i < count; i++) {
            simulator.next(reading);
            out.add(reading.toString());
        }
        return out;
    }

    static double[][] rows(int n, long seed) {
        Random random = new Random(seed);
        double[][] rows = new double[n][FEATURES.dimension()];
        for (double[] row : rows) {
            for (int j = 0; j < row.length; j++) {
                row[j] = 70 * (j + 1) + random.nextGaussian();
            }
        }
        return rows;
    }

    static IsolationForestModel model() {
        return IsolationForestModel.fit(FEATURES.names(), rows(200, 1), 10, 64, 3);
    }

    /** A ScoreAnomaly machine's feature state after {@code count} readings. */
    static FeatureState anomalyMachine(int count, long seed) {
        FeatureState state = new FeatureState(FEATURES);
        Random random = new Random(seed);
        try {
            for (int i = 0; i < count; i++) {
                state.extract(
                        FEATURES,
                        new double[] {
                            70 + random.nextGaussian(),
                            0.5 + 0.01 * random.nextGaussian(),
                            3000 + 10 * random.nextGaussian()
                        },
                        MissingValueStrategy.IMPUTE_LAST);
            }
        } catch (MissingFeatureException e) {
            throw new IllegalStateException(e);
        }
        return state;
    }

    static final ScorePostProcessing POST_PROCESSING = ScorePostProcessing.likelihoodAndRange(20);

    /** Machines M0..M2's post-processing states after {@code count} readings taken in turn. */
    static Map<String, PostProcessingState> postProcessing(int count) {
        Map<String, PostProcessingState> post = new HashMap<>();
        Random random = new Random(2);
        for (int i = 0; i < count; i++) {
            post.computeIfAbsent("M" + (i % 3), id -> POST_PROCESSING.newState())
                    .process(0.4 + 0.05 * random.nextGaussian(), 10 + random.nextGaussian());
        }
        return post;
    }
}
