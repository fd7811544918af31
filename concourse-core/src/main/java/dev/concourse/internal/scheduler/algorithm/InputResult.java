package dev.concourse.internal.scheduler.algorithm;

import java.util.Set;

/**
 * What the algorithm found for one input.
 *
 * @param versionId       the version, 0 when unresolved
 * @param passedBuildIds  the upstream builds that vouched for it (the next build's pipes)
 * @param firstOccurrence whether no build of the job had this version for this input yet
 * @param hasNextEvery    whether a later version is waiting ({@code every})
 * @param error           why the input is unresolved, null when resolved
 */
public record InputResult(long versionId, Set<Long> passedBuildIds, boolean firstOccurrence, boolean hasNextEvery,
        String error) {

    public InputResult {
        passedBuildIds = passedBuildIds == null ? Set.of() : Set.copyOf(passedBuildIds);
    }

    static InputResult failed(String error) {
        return new InputResult(0, Set.of(), false, false, error);
    }

    public boolean resolved() {
        return error == null;
    }
}
