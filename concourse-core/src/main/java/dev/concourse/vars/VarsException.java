package dev.concourse.vars;

import dev.concourse.ConcourseException;

/**
 * Root of the exceptions thrown while parsing var references, loading vars or interpolating
 * {@code ((var))} references.
 */
public class VarsException extends ConcourseException {
    private static final long serialVersionUID = 1L;

    /** An exception with a message that says what failed and what to do. */
    public VarsException(String message) {
        super(message);
    }

    /** An exception with a message and the underlying cause. */
    public VarsException(String message, Throwable cause) {
        super(message, cause);
    }
}
