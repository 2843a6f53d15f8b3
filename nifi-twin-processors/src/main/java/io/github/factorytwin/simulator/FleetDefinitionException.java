package io.github.factorytwin.simulator;

import java.util.List;

/** A fleet definition that cannot be used; {@link #problems()} names each problem with its JSON path. */
public class FleetDefinitionException extends IllegalArgumentException {

    private final List<String> problems;

    public FleetDefinitionException(List<String> problems) {
        super(String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
