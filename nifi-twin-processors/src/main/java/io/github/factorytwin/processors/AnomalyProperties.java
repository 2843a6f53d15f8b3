package io.github.factorytwin.processors;

import io.github.factorytwin.anomaly.AnomalyDetector;
import io.github.factorytwin.anomaly.DerivedFeature;
import io.github.factorytwin.anomaly.FeatureSpec;
import io.github.factorytwin.anomaly.MissingValueStrategy;
import io.github.factorytwin.anomaly.ScorePostProcessing;
import io.github.factorytwin.records.TwinFields;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.apache.nifi.components.DescribedValue;
import org.apache.nifi.components.PropertyDescriptor;
import org.apache.nifi.components.Validator;
import org.apache.nifi.processor.util.StandardValidators;

/** Properties and enumerations shared by ScoreAnomaly and TrainAnomalyModel. */
final class AnomalyProperties {

    private AnomalyProperties() {}

    /** Where ScoreAnomaly's model comes from. */
    enum ModelSource implements DescribedValue {
        LEARN_FROM_STREAM(
                "LEARN_FROM_STREAM",
                "Learn from Stream",
                "Collect the first 'Warm-up Size' readings (per 'Model Scope'), fit a model on them, then score;"
                        + " optionally refit every 'Retrain Interval' readings. Learned models live in memory, and"
                        + " also in the 'State Directory' when one is set, so that a restart keeps them."),
        MODEL_FILE(
                "MODEL_FILE",
                "Model File",
                "Score with a model file written by TrainAnomalyModel; the file is reloaded when it changes,"
                        + " without stopping the processor.");

        private final String value;
        private final String displayName;
        private final String description;

        ModelSource(String value, String displayName, String description) {
            this.value = value;
            this.displayName = displayName;
            this.description = description;
        }

        @Override
        public String getValue() {
            return value;
        }

        @Override
        public String getDisplayName() {
            return displayName;
        }

        @Override
        public String getDescription() {
            return description;
        }
    }

    /** How the raw score becomes the reported score. */
    enum PostProcessing implements DescribedValue {
        NONE(
                "NONE",
                "None",
                "The raw Isolation Forest score: how easily the reading is isolated from the model's sample.",
                ScorePostProcessing.Mode.NONE),
        LIKELIHOOD(
                "LIKELIHOOD",
                "Anomaly Likelihood",
                "The anomaly likelihood of the machine's recent raw scores against its longer history (has the"
                        + " score distribution just changed?), log-scaled to 0..1: 0.5 is a likelihood of about"
                        + " 0.99999. A sustained change is flagged once, when it starts, not on every reading."
                        + " Use an Anomaly Threshold of about 0.5.",
                ScorePostProcessing.Mode.LIKELIHOOD);

        private final String value;
        private final String displayName;
        private final String description;
        private final ScorePostProcessing.Mode mode;

        PostProcessing(String value, String displayName, String description, ScorePostProcessing.Mode mode) {
            this.value = value;
            this.displayName = displayName;
            this.description = description;
            this.mode = mode;
        }

        ScorePostProcessing.Mode mode() {
            return mode;
        }

        @Override
        public String getValue() {
            return value;
        }

        @Override
        public String getDisplayName() {
            return displayName;
        }

        @Override
        public String getDescription() {
            return description;
        }
    }

    /** Which readings share a learned model. */
    enum ModelScope implements DescribedValue {
        GLOBAL("GLOBAL", "Global", "One model for all machines.", AnomalyDetector.Scope.GLOBAL),
        PER_MACHINE(
                "PER_MACHINE",
                "Per Machine",
                "One model per machine id: each machine is compared with its own normal behaviour. Each machine"
                        + " warms up on its own first 'Warm-up Size' readings.",
                AnomalyDetector.Scope.PER_MACHINE),
        PER_MACHINE_TYPE(
                "PER_MACHINE_TYPE",
                "Per Machine Type",
                "One model per value of the 'Machine Type Field': machines of a kind share what normal means.",
                AnomalyDetector.Scope.PER_MACHINE_TYPE);

        private final String value;
        private final String displayName;
        private final String description;
        private final AnomalyDetector.Scope scope;

        ModelScope(String value, String displayName, String description, AnomalyDetector.Scope scope) {
            this.value = value;
            this.displayName = displayName;
            this.description = description;
            this.scope = scope;
        }

        AnomalyDetector.Scope scope() {
            return scope;
        }

        @Override
        public String getValue() {
            return value;
        }

        @Override
        public String getDisplayName() {
            return displayName;
        }

        @Override
        public String getDescription() {
            return description;
        }
    }

    /** What to do with a missing or non-finite feature value. */
    enum MissingValues implements DescribedValue {
        IMPUTE_LAST(
                "IMPUTE_LAST",
                "Impute Last Value",
                "Use the machine's last valid value of the field and say so in 'anomaly_explanation'. A machine"
                        + " without an earlier value of the field sends the record to failure. Imputed readings are"
                        + " scored but never learned from.",
                MissingValueStrategy.IMPUTE_LAST),
        FAIL(
                "FAIL",
                "Route to Failure",
                "Send the record to failure with the field's name in 'record.error.message'.",
                MissingValueStrategy.FAIL);

