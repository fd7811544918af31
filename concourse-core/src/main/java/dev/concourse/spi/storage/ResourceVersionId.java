package dev.concourse.spi.storage;

/**
 * A version of a resource, by ids.
 *
 * @param resourceId the resource's id
 * @param versionId  the version's id (see {@link dev.concourse.resource.ResourceVersion#id()})
 */
public record ResourceVersionId(long resourceId, long versionId) {
}
