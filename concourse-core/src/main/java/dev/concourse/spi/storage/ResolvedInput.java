package dev.concourse.spi.storage;

import java.util.List;
import java.util.Objects;

/**
 * One input of a job as the scheduler last resolved it: the version the next build would use,
 * or why there is none. Stored by {@link BuildStore#saveNextInputs}.
 *
 * @param name            the input's name
 * @param resourceId      the resource's id, 0 when unresolved
 * @param versionId       the version's id, 0 when unresolved
 * @param firstOccurrence whether no build of the job used this version for this input yet
 * @param passedBuildIds  the upstream builds that passed this version on ({@code passed:}), in the
 *                        scheduler's order; empty without {@code passed}
 * @param resolveError    why no version could be chosen (such as {@code latest version of resource
 *                        not found}), or null when resolved
 */
public record ResolvedInput(String name, long resourceId, long versionId, boolean firstOccurrence,
        List<Long> passedBuildIds, String resolveError) {

    public ResolvedInput {
        Objects.requireNonNull(name, "name");
        passedBuildIds = passedBuildIds == null ? List.of() : List.copyOf(passedBuildIds);
        if (resolveError == null && (resourceId <= 0 || versionId <= 0)) {
            throw new IllegalArgumentException("input '" + name + "' is resolved but names no resource version");
        }
    }

    /** An input resolved to a version. */
    public static ResolvedInput resolved(String name, long resourceId, long versionId, boolean firstOccurrence,
            List<Long> passedBuildIds) {
        return new ResolvedInput(name, resourceId, versionId, firstOccurrence, passedBuildIds, null);
    }

    /** An input the scheduler could not resolve. */
    public static ResolvedInput failed(String name, String resolveError) {
        Objects.requireNonNull(resolveError, "resolveError");
        return new ResolvedInput(name, 0, 0, false, List.of(), resolveError);
    }

    /** Whether it names a version. */
    public boolean isResolved() {
        return resolveError == null;
    }
}
