package dev.concourse.internal.resourcetype;

import dev.concourse.internal.config.Frozen;
import dev.concourse.spi.resource.ResourceType;
import dev.concourse.spi.runtime.ContainerImage;
import java.util.Map;
import java.util.Objects;

/**
 * A resource type ready to run: a native type of the engine, or a container type (an image with
 * {@code /opt/resource/*}: a custom type whose image a {@link TypePlan} fetched, or a base type
 * registered with an image). Each carries the {@code defaults} merged into the {@code source} of
 * every resource of the type.
 */
public sealed interface ResolvedType {

    /** The type's name as pipelines use it. */
    String name();

    /** Merged under the {@code source} of every resource of this type; empty when none. */
    Map<String, Object> defaults();

    /** A {@link ResourceType} run in the engine's JVM. */
    record Native(ResourceType type, Map<String, Object> defaults) implements ResolvedType {
        public Native {
            Objects.requireNonNull(type, "type");
            defaults = Frozen.map(defaults);
        }

        @Override
        public String name() {
            return type.name();
        }
    }

    /**
     * A type whose scripts run in a container of {@code image}.
     *
     * @param name       the type's name
     * @param image      a volume holding {@code rootfs/} and {@code metadata.json} (a fetched image), or
     *                   a {@code raw://} root file system
     * @param privileged whether its containers run privileged ({@code privileged:} of the type)
     * @param defaults   the type's {@code defaults}
     */
    record Container(String name, ContainerImage image, boolean privileged, Map<String, Object> defaults)
            implements ResolvedType {
        public Container {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(image, "image");
            if (image.isNone()) {
                throw new IllegalArgumentException("container resource type '" + name + "' needs an image");
            }
            defaults = Frozen.map(defaults);
        }
    }
}
