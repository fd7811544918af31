package dev.concourse.spi.runtime;

import java.util.List;
import java.util.Map;

/**
 * What a container is made of.
 *
 * @param handle     the container's handle, or null to let the runtime choose one
 * @param image      its root filesystem
 * @param env        environment of every process (a process's own env is added to it)
 * @param user       default user of its processes, or null for the image's
 * @param workingDir default working directory, or null for {@code /}; created if missing
 * @param mounts     volumes mounted into it
 * @param limits     resource limits
 * @param privileged run without the isolation of an unprivileged container (no user namespace...)
 * @param properties key/value pairs stored with it (who owns it, for look-up after restarts)
 */
public record ContainerSpec(String handle, ContainerImage image, Map<String, String> env, String user,
        String workingDir, List<Mount> mounts, Limits limits, boolean privileged, Map<String, String> properties) {

    public ContainerSpec {
        image = image == null ? ContainerImage.NONE : image;
        env = env == null ? java.util.Map.of() : java.util.Map.copyOf(env);
        mounts = mounts == null ? java.util.List.of() : java.util.List.copyOf(mounts);
        limits = limits == null ? Limits.NONE : limits;
        properties = properties == null ? java.util.Map.of() : java.util.Map.copyOf(properties);
    }

    /**
     * A volume at a path in the container.
     *
     * @param volume   the volume (of the same worker)
     * @param path     an absolute path in the container
     * @param readOnly whether writes are refused (not enforced by runtimes that do not isolate
     *                 processes, see {@link dev.concourse.WorkerInfo#isolated()})
     */
    public record Mount(Volume volume, String path, boolean readOnly) {
    }

    /**
     * Resource limits; null means none.
     *
     * @param cpuShares   relative CPU weight
     * @param memoryBytes memory a container may use before its processes are killed
     */
    public record Limits(Long cpuShares, Long memoryBytes) {
        public static final Limits NONE = new Limits(null, null);
    }
}
