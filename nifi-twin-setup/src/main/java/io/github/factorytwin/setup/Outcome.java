package io.github.factorytwin.setup;

/** What a set-up step did to one topic, template or index. */
public enum Outcome {
    /** It did not exist and was created. */
    CREATED,
    /** It existed and was left as it was. */
    EXISTED,
    /** It existed and was replaced with the project's definition (index templates). */
    UPDATED
}
