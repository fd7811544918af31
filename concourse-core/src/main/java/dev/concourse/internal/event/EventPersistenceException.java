package dev.concourse.internal.event;

import dev.concourse.ConcourseException;

/**
 * A build's events could not be written to storage. The events are not lost while the build's
 * log is in memory (live subscribers still get them), but a replay after the build would miss
 * them.
 */
public final class EventPersistenceException extends ConcourseException {
    private static final long serialVersionUID = 1L;

    public EventPersistenceException(String message, Throwable cause) {
        super(message, cause);
    }
}
