package dev.concourse.spi.runtime;

import dev.concourse.WorkerInfo;

import java.util.List;
import java.util.Optional;

/** One machine (or one local process space) that runs containers and keeps volumes. */
public interface Worker {

    WorkerInfo info();

    /**
     * Creates a container; its processes are started with {@link Container#run}.
     *
     * @throws RuntimeOperationException when the container cannot be created (bad image, no space...)
     */
    Container createContainer(ContainerSpec spec);

    /** A container by handle, also one created before an engine restart. */
    Optional<Container> findContainer(String handle);

    List<Container> containers();

    /**
     * Creates a volume: empty, or a copy of {@link VolumeSpec#parent()} (copy-on-write where the
     * worker can) that changes independently of it.
     *
     * @throws RuntimeOperationException when it cannot be created
     */
    Volume createVolume(VolumeSpec spec);

    /** A volume by handle, also one created before an engine restart. */
    Optional<Volume> findVolume(String handle);

    List<Volume> volumes();
}
