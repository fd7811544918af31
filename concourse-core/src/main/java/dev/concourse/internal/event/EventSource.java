package dev.concourse.internal.event;

import dev.concourse.event.SequencedEvent;
import dev.concourse.spi.storage.BuildEventStore;
import java.util.concurrent.Executor;

/**
 * What an {@link EventSubscription} reads: a running build's {@link BuildEventLog} (memory, then
 * the store for what memory no longer holds) or a finished build's stored events.
 */
interface EventSource {

    long buildId();

    BuildEventStore store();

    /** Runs subscriptions' delivery loops. */
    Executor executor();

    /** The highest sequence readers may read now, or 0. */
    long published();

    /** The last sequence once the log is closed (no event will follow), else -1. */
    long finalSequence();

    /**
     * The event at {@code sequence} if memory still holds it, else null: then it is in the store.
     * Called only for sequences up to {@link #published()}.
     */
    SequencedEvent resident(long sequence, EventSubscription reader);

    /**
     * How long a delivery loop that has nothing to do keeps its thread, parked, waiting for the
     * next signal, before it gives the thread back: 0 to give it back at once. Only for executors
     * that run each task on a virtual thread of its own, where a parked loop holds no carrier
     * thread and blocks no other task.
     */
    long lingerNanos();

    /**
     * Signals {@code reader} once when an event is published or the log closes. A reader asks
     * this when it has caught up, then checks again for events (one may have come in between).
     */
    void awaitEvents(EventSubscription reader);

    /** The reader ended (completed, failed or cancelled): drop what was held for it. */
    default void detach(EventSubscription reader) {
    }
}
