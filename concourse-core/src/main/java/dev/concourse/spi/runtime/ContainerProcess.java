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
     */
    int waitFor() throws InterruptedException;

    /** The exit status once it has exited and all its output has been written (as {@link #waitFor}). */
    OptionalInt exitStatus();

    /** Sends a signal; does nothing if it has exited. */
    void signal(ProcessSignal signal);
}
