package dev.concourse.resource;

import dev.concourse.ConcourseException;
import java.util.OptionalInt;

/**
 * A resource's {@code check}, {@code get} or {@code put} did not work. Its message is shown in the
 * build as the step's error, so it says what went wrong in the user's terms (the bad
 * {@code source} field, the missing file) and, where it can, what to do.
 *
 * <p>Thrown by resource types, native ones directly and container ones on their scripts' behalf.
 * One with an {@linkplain #exitStatus() exit status} stands for a script that exited non-zero:
 * Concourse reports such a {@code get} or {@code put} as <em>failed</em> with that status
 * (its stderr having explained why) rather than as errored, and a native type can ask for the same
 * treatment by giving a status.
 */
public class ResourceException extends ConcourseException {
    private static final long serialVersionUID = 1L;

    /** -1 when there is none; exit statuses are never negative. */
    private final int exitStatus;

    public ResourceException(String message) {
        super(message);
        this.exitStatus = -1;
    }

    public ResourceException(String message, Throwable cause) {
        super(message, cause);
        this.exitStatus = -1;
    }

    /**
     * A failure with the exit status of the script (or of the native equivalent).
     *
     * @throws IllegalArgumentException if {@code exitStatus} is not positive (0 is success)
     */
    public ResourceException(String message, int exitStatus) {
        super(message);
        if (exitStatus <= 0) {
            throw new IllegalArgumentException("a failed resource's exit status must be positive, not " + exitStatus);
        }
        this.exitStatus = exitStatus;
    }

    /** The non-zero exit status of the resource's script, or empty for any other kind of error. */
    public OptionalInt exitStatus() {
        return exitStatus < 0 ? OptionalInt.empty() : OptionalInt.of(exitStatus);
    }
}
