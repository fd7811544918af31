package dev.concourse.spi.runtime;

import java.util.OptionalInt;

/** A running (or finished) process in a container. */
public interface ContainerProcess {

    String id();

    /**
     * Waits until it exits and all its output has been written to the {@link ProcessIO}. A
     * background process it started may keep its output open after it exited; runtimes need not
     * wait for that, and may drop what such a process writes afterwards.
     *
     * @return the exit status (128 + n when killed by signal n)
     * @throws ProcessDetachedException if it was {@linkplain #detach() detached} before it ended
     *                                  (also when the wait began before)
     */
    int waitFor() throws InterruptedException;

    /**
     * The exit status once it has exited and all its output has been written (as {@link #waitFor});
     * empty while it runs, and once it was {@linkplain #detach() detached} before it ended.
     */
    OptionalInt exitStatus();

    /** Sends a signal; does nothing if it has exited. */
    void signal(ProcessSignal signal);

    /**
     * Stops following the process from this engine instance, without signalling it: it keeps
     * running. Its output from then on goes nowhere here (nothing more is written to the
     * {@link ProcessIO} it was started or attached with, and what it prints later is not consumed
     * here, so another instance attaching gets it), and every {@link #waitFor} pending or to come
     * throws {@link ProcessDetachedException}. Another engine instance (an engine node that took
     * the build over) may attach to it with {@link Container#attach}, and so may this one again.
     * The engine calls it when a build it ran now belongs to another node.
     *
     * @return whether the runtime detached; false (the default) where it cannot, for processes
     *         nobody else can ever follow (the engine then stops them with
     *         {@link ProcessSignal#TERMINATE} and {@link ProcessSignal#KILL} instead)
     */
    default boolean detach() {
        return false;
    }
}
