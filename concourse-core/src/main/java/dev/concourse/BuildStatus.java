package dev.concourse;

import java.util.Locale;

/** Where a build is in its life, with Concourse's meaning. */
public enum BuildStatus {
    /** Created, waiting to start (inputs, max-in-flight, a paused job...). */
    PENDING,
    /** Running its plan. */
    STARTED,
    /** Every step succeeded (or its failure was caught by {@code try}). */
    SUCCEEDED,
    /** A step failed: a task exited non-zero, a timeout passed. */
    FAILED,
    /** Something went wrong that is not the code's fault: bad config, a missing input, a runtime error. */
    ERRORED,
    /** Someone aborted it. */
    ABORTED;

    /** Pending or started. */
    public boolean isRunning() {
        return this == PENDING || this == STARTED;
    }

    /** Succeeded, failed, errored or aborted. */
    public boolean isFinished() {
        return !isRunning();
    }

    /** Concourse's lower-case name: {@code succeeded}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The status for Concourse's lower-case name. */
    public static BuildStatus fromWireName(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }
}
