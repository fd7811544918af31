package dev.concourse.spi.runtime;

import java.util.List;
import java.util.Optional;

/**
 * Where steps run: a set of workers, each creating containers and volumes. Core ships
 * {@code LocalProcessRuntime} (processes on this host, no isolation); {@code concourse-runtime-linux}
 * adds runc containers. Every implementation must pass {@code ContainerRuntimeConformanceTests} of
 * {@code concourse-test-kit}.
 *
 * <p>Thread-safety: all methods of the runtime, its workers, containers, processes and volumes
 * may be called from many threads at once.
 */
public interface ContainerRuntime extends AutoCloseable {

    /** A short name for logs and errors, such as {@code local} or {@code runc}. */
    String id();

    /** The workers available now. */
    List<Worker> workers();

    default Optional<Worker> worker(String name) {
        return workers().stream().filter(w -> w.info().name().equals(name)).findFirst();
    }

    /**
     * Whether {@link Container#attach} finds processes that another instance of this runtime
     * started (an engine that was restarted, or another engine node on the same machine), running or
     * finished, with their further output and exit status. The engine resumes a build taken over from
     * a stopped node only on a runtime that says yes; otherwise it ends such a build errored. The
     * default is no.
     */
    default boolean reattachesAcrossInstances() {
        return false;
    }

    /**
     * Stops background work. Containers and volumes stay, so an engine restart can find them;
     * whether running processes survive depends on whether the runtime can re-attach to them
     * later (each runtime documents it).
     */
    @Override
    default void close() {
    }
}
