package dev.concourse.spi.runtime;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A process to run in a container.
 *
 * @param id   a name to re-attach by ({@code task}, {@code resource}), unique in the container
 * @param path the executable: absolute, relative to {@code dir}, or looked up on PATH
 * @param args its arguments
 * @param env  environment added to the container's
 * @param dir  working directory (absolute, or relative to the container's), or null for the
 *             container's; created if missing
 * @param user user to run as, or null for the container's
 */
public record ProcessSpec(String id, String path, List<String> args, Map<String, String> env, String dir,
        String user) {
    public ProcessSpec {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(path, "path");
        args = args == null ? java.util.List.of() : java.util.List.copyOf(args);
        env = env == null ? java.util.Map.of() : java.util.Map.copyOf(env);
    }
}
