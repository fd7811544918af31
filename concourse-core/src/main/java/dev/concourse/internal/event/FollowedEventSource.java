package dev.concourse.internal.event;

import dev.concourse.event.BuildEvent;
import dev.concourse.event.SequencedEvent;
import dev.concourse.spi.storage.BuildEventNotifications;
import dev.concourse.spi.storage.BuildEventStore;
import dev.concourse.spi.storage.StoredEvent;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A build that is not running on this engine, followed through the store's
 * {@link BuildEventNotifications}: it may run on another node sharing the store, be pending there,
 * or be finished. One per subscription.
 *
 * <p>On each notification a refresh (on the executor, one at a time) reads the events committed
 * after the last one it read, decodes them and keeps them until the subscription takes them, at
 * most {@link #AHEAD} ahead of it; a slow subscriber makes the refresh stop there and go on when
 * it has caught up. The subscription itself never reads the store, so a store that fails for a
 * while (a database restart) only delays it: a failed refresh is retried, and the store notifies
 * again once its connection is back, after which the refresh reads on from the last sequence.
 *
 * <p>The log ends at the build's final status event (a status that is finished). As a safety net,
 * for a finished build whose log has no such event (its events were deleted, or the final ones
 * could not be stored), the first refresh and every refresh that finds nothing new (as after the
 * notification a store sends when a build's status is stored) ask whether the build has finished,
 * and if so read once more: what they find then is all there is, since a build's events are stored
 * before its final status.
 */
final class FollowedEventSource implements EventSource {
    private static final Logger LOG = LoggerFactory.getLogger(FollowedEventSource.class);

    /** Events read from the store at once. */
    static final int PAGE = 256;
    /** Events kept decoded ahead of what the subscription took. */
    static final int AHEAD = 1024;
    private static final long RETRY_MILLIS = 1000;

    private final BuildEventStore store;
    private final BuildEventNotifications notifications;
    private final long buildId;
    private final Executor executor;
    private final BooleanSupplier finished;

    private final ConcurrentHashMap<Long, SequencedEvent> buffered = new ConcurrentHashMap<>();
    /** The last sequence read from the store (readers may take up to it). */
    private volatile long published;
    private volatile long finalSequence = -1;
    /** The last sequence the subscription took. */
    private volatile long taken;
    /** Whether the last refresh stopped at {@link #AHEAD} with more maybe stored. */
    private volatile boolean full;
    private volatile boolean detached;
    private boolean started;
    private volatile BuildEventNotifications.Watch watch;

    private final ReentrantLock refreshLock = new ReentrantLock();
    private final AtomicBoolean refreshScheduled = new AtomicBoolean();
    private final AtomicReference<EventSubscription> waiting = new AtomicReference<>();
    /** Whether a refresh has run; guarded by refreshLock. */
    private boolean readOnce;
    /** Whether the current run of failures was logged. */
    private boolean failing;

    /**
     * @param fromSequence the first sequence the subscription asks for, 1 or more
     * @param finished     whether the build has finished (its stored status), asked by the first
     *                     refresh and by those that find nothing new
     */
    FollowedEventSource(BuildEventStore store, BuildEventNotifications notifications, long buildId,
            long fromSequence, Executor executor, BooleanSupplier finished) {
        this.store = store;
        this.notifications = notifications;
        this.buildId = buildId;
        this.executor = executor;
        this.finished = finished;
        this.published = fromSequence - 1;
        this.taken = fromSequence - 1;
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

    /** Events of another node's build come in bursts a notification apart: loops give their thread back at once. */
    @Override
    public long lingerNanos() {
        return 0;
    }

    @Override
    public long published() {
        start();
        return published;
    }

    @Override
    public long finalSequence() {
        start();
        return finalSequence;
    }

    /**
     * On the subscription's first look, on its delivery thread: watch first, then read what is
     * stored, so that nothing committed in between goes unnoticed. A failure here reaches the
     * subscriber as {@code onError}.
     */
    private void start() {
        if (started) {
            return;
        }
        started = true;
        watch = notifications.watch(buildId, this::scheduleRefresh);
        if (detached) {
            watch.close();
            return;
        }
        refreshLock.lock();
        try {
            readNew();
        } finally {
            refreshLock.unlock();
        }
        if (finalSequence >= 0) {
            watch.close();
        }
    }

    @Override
    public SequencedEvent resident(long sequence, EventSubscription reader) {
        SequencedEvent event = buffered.remove(sequence);
        if (event != null) {
            taken = sequence;
        }
        return event;
    }

    @Override
    public void awaitEvents(EventSubscription reader) {
        waiting.set(reader);
        if (full && taken >= published) {
            scheduleRefresh();
        }
    }

    @Override
    public void detach(EventSubscription reader) {
        detached = true;
        BuildEventNotifications.Watch w = watch;
        if (w != null) {
            w.close();
        }
        buffered.clear();
        waiting.set(null);
    }

    private void scheduleRefresh() {
        if (detached || finalSequence >= 0 || !refreshScheduled.compareAndSet(false, true)) {
            return;
        }
        try {
            executor.execute(() -> {
                refreshScheduled.set(false);
                refresh();
            });
        } catch (RejectedExecutionException e) {
            // The engine is shutting down: the subscription's own loop reports that when woken.
            refreshScheduled.set(false);
            wake();
        }
    }

    private void refresh() {
        refreshLock.lock();
        try {
            if (detached || finalSequence >= 0) {
                return;
            }
            readNew();
            if (failing) {
                LOG.info("Reading build {}'s events from storage works again (read up to {})", buildId, published);
                failing = false;
            }
        } catch (RuntimeException e) {
            if (!failing) {
                LOG.warn("Cannot read build {}'s events from storage after {}; retrying every {} ms and when the"
                        + " store notifies again: {}", buildId, published, RETRY_MILLIS, e.toString());
                failing = true;
            }
            retryLater();
            return;
        } finally {
            refreshLock.unlock();
        }
        if (finalSequence >= 0) {
            BuildEventNotifications.Watch w = watch;
            if (w != null) {
                w.close();
            }
        }
    }

    private void retryLater() {
        if (detached) {
            return;
        }
        try {
            CompletableFuture.delayedExecutor(RETRY_MILLIS, TimeUnit.MILLISECONDS, executor)
                    .execute(this::scheduleRefresh);
        } catch (RejectedExecutionException e) {
            wake();
        }
    }

    /** Reads what was committed after {@link #published}, up to {@link #AHEAD}; caller holds refreshLock. */
    private void readNew() {
        boolean first = !readOnce;
        readOnce = true;
        boolean grew = readPages();
        // The status costs a query: ask it first and when nothing new came (a notification of the
        // final status, a reconnect), not on every append of a running build.
        if (finalSequence < 0 && !full && (first || !grew) && finished.getAsBoolean()) {
            // Everything of a finished build is stored before its status: read once more, then that is all.
            grew |= readPages();
            if (finalSequence < 0 && !full) {
                finalSequence = published;
            }
        }
        if (grew || finalSequence >= 0) {
            wake();
        }
    }

    private boolean readPages() {
        boolean grew = false;
        full = false;
        while (finalSequence < 0) {
            long room = AHEAD - (published - taken);
            if (room <= 0) {
                full = true;
                break;
            }
            long from = published + 1;
            List<StoredEvent> page = store.read(buildId, from, (int) Math.min(PAGE, room));
            if (page.isEmpty()) {
                break;
            }
            for (StoredEvent stored : page) {
                if (stored.sequence() != published + 1) {
                    throw new IllegalStateException("build " + buildId + "'s stored events skip from " + published
                            + " to " + stored.sequence());
                }
                SequencedEvent event = EventJson.decode(buildId, stored);
                buffered.put(stored.sequence(), event);
                published = stored.sequence();
                grew = true;
                if (event.event() instanceof BuildEvent.Status status && status.status().isFinished()) {
                    finalSequence = stored.sequence();
                    break;
                }
            }
            if (detached) {
                buffered.clear();
                break;
            }
            if (page.size() < PAGE) {
                break;
            }
        }
        return grew;
    }

    private void wake() {
        EventSubscription reader = waiting.getAndSet(null);
        if (reader != null) {
            reader.signal();
        }
    }
}
