package dev.concourse.spi.storage;

import java.util.Objects;

/**
 * A version a job build runs with, as {@link BuildStore#saveInputs} records it.
 *
 * @param name            the input's name (the get step's name)
 * @param resourceId      the resource's id
 * @param versionId       the version's id (see {@link dev.concourse.resource.ResourceVersion#id()})
 * @param firstOccurrence whether no build of the job had used this version for this input before
 *                        (as the scheduler found when it resolved the input)
 */
public record BuildInput(String name, long resourceId, long versionId, boolean firstOccurrence) {
    public BuildInput {
        Objects.requireNonNull(name, "name");
    }
}
