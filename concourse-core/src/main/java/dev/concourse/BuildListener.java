package dev.concourse;

/**
 * Hears of builds as they are created and as they finish: job builds the scheduler creates,
 * manual triggers, reruns and one-off builds. Register with {@link Builds#listen}. Called on the
 * engine's threads, possibly concurrently and, for a build that starts and ends quickly, even
 * {@code finished} before {@code created}: keep the work short (hand it to a thread of your own) and
 * do not rely on order. An exception thrown by a listener is logged and otherwise ignored.
 */
public interface BuildListener {

    /** A build was created (pending); also, when the engine starts, each pending build it found in storage. */
    default void created(Build build) {
    }

    /** A build finished; {@code build} has its final status. */
    default void finished(Build build) {
    }

    /** Stops a listener from hearing of further builds. */
    interface Registration extends AutoCloseable {
        @Override
        void close();
    }
}
