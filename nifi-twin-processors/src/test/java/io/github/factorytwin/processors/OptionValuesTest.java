package io.github.factorytwin.processors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import org.apache.nifi.components.DescribedValue;
import org.junit.jupiter.api.Test;

/** The option enums' stored values are what flows and saved configurations hold: they must never change. */
class OptionValuesTest {

    private static final List<Class<? extends Enum<? extends DescribedValue>>> OPTIONS = List.of(
            AnomalyProperties.ModelSource.class,
            AnomalyProperties.PostProcessing.class,
            AnomalyProperties.ModelScope.class,
            AnomalyProperties.MissingValues.class,
            AnomalyProperties.DerivedFeatures.class,
            Pacing.class);

    @Test
    void everyStoredValueIsTheConstantsNameAndEveryOptionIsDescribed() {
        for (Class<? extends Enum<? extends DescribedValue>> options : OPTIONS) {
            for (Enum<? extends DescribedValue> option : options.getEnumConstants()) {
                DescribedValue described = (DescribedValue) option;
                assertEquals(option.name(), described.getValue(), options.getSimpleName());
                assertFalse(described.getDisplayName().isBlank(), option.name());
                assertFalse(described.getDescription().isBlank(), option.name());
            }
        }
    }

    @Test
    void theStoredValuesOfTheFlowsAreOffered() {
        assertEquals(List.of("LEARN_FROM_STREAM", "MODEL_FILE"), values(AnomalyProperties.ModelSource.values()));
        assertEquals(List.of("NONE", "LIKELIHOOD"), values(AnomalyProperties.PostProcessing.values()));
        assertEquals(
                List.of("GLOBAL", "PER_MACHINE", "PER_MACHINE_TYPE"), values(AnomalyProperties.ModelScope.values()));
        assertEquals(List.of("IMPUTE_LAST", "FAIL"), values(AnomalyProperties.MissingValues.values()));
        assertEquals(
                List.of("NONE", "DELTA", "WINDOW", "DELTA_AND_WINDOW"),
                values(AnomalyProperties.DerivedFeatures.values()));
        assertEquals(List.of("REAL_TIME", "AS_FAST_AS_POSSIBLE"), values(Pacing.values()));
    }

    private static List<String> values(DescribedValue[] options) {
        return java.util.Arrays.stream(options).map(DescribedValue::getValue).toList();
    }
}
