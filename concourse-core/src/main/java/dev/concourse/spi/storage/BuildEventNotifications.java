package dev.concourse.spi.storage;

/**
 * Tells an engine when a build's event log grew through another engine node sharing the same
 * store: the optional part of a {@link BuildEventStore} that several nodes share (see
 * {@link BuildEventStore#notifications()}). With it, a subscriber to a build that runs on another
 * node follows the build live, as one on the running node does; without it (a store that serves
 * one engine) such a subscriber gets the events stored so far and completes.
 *
 * <p>What a notification carries is the build's id only: the engine reads the events themselves
 * from the store, from the last sequence it delivered, so a lost or coalesced notification loses
 * no event as long as a later one comes.
 *
 * <p>Thread-safety: {@link #watch} and {@link Watch#close()} may be called from any thread.
 * Callbacks run on a thread of the store's (one at a time per watch, in no particular order across
 * watches) and must return quickly: the engine only schedules a read.
 */
public interface BuildEventNotifications {

    /**
     * Calls {@code appended} after events of the build have been committed to the store, by any
     * node (this one included), and after the build's final status was stored (so that a watcher
     * learns the log is complete even if its last events could not be stored). Calls may be coalesced (one for several commits) and may be
     * spurious (nothing new); the store also calls every watch once after it re-established a lost
     * connection to the database, since commits made meanwhile were not notified. The first call
     * may come before this method returns.
     *
     * <p>The watch starts before this method returns: events committed after it returns are
     * notified; the caller reads what was committed before (it registers first, then reads, and
     * misses nothing).
     *
     * @param buildId  the build; it need not exist yet, nor be running
     * @param appended called on the store's thread; an exception it throws is logged and ignored
     * @return the watch; close it to stop the calls
     * @throws IllegalStateException if the store cannot watch at all (it then says why)
     */
    Watch watch(long buildId, Runnable appended);

    /** One build watched; {@link #close()} stops it (idempotent). */
    interface Watch extends AutoCloseable {
        @Override
        void close();
    }
}
