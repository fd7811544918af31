package dev.concourse.spi.credentials;

import dev.concourse.ConcourseException;

/**
 * A credential lookup failed: the store could not say whether the secret exists or what it is.
 * A secret that is simply not there is not a failure ({@link CredentialManager#lookup(String)}
 * returns empty).
 *
 * <p>Messages name the manager and the path, never a secret's value.
 */
public class CredentialLookupException extends ConcourseException {
    private static final long serialVersionUID = 1L;

    private final boolean retryable;

    /** A failure that may go away if the lookup is tried again (a timeout, an outage). */
    public CredentialLookupException(String message) {
        this(message, null, true);
    }

    /** A failure that may go away if the lookup is tried again, with its cause. */
    public CredentialLookupException(String message, Throwable cause) {
        this(message, cause, true);
    }

    /**
     * A failure, retryable or not.
     *
     * @param message   what failed and what to do; must not contain the secret's value
     * @param cause     the underlying failure, or null
     * @param retryable false for failures that the same lookup will always hit again (a path
     *                  the manager refuses, a value it cannot parse), so the engine fails at once
     */
    public CredentialLookupException(String message, Throwable cause, boolean retryable) {
        super(message, cause);
        this.retryable = retryable;
    }

    /** Whether trying the same lookup again might succeed. */
    public boolean retryable() {
        return retryable;
    }
}
