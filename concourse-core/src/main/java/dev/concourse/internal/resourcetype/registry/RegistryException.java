package dev.concourse.internal.resourcetype.registry;

/** A registry could not give what was asked, with a message for the build log (never a secret). */
public final class RegistryException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public RegistryException(String message) {
        super(message);
    }

    public RegistryException(String message, Throwable cause) {
        super(message, cause);
    }
}
