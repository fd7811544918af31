package dev.concourse.spi.runtime;

import dev.concourse.ConcourseException;

/**
 * Thrown by {@link ContainerProcess#waitFor} once the process was {@linkplain ContainerProcess#detach()
 * detached}: this engine instance no longer follows it, so it cannot tell how it ends. The process
 * itself was not signalled and may still be running (another instance may have attached to it).
 */
public class ProcessDetachedException extends ConcourseException {
    private static final long serialVersionUID = 1L;

    public ProcessDetachedException(String message) {
        super(message);
    }
}
