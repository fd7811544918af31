package dev.concourse.internal.resourcetype;

/**
 * Tells a resource call that its step was aborted or timed out, or that its build was handed over
 * to another engine node. The executor adapts its
 * cancellation tree to this; {@link CancelTrigger} is a plain one (checks, tests).
 */
public interface CancelSignal {

    /** A signal that is never raised. */
    CancelSignal NEVER = new CancelSignal() {
        @Override
        public boolean isCancelled() {
            return false;
        }

        @Override
        public Registration onCancel(Runnable listener) {
            return () -> { };
        }
    };

    boolean isCancelled();

    /**
     * Runs {@code listener} once when the signal is raised, at once (on this thread) if it already
     * is. Listeners must be short.
     *
     * @return closing it removes the listener
     */
    Registration onCancel(Runnable listener);

    /**
     * Whether the build was handed over to another engine node (it took the build over): a
     * running script is then detached, not stopped ({@code ContainerProcess#detach}). No by default.
     */
    default boolean isHandedOver() {
        return false;
    }

    /**
     * Runs {@code listener} once when the build is handed over (also after the signal was raised
     * for another reason), at once if it already was; never by default.
     *
     * @return closing it removes the listener
     */
    default Registration onHandOver(Runnable listener) {
        return () -> { };
    }

    /** A listener to remove once it is not needed. */
    interface Registration extends AutoCloseable {
        @Override
        void close();
    }
}
