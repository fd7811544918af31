package dev.concourse.spi.storage;

import dev.concourse.ConcourseException;

/** Another writer changed the same thing first: read again and retry, or report the conflict. */
public class ConcurrentUpdateException extends ConcourseException {
    private static final long serialVersionUID = 1L;

    public ConcurrentUpdateException(String message) {
        super(message);
    }
}
