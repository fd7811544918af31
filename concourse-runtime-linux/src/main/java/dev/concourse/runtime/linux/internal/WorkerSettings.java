package dev.concourse.runtime.linux.internal;

import dev.concourse.WorkerInfo;
import dev.concourse.runtime.linux.NetworkSettings;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Everything a {@link RuncWorker} is configured with.
 *
 * @param info           what the worker reports
 * @param baseDirectory  its state: containers, volumes, images, runc's state
 * @param runc           the runc binary
 * @param initBinary     a static init (tini) bind-mounted as each process's PID 1
 * @param idMap          the unprivileged containers' host id range
 * @param cgroupRoot     where the cgroup file systems are mounted
 * @param drainTimeout   how long output may stay open after a process exited
 * @param commandTimeout deadline of each runc, mount and cp command
 * @param network        the bridge network of containers, or null for none (loopback only)
 */
public record WorkerSettings(WorkerInfo info, Path baseDirectory, String runc, Path initBinary, int idMapHostId,
        int idMapSize, Path cgroupRoot, Duration drainTimeout, Duration commandTimeout, NetworkSettings network) {
}
