package io.github.factorytwin.anomaly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AnomalyDetectorConfigTest {

    private static final FeatureSpec SPEC = new FeatureSpec(List.of("temperature"), Set.of());

    @Test
    void theBuilderListsTheEngineDefaults() {
        AnomalyDetector.Config config = AnomalyDetector.Config.builder(SPEC).build();

        assertEquals(
                new AnomalyDetector.Config(
                        SPEC,
                        MissingValueStrategy.IMPUTE_LAST,
                        AnomalyDetector.Scope.GLOBAL,
                        1000,
                        0,
                        100,
                        256,
                        0.65,
                        null,
                        1000,
                        Integer.MAX_VALUE,
                        AnomalyDetector.Config.NO_GUARD,
                        1000),
                config);
    }

    @Test
    void theRetrainingSampleFollowsTheWarmUpUnlessSet() {
        assertEquals(
                300,
                AnomalyDetector.Config.builder(SPEC).warmUpSize(300).build().sampleSize());
        assertEquals(
                5000,
                AnomalyDetector.Config.builder(SPEC)
                        .warmUpSize(300)
                        .sampleSize(5000)
                        .build()
                        .sampleSize());
    }

    @Test
    void theWarmUpMinimumFollowsTheWarmUpUnlessSetAlsoThroughToBuilder() {
        AnomalyDetector.Config plain = AnomalyDetector.Config.builder(SPEC)
                .warmUpSize(300)
                .sampleSize(5000)
                .build();
        assertEquals(300, plain.warmUpMinimum());
        // a larger or smaller warm-up: still exactly that many readings, no early end switched on by the copy
        assertEquals(2000, plain.toBuilder().warmUpSize(2000).build().warmUpMinimum());
        assertEquals(100, plain.toBuilder().warmUpSize(100).build().warmUpMinimum());
        AnomalyDetector.Config early = plain.toBuilder().warmUpMinimum(150).build();
        assertEquals(150, early.toBuilder().warmUpSize(2000).build().warmUpMinimum());
    }

    @Test
    void toBuilderKeepsEverySettingButTheOnesChanged() {
        AnomalyDetector.Config config = AnomalyDetector.Config.builder(SPEC)
                .missing(MissingValueStrategy.FAIL)
                .scope(AnomalyDetector.Scope.PER_MACHINE)
                .warmUpSize(200)
                .retrainInterval(50)
                .trees(10)
                .subsampleSize(64)
                .threshold(0.7)
                .seed(3L)
                .sampleSize(400)
                .maxMachines(9)
                .learningGuard(0.4)
                .build();

        assertEquals(config, config.toBuilder().build());
        AnomalyDetector.Config frozen = config.toBuilder().retrainInterval(0).build();
        assertEquals(0, frozen.retrainInterval());
        assertEquals(config, frozen.toBuilder().retrainInterval(50).build());
    }

    @Test
    void invalidSettingsAreRefusedWithAReason() {
        IllegalArgumentException tooSmall =
                assertThrows(IllegalArgumentException.class, () -> AnomalyDetector.Config.builder(SPEC)
                        .warmUpSize(500)
                        .sampleSize(100)
                        .build());
        assertEquals("The retraining sample must hold at least the warm-up readings", tooSmall.getMessage());
    }
}
