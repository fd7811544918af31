package dev.concourse.config;

import dev.concourse.internal.config.Frozen;
import java.util.List;
import java.util.Map;

/**
 * A prototype ({@code prototypes}, experimental in Concourse): an image that implements
 * messages invoked by {@link RunStep}. Shares its namespace with resource types.
 *
 * @param name       the prototype's name
 * @param type       the type of the resource that provides its image
 * @param source     source of the image resource
 * @param defaults   defaults merged into params
 * @param privileged whether its containers run privileged
 * @param checkEvery {@code check_every} for the image, or null
 * @param tags       worker tags
 * @param params     get params for fetching the image
 */
public record PrototypeConfig(
        String name,
        String type,
        Map<String, Object> source,
        Map<String, Object> defaults,
        boolean privileged,
        String checkEvery,
        List<String> tags,
        Map<String, Object> params) {

    public PrototypeConfig {
        source = Frozen.map(source);
        defaults = Frozen.map(defaults);
        tags = Frozen.list(tags);
        params = Frozen.map(params);
    }
}
