package io.github.factorytwin.processors;

import io.github.factorytwin.context.OperatingContext;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import org.apache.nifi.components.PropertyDescriptor;
import org.apache.nifi.components.Validator;
import org.apache.nifi.processor.util.StandardValidators;

/**
 * The operating context properties ScoreAnomaly and ComputeHealthScore share: one definition of each (name,
 * meaning, validation); each processor adds its default and what the property depends on.
 */
final class OperatingContextProperties {

    private OperatingContextProperties() {}

    /** 1 to {@link OperatingContext#FIELD_LIMIT} distinct field names, separated by commas. */
    static final Validator FIELDS_VALIDATOR = (subject, input, context) -> {
        List<String> fields = input == null ? List.of() : fields(input);
        boolean fine = !fields.isEmpty()
                && fields.size() <= OperatingContext.FIELD_LIMIT
                && new HashSet<>(fields).size() == fields.size();
        return Validation.result(
                subject,
                input,
                fine
                        ? null
                        : "must name 1 to " + OperatingContext.FIELD_LIMIT + " distinct fields, separated by commas");
    };

    /** Operating Context Fields; the processor adds its default and says what is conditioned on them. */
    static final PropertyDescriptor FIELDS = new PropertyDescriptor.Builder()
            .name("Operating Context Fields")
            .description("Comma-separated numeric fields that describe how the machine is being run (load, speed,"
                    + " set-points, operational settings). They are never symptoms themselves: what is learned is"
                    + " conditioned on them, so a change of operating context is not flagged while a deviation"
                    + " within one is.")
            .addValidator(FIELDS_VALIDATOR)
            .build();

    /** Regime Distance; the processor adds what it depends on. */
    static final PropertyDescriptor REGIME_DISTANCE = new PropertyDescriptor.Builder()
            .name("Regime Distance")
            .description("A reading whose context differs from every known regime's centre by more than this"
                    + " fraction in at least one field opens a new regime (while fewer than Maximum Regimes exist)."
                    + " Each field is measured relative to its own magnitude (0.1: 10%, so set-points 1500 and 1800"
                    + " rpm are two regimes); a field near zero is measured against 1% of the context's largest"
                    + " magnitude, so noise around zero does not open regimes.")
            .required(true)
            .defaultValue(String.valueOf(OperatingContext.DEFAULT_REGIME_DISTANCE))
            .addValidator(Validation.decimalRange(0, false, 10, true, "a fraction of each context field's magnitude"))
            .build();

    /** Maximum Regimes; the processor adds what each regime costs and what it depends on. */
    static final PropertyDescriptor MAXIMUM_REGIMES = new PropertyDescriptor.Builder()
            .name("Maximum Regimes")
            .description("Most regimes (1 to " + OperatingContext.REGIME_LIMIT + ") per machine (ComputeHealthScore)"
                    + " or per Model Scope key (ScoreAnomaly); once reached, a reading joins the nearest regime.")
            .required(true)
            .defaultValue(String.valueOf(OperatingContext.DEFAULT_MAX_REGIMES))
            .addValidator(StandardValidators.createLongValidator(1, OperatingContext.REGIME_LIMIT, true))
            .build();

    /** The field names of a comma-separated list, trimmed, empty entries dropped. */
    static List<String> fields(String text) {
        return text == null
                ? List.of()
                : Arrays.stream(text.split(","))
                        .map(String::trim)
                        .filter(s -> !s.isEmpty())
                        .toList();
    }
}
