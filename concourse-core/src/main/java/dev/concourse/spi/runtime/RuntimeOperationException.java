package dev.concourse.spi.runtime;

import dev.concourse.ConcourseException;

/** A runtime could not do what was asked: the message says what and why. */
public class RuntimeOperationException extends ConcourseException {
    private static final long serialVersionUID = 1L;

    public RuntimeOperationException(String message) {
        super(message);
    }

    public RuntimeOperationException(String message, Throwable cause) {
        super(message, cause);
    }
}
