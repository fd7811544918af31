package dev.concourse.vars;

import java.util.List;

/**
 * Thrown when {@link InterpolationOptions#expectAllKeys()} is set and vars were not found.
 *
 * <p>Message (Concourse's wording): {@code undefined vars: a, b.field, src:c}, names sorted and
 * without duplicates. When unused vars were also detected, the {@link UnusedVarsException} is
 * attached as suppressed and its message appended on a second line.
 */
public final class UndefinedVarsException extends VarsException {
    private static final long serialVersionUID = 1L;

    private final transient List<String> varNames;

    UndefinedVarsException(List<String> varNames, UnusedVarsException alsoUnused) {
        super("undefined vars: " + String.join(", ", varNames)
                + (alsoUnused == null ? "" : "\n" + alsoUnused.getMessage()));
        this.varNames = List.copyOf(varNames);
        if (alsoUnused != null) {
            addSuppressed(alsoUnused);
        }
    }

    /** The missing references as {@link VarRef#displayName()}, sorted. */
    public List<String> varNames() {
        return varNames;
    }
}
