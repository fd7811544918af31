package dev.concourse.spi.storage;

import java.util.Objects;

/**
 * A version a job build produced (by a put step), as {@link BuildStore#saveOutputs} records it.
 *
 * @param name       the output's name (the put step's name)
 * @param resourceId the resource's id
 * @param versionId  the version's id (see {@link dev.concourse.resource.ResourceVersion#id()})
 */
public record BuildOutput(String name, long resourceId, long versionId) {
    public BuildOutput {
        Objects.requireNonNull(name, "name");
    }
}
