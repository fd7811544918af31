package dev.concourse.spi.runtime;

import java.util.Map;
import java.util.Optional;

/** A container on a worker. */
public interface Container {

    String handle();

    /** The worker it lives on. */
    String workerName();

    /**
     * Starts a process. Output is written to the {@link ProcessIO} streams as it is produced, from
     * threads of the runtime; the streams are closed by the caller, not the runtime. A finished
     * process's id may be used again; the new process replaces it for {@link #attach}.
     *
     * @throws RuntimeOperationException if the process cannot be started (no such executable...),
     *                                   a process with the same id is still running in this
     *                                   container, or the container has been destroyed
     */
    ContainerProcess run(ProcessSpec spec, ProcessIO io);

    /**
     * Re-attaches to a process started earlier by {@link #run} with this id, running or finished,
     * also before an engine restart if the runtime supports that; its output from now on goes to
     * {@code io} instead of the earlier streams. {@code io.stdin()} may be ignored: a process's
     * input is what {@code run} gave it.
     *
     * @return the process, or empty if there is none with this id (or it cannot be re-attached)
     */
    Optional<ContainerProcess> attach(String processId, ProcessIO io);

    Map<String, String> properties();

    void setProperty(String name, String value);

    /** Kills its processes and removes it; its mounted volumes stay. */
    void destroy();
}
