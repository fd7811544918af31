package dev.concourse;

/**
 * Root of every exception the library throws on purpose.
 *
 * <p>Messages name what failed (pipeline, job, build, step, file) and say what to do about it.
 * Subclasses add structured detail where callers need more than the message.
 */
public class ConcourseException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConcourseException(String message) {
        super(message);
    }

    public ConcourseException(String message, Throwable cause) {
        super(message, cause);
    }
}
