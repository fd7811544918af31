package dev.concourse.resource;

import java.util.List;
import java.util.Objects;

/**
 * What fetching ({@code get}, Concourse's {@code in}) or pushing ({@code put}, {@code out}) a
 * resource produced: the version fetched or created, and metadata about it shown with the build.
 *
 * @param version  the version, never null (a resource that reports none has failed)
 * @param metadata metadata fields in the order the resource reported them; never null, may be empty
 */
public record ResourceResult(Version version, List<MetadataField> metadata) {
    public ResourceResult {
        Objects.requireNonNull(version, "version");
        metadata = metadata == null ? List.of() : List.copyOf(metadata);
    }

    /** A result without metadata. */
    public static ResourceResult of(Version version) {
        return new ResourceResult(version, List.of());
    }
}