        private final String value;
        private final String displayName;
        private final String description;
        private final MissingValueStrategy strategy;

        MissingValues(String value, String displayName, String description, MissingValueStrategy strategy) {
            this.value = value;
            this.displayName = displayName;
            this.description = description;
            this.strategy = strategy;
        }

        MissingValueStrategy strategy() {
            return strategy;
        }

        @Override
        public String getValue() {
            return value;
        }

        @Override
        public String getDisplayName() {
            return displayName;
        }

        @Override
        public String getDescription() {
            return description;
        }
    }

    /** Derived features added per machine. */
    enum DerivedFeatures implements DescribedValue {
        NONE("NONE", "None", "Only the Feature Fields themselves.", EnumSet.noneOf(DerivedFeature.class)),
        DELTA(
                "DELTA",
                "Delta",
                "Adds '<field>.delta' for each feature field: the change since the machine's previous reading.",
                EnumSet.of(DerivedFeature.DELTA)),
        WINDOW(
                "WINDOW",
                "Window",
                "Adds '<field>.window_z' for each feature field: how many standard deviations the reading lies from"
                        + " the mean of the machine's previous " + FeatureSpec.DEFAULT_WINDOW_SIZE + " readings.",
                EnumSet.of(DerivedFeature.WINDOW)),
        DELTA_AND_WINDOW(
                "DELTA_AND_WINDOW",
                "Delta and Window",
                "Adds both.",
                EnumSet.of(DerivedFeature.DELTA, DerivedFeature.WINDOW));

        private final String value;
        private final String displayName;
        private final String description;
        private final Set<DerivedFeature> features;

        DerivedFeatures(String value, String displayName, String description, Set<DerivedFeature> features) {
            this.value = value;
            this.displayName = displayName;
            this.description = description;
            this.features = features;
        }

        Set<DerivedFeature> features() {
            return features;
        }

        @Override
        public String getValue() {
            return value;
        }

        @Override
        public String getDisplayName() {
            return displayName;
        }

        @Override
        public String getDescription() {
            return description;
        }
    }

    static final Validator FIELD_LIST_VALIDATOR = (subject, input, context) -> {
        String problem = null;
        try {
            new FeatureSpec(FeatureSpec.parseFields(input), Set.of());
        } catch (IllegalArgumentException e) {
            problem = e.getMessage() + ": list the numeric record fields to score, separated by commas";
        }
        return Validation.result(subject, input, problem);
    };

    static final PropertyDescriptor FEATURE_FIELDS = new PropertyDescriptor.Builder()
            .name("Feature Fields")
            .description("Comma-separated numeric record fields the model scores, in this order. A model file"
                    + " remembers them: ScoreAnomaly must use the same list as the TrainAnomalyModel that wrote it.")
            .required(true)
            .defaultValue(String.join(",", TwinFields.TEMPERATURE, TwinFields.VIBRATION, TwinFields.RPM))
            .addValidator(FIELD_LIST_VALIDATOR)
            .build();

    static final PropertyDescriptor DERIVED_FEATURES = new PropertyDescriptor.Builder()
            .name("Derived Features")
            .description("Features computed per machine from its own recent readings and added after the Feature"
                    + " Fields, so a sudden jump or a break from the machine's recent behaviour stands out even"
                    + " when the value alone is normal for the fleet. They need the machine's readings in order.")
            .required(true)
            .allowableValues(DerivedFeatures.class)
            .defaultValue(DerivedFeatures.NONE)
            .build();

    static final PropertyDescriptor NUMBER_OF_TREES = new PropertyDescriptor.Builder()
            .name("Number of Trees")
            .description("Trees in the Isolation Forest. More trees give steadier scores and cost proportionally"
                    + " more time per record.")
            .required(true)
            .defaultValue("100")
            .addValidator(StandardValidators.createLongValidator(1, 10_000, true))
            .build();

    static final PropertyDescriptor SUBSAMPLE_SIZE = new PropertyDescriptor.Builder()
            .name("Subsample Size")
            .description("Training rows drawn (without replacement) for each tree; all rows when there are fewer."
                    + " Trees are limited to depth ceil(log2(Subsample Size)). 256 is the value recommended by the"
                    + " Isolation Forest authors.")
            .required(true)
            .defaultValue("256")
            .addValidator(StandardValidators.createLongValidator(2, 1 << 20, true))
            .build();

    static final PropertyDescriptor RANDOM_SEED = new PropertyDescriptor.Builder()
            .name("Random Seed")
            .description("Seed of the model fits: the same data and seed give the same model and scores. Leave"
                    + " empty for a random seed per fit.")
            .required(false)
            .addValidator(StandardValidators.LONG_VALIDATOR)
            .build();

    /** The Random Seed's value, or null when it is empty (a random seed per fit). */
    static Long seed(String text) {
        return text == null || text.isBlank() ? null : Long.parseLong(text.trim());
    }

    static FeatureSpec featureSpec(String fields, DerivedFeatures derived) {
        return new FeatureSpec(FeatureSpec.parseFields(fields), derived.features());
    }

    static List<String> featureNames(String fields, DerivedFeatures derived) {
        return featureSpec(fields, derived).names();
    }
}
