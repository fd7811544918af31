package dev.concourse.spi.storage;

import dev.concourse.resource.ResourceVersion;
import java.util.Objects;

/**
 * A version a job used as an input, and the newest build of the job that used it.
 *
 * @param version the version, as the resource's current scope holds it
 * @param buildId the newest (highest id) build of the job that had it as an input
 */
public record VersionUse(ResourceVersion version, long buildId) {
    public VersionUse {
        Objects.requireNonNull(version, "version");
    }
}
