package dev.concourse.internal.resourcetype.registry;

/**
 * A reference to a blob or manifest of a repository, as manifests and indexes list them.
 *
 * @param mediaType what it is
 * @param digest    {@code sha256:<hex>}
 * @param size      its length in bytes, -1 if not given
 * @param platform  for an index's entries, the platform of the image; else null
 */
public record Descriptor(String mediaType, String digest, long size, Platform platform) {
}
