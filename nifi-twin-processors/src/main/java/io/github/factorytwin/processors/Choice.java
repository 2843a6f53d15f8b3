package io.github.factorytwin.processors;

import org.apache.nifi.components.DescribedValue;

/**
 * A property value offered as an enum constant: the constant's name is the stored value, and its {@link Label} is
 * what NiFi's UI shows. Implemented by the processors' option enums so each holds one label, not three getters.
 */
public interface Choice extends DescribedValue {

    /** What NiFi's UI shows for a value. */
    record Label(String displayName, String description) {}

    Label label();

    /** The enum constant's name (implemented by {@link Enum#name()}). */
    String name();

    @Override
    default String getValue() {
        return name();
    }

    @Override
    default String getDisplayName() {
        return label().displayName();
    }

    @Override
    default String getDescription() {
        return label().description();
    }
}
