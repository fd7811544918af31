package dev.concourse.vars;

import java.util.List;

/**
 * The outcome of interpolating one scalar string.
 *
 * @param value   the result: the var's value with its type when the string was exactly one
 *                found {@code ((ref))} (a map, list, number, bool, string or null; maps and
 *                lists unmodifiable), otherwise a string in which found references are replaced
 *                and missing ones kept as written
 * @param missing the references of this scalar whose var was not found, in order of
 *                appearance, without duplicates; never null
 */
public record InterpolatedScalar(Object value, List<VarRef> missing) {

    /** Copies the missing references. */
    public InterpolatedScalar {
        missing = List.copyOf(missing);
    }

    /** Whether every reference in the scalar was found. */
    public boolean complete() {
        return missing.isEmpty();
    }
}
