package dev.concourse.config;

import dev.concourse.internal.config.Frozen;
import java.util.List;
import java.util.Map;

/**
 * A resource: something outside the pipeline that has versions ({@code resources}).
 *
 * @param name                 the resource's name
 * @param oldName              {@code old_name}: the previous name whose history it keeps, or null
 * @param isPublic             {@code public}: whether build metadata of this resource is visible to everyone
 * @param webhookToken         {@code webhook_token}, or null
 * @param type                 the resource type
 * @param source               {@code source}: the type's settings, opaque here
 * @param checkEvery           {@code check_every}: a duration such as {@code 10m}, or {@code never}, or null for the default
 * @param checkTimeout         {@code check_timeout}: a duration, or null for the default
 * @param tags                 worker tags
 * @param version              {@code version}: a version the resource is pinned to, empty when not pinned
 * @param icon                 a Material Design icon name, or null
 * @param exposeBuildCreatedBy {@code expose_build_created_by}
 */
public record ResourceConfig(
        String name,
        String oldName,
        boolean isPublic,
        String webhookToken,
        String type,
        Map<String, Object> source,
        String checkEvery,
        String checkTimeout,
        List<String> tags,
        Map<String, String> version,
        String icon,
        boolean exposeBuildCreatedBy) {

    public ResourceConfig {
        source = Frozen.map(source);
        tags = Frozen.list(tags);
        version = Frozen.strings(version);
    }
}
