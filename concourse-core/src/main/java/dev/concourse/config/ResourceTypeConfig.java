package dev.concourse.config;

import dev.concourse.internal.config.Frozen;
import java.util.List;
import java.util.Map;

/**
 * A custom resource type ({@code resource_types}): its image is itself fetched as a resource of
 * {@code type}.
 *
 * @param name       the type's name, used as {@code type:} of resources
 * @param type       the type of the resource that provides this type's image
 * @param source     source of the image resource
 * @param defaults   merged into the {@code source} of every resource of this type
 * @param privileged whether containers of this type run privileged
 * @param checkEvery {@code check_every} for the image, or null
 * @param tags       worker tags
 * @param params     get params for fetching the image
 */
public record ResourceTypeConfig(
        String name,
        String type,
        Map<String, Object> source,
        Map<String, Object> defaults,
        boolean privileged,
        String checkEvery,
        List<String> tags,
        Map<String, Object> params) {

    public ResourceTypeConfig {
        source = Frozen.map(source);
        defaults = Frozen.map(defaults);
        tags = Frozen.list(tags);
        params = Frozen.map(params);
    }
}
