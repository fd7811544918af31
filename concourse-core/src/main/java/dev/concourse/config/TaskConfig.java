package dev.concourse.config;

import dev.concourse.internal.config.Frozen;
import java.util.List;
import java.util.Map;

/**
 * A task's config: what to run and in which image, inline in a pipeline ({@code config:}) or in
 * a task file.
 *
 * @param platform        {@code linux}, {@code windows}, {@code darwin}...
 * @param rootfsUri       {@code rootfs_uri}: the image as a URI such as {@code raw:///path}, or null
 * @param imageResource   {@code image_resource}: the image as a resource, or null
 * @param containerLimits {@code container_limits}, or null
 * @param params          environment variables (values as strings)
 * @param run             what to execute, or null when missing
 * @param inputs          artifacts the task needs
 * @param outputs         artifacts the task produces
 * @param caches          directories kept between builds of the same task
 */
public record TaskConfig(
        String platform,
        String rootfsUri,
        ImageResource imageResource,
        ContainerLimits containerLimits,
        Map<String, String> params,
        TaskRunConfig run,
        List<TaskInputConfig> inputs,
        List<TaskOutputConfig> outputs,
        List<TaskCacheConfig> caches) {

    public TaskConfig {
        params = Frozen.strings(params);
        inputs = Frozen.list(inputs);
        outputs = Frozen.list(outputs);
        caches = Frozen.list(caches);
    }

    /**
     * {@code run}: the command.
     *
     * @param path the executable
     * @param args its arguments
     * @param dir  the working directory relative to the build directory, or null
     * @param user the user to run as, or null for the image's
     */
    public record TaskRunConfig(String path, List<String> args, String dir, String user) {
        public TaskRunConfig {
            args = Frozen.list(args);
        }
    }

    /**
     * An input artifact.
     *
     * @param name     the artifact's name
     * @param path     where it appears relative to the build directory, or null for {@code name}
     * @param optional whether the task runs without it
     */
    public record TaskInputConfig(String name, String path, boolean optional) {
    }

    /**
     * An output artifact.
     *
     * @param name the artifact's name
     * @param path where the task writes it, or null for {@code name}
     */
    public record TaskOutputConfig(String name, String path) {
    }

    /**
     * A cached directory.
     *
     * @param path the directory relative to the build directory
     * @param ttl  how long an unused cache lives, or null
     */
    public record TaskCacheConfig(String path, String ttl) {
    }

    /**
     * {@code image_resource}: the task's image as a resource to fetch.
     *
     * @param name    a name for the image in the build's plan, or null
     * @param type    the resource type
     * @param source  the resource's source
     * @param version a version to fetch, empty for the latest
     * @param params  get params
     * @param tags    worker tags
     */
    public record ImageResource(
            String name,
            String type,
            Map<String, Object> source,
            Map<String, String> version,
            Map<String, Object> params,
            List<String> tags) {
        public ImageResource {
            source = Frozen.map(source);
            version = Frozen.strings(version);
            params = Frozen.map(params);
            tags = Frozen.list(tags);
        }
    }
}
