package dev.concourse.internal.event;

import dev.concourse.spi.storage.BuildEventStore;
import dev.concourse.spi.storage.Lease;
import dev.concourse.spi.storage.StoredEvent;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Watches the calls a real store gets (it delegates everything): batch sizes, page reads, how many
 * appends run at once. An optional gate holds appends until the test releases them.
 */
class RecordingEventStore implements BuildEventStore {
    private final BuildEventStore store;
    private final Semaphore gate;
    final List<Integer> batches = Collections.synchronizedList(new ArrayList<>());
    final AtomicInteger reads = new AtomicInteger();
    final AtomicInteger maxConcurrentAppends = new AtomicInteger();
    final CountDownLatch appendEntered = new CountDownLatch(1);
    private final AtomicInteger appending = new AtomicInteger();

    RecordingEventStore(BuildEventStore store) {
        this(store, null);
    }

    /** @param gate appends take a permit first; null for no gate */
    RecordingEventStore(BuildEventStore store, Semaphore gate) {
        this.store = store;
        this.gate = gate;
    }

    @Override
    public void append(long buildId, List<StoredEvent> events) {
        record(events, () -> store.append(buildId, events));
    }

    @Override
    public void append(long buildId, List<StoredEvent> events, Lease fence) {
        record(events, () -> store.append(buildId, events, fence));
    }

    private void record(List<StoredEvent> events, Runnable append) {
        int now = appending.incrementAndGet();
        maxConcurrentAppends.accumulateAndGet(now, Math::max);
        try {
            appendEntered.countDown();
            if (gate != null) {
                gate.acquireUninterruptibly();
            }
            append.run();
            batches.add(events.size());
        } finally {
            appending.decrementAndGet();
        }
    }

    @Override
    public List<StoredEvent> read(long buildId, long fromSequence, int limit) {
        reads.incrementAndGet();
        return store.read(buildId, fromSequence, limit);
    }

    @Override
    public long lastSequence(long buildId) {
        return store.lastSequence(buildId);
    }

    @Override
    public void deleteEvents(long buildId) {
        store.deleteEvents(buildId);
    }
}
