package dev.concourse.internal.event;

import dev.concourse.ConcourseException;

/** Stored JSON that is not a build event this engine wrote: corrupt, or from an incompatible version. */
public final class EventDecodingException extends ConcourseException {
    private static final long serialVersionUID = 1L;

    public EventDecodingException(String message) {
        super(message);
    }

    public EventDecodingException(String message, Throwable cause) {
        super(message, cause);
    }
}
