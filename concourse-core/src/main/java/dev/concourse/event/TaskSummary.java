package dev.concourse.event;

import dev.concourse.internal.config.Frozen;
import java.util.List;

/**
 * The part of a task's config that task events carry (Concourse's "shadow" task config).
 *
 * @param platform the platform
 * @param image    the image as a URI ({@code rootfs_uri}), or empty
 * @param path     the executable
 * @param args     its arguments
 * @param dir      its working directory, or empty
 * @param inputs   the inputs, as name and path
 */
public record TaskSummary(String platform, String image, String path, List<String> args, String dir,
        List<Input> inputs) {

    public TaskSummary {
        args = Frozen.list(args);
        inputs = Frozen.list(inputs);
    }

    /**
     * An input of the task.
     *
     * @param name its name
     * @param path its path, or empty
     */
    public record Input(String name, String path) {
    }
}
