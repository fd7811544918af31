package dev.concourse.resource;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A version as a scope (one version history) holds it. Immutable.
 *
 * @param id         stands for the version's fields: the same fields have the same id in every
 *                   scope, for the life of the store (as Concourse's version digests do), so
 *                   history recorded by id (build inputs and outputs, disabled versions) still
 *                   matches after a resource moves to another scope
 * @param scopeId    the scope
 * @param version    the fields
 * @param checkOrder its place in the scope's history: higher is newer; unique in the scope, not
 *                   consecutive
 * @param metadata   what the resource reported about it (by a get or put), empty if nothing yet
 * @param firstSeen  when the scope first saved it
 */
public record ResourceVersion(long id, long scopeId, Version version, long checkOrder, List<MetadataField> metadata,
        Instant firstSeen) {

    public ResourceVersion {
        Objects.requireNonNull(version, "version");
        metadata = metadata == null ? List.of() : List.copyOf(metadata);
        Objects.requireNonNull(firstSeen, "firstSeen");
    }
}
