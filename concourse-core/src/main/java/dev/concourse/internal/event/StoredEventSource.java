package dev.concourse.internal.event;

import dev.concourse.event.SequencedEvent;
import dev.concourse.spi.storage.BuildEventStore;
import java.util.concurrent.Executor;

/**
 * A finished build's events, all in the store. One per subscription: the last sequence is read
 * once, on the subscription's delivery thread (a store call may block, or fail, and then the
 * subscriber gets {@code onError}).
 */
final class StoredEventSource implements EventSource {
    private final BuildEventStore store;
    private final long buildId;
    private final Executor executor;
    private long last = -1;

    StoredEventSource(BuildEventStore store, long buildId, Executor executor) {
        this.store = store;
        this.buildId = buildId;
        this.executor = executor;
    }

    @Override
    public long buildId() {
        return buildId;
    }

    @Override
    public BuildEventStore store() {
        return store;
    }

    @Override
    public Executor executor() {
        return executor;
    }

    @Override
    public long published() {
        if (last < 0) {
            last = store.lastSequence(buildId);
        }
        return last;
    }

    @Override
    public long finalSequence() {
        return published();
    }

    @Override
    public long lingerNanos() {
        // Closed from the start: nothing to wait for.
        return 0;
    }

    @Override
    public SequencedEvent resident(long sequence, EventSubscription reader) {
        return null;
    }

    @Override
    public void awaitEvents(EventSubscription reader) {
        // Closed from the start: a reader that caught up is complete and never waits.
    }
}
