package dev.concourse.internal.resourcetype;

import dev.concourse.resource.ResourceException;

/**
 * A resource call stopped because its step was aborted or timed out; the executor reports it as it
 * reports the cancellation (an {@code interrupted} or {@code timeout exceeded} error), not with
 * this message.
 */
public final class ResourceCancelledException extends ResourceException {
    private static final long serialVersionUID = 1L;

    ResourceCancelledException(String message) {
        super(message);
    }

    ResourceCancelledException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Throws one saying {@code what} was not started when the signal is raised already. */
    static void throwIfCancelled(CancelSignal cancel, String what) {
        if (cancel.isCancelled()) {
            throw new ResourceCancelledException(what + " was not started: the step was cancelled");
        }
    }
}
