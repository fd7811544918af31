package dev.concourse.vars;

import java.util.List;

/**
 * Thrown when {@link InterpolationOptions#expectAllVarsUsed()} is set and some vars the
 * {@link Variables} list were never referenced.
 *
 * <p>Message (Concourse's wording): {@code unused vars: a, src:b}, names ({@code source:path} or
 * {@code path}) sorted and without duplicates.
 */
public final class UnusedVarsException extends VarsException {
    private static final long serialVersionUID = 1L;

    private final transient List<String> varNames;

    UnusedVarsException(List<String> varNames) {
        super("unused vars: " + String.join(", ", varNames));
        this.varNames = List.copyOf(varNames);
    }

    /** The unused var names, sorted. */
    public List<String> varNames() {
        return varNames;
    }
}
