package dev.concourse.internal.exec;

import dev.concourse.ConcourseException;

/**
 * A core step cannot go on: the message (which names the step and says what to do) becomes the
 * step's {@code error} event and the step errors. Never leaves this package.
 */
final class StepFailure extends ConcourseException {
    private static final long serialVersionUID = 1L;

    StepFailure(String message) {
        super(message);
    }

    StepFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
