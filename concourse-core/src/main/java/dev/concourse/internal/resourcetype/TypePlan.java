package dev.concourse.internal.resourcetype;

import dev.concourse.internal.config.Frozen;
import dev.concourse.spi.runtime.ContainerImage;
import dev.concourse.spi.runtime.Volume;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How to get a resource type ready to run ({@link ResourceTypeChain#resolve}): nothing to do for a
 * base type; for a custom type ({@code resource_types}), its image and those of the custom types
 * it is built on must be fetched first, innermost first, each by a check and a get of a resource
 * whose type is the base type (first fetch) or the type the previous fetch made ready (Concourse's
 * nested {@code image-check}/{@code image-get} plans, {@code atc/config.go ImageForType}).
 *
 * <p>The executor runs it like this:
 * <pre>{@code
 * ResolvedType current = registry.find(plan.baseType()).orElseThrow();
 * for (ImageFetch fetch : plan.imageFetches()) {
 *     // image-check: a check of a resource of type `current` with fetch.source()
 *     List<Version> versions = resources.check(current, ResourceCall.check(fetch.source(), null, log, cancel), worker);
 *     Volume image = worker.createVolume(...);
 *     // image-get: the latest version, with fetch.params()
 *     resources.get(current, ResourceCall.get(fetch.source(), fetch.params(), versions.getLast(), Map.of(), log, cancel),
 *             worker, image);
 *     current = fetch.containerType(image);
 * }
 * // current is now the resource's type
 * }</pre>
 *
 * @param type         the type asked for
 * @param baseType     the base type at the bottom of the chain (the type itself when it is a base type)
 * @param imageFetches the image fetches, innermost first; empty for a base type
 */
public record TypePlan(String type, String baseType, List<ImageFetch> imageFetches) {

    public TypePlan {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(baseType, "baseType");
        imageFetches = List.copyOf(imageFetches);
    }

    /** Whether the type is a base type, with no image to fetch. */
    public boolean isBase() {
        return imageFetches.isEmpty();
    }

    /**
     * Fetching the image of one custom type: a check and a get of a resource of {@code imageType}
     * with this {@code source} and {@code params}.
     *
     * @param type       the custom type whose image this fetches
     * @param imageType  the type of the resource that provides the image: the plan's base type for
     *                   the first fetch, the previous fetch's {@code type} for later ones
     * @param source     the custom type's {@code source} (the facade merges {@code imageType}'s defaults in)
     * @param params     get params for the image ({@code params} of the custom type)
     * @param privileged whether containers of the custom type run privileged
     * @param checkEvery how often the image may be checked ({@code check_every}), or null for the default
     * @param tags       worker tags of the custom type; the step's tags when empty (as Concourse)
     * @param defaults   the custom type's {@code defaults}, for resources of that type
     */
    public record ImageFetch(String type, String imageType, Map<String, Object> source, Map<String, Object> params,
            boolean privileged, String checkEvery, List<String> tags, Map<String, Object> defaults) {

        public ImageFetch {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(imageType, "imageType");
            source = Frozen.map(source);
            params = Frozen.map(params);
            tags = Frozen.list(tags);
            defaults = Frozen.map(defaults);
        }

        /** The custom type, ready to run, once its image has been fetched into {@code image}. */
        public ResolvedType.Container containerType(Volume image) {
            return new ResolvedType.Container(type, ContainerImage.fromVolume(image), privileged, defaults);
        }
    }
}
