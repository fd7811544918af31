package dev.concourse.resource;

import java.util.Objects;

/**
 * One line of metadata a resource reports about a version it fetched or created.
 *
 * @param name  the field's name, such as {@code author}
 * @param value its value
 */
public record MetadataField(String name, String value) {
    public MetadataField {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
    }
}
