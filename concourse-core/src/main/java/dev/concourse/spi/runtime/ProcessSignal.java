package dev.concourse.spi.runtime;

/** Signals the engine sends to processes. */
public enum ProcessSignal {
    /** SIGTERM: please stop (abort, timeout). */
    TERMINATE,
    /** SIGKILL: stop now (after the grace period). */
    KILL
}
