package dev.concourse.internal.event;

import dev.concourse.event.BuildEvent;
import dev.concourse.event.SequencedEvent;
import dev.concourse.spi.storage.BuildEventStore;
import dev.concourse.spi.storage.Lease;
import dev.concourse.spi.storage.StaleLeaseException;
import dev.concourse.spi.storage.StoredEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event log of one running build: numbers events 1..n, keeps them in memory for live
 * subscribers, writes them to the {@link BuildEventStore} in batches, and serves any number of
 * subscribers from any sequence.
 *
 * <p><b>Appending</b> ({@link #emit}) takes a short lock (sequence number, slot), then signals the
 * readers that had caught up (the first itself, the others through one task on the executor)
 * and, if no flush is under way, schedules one. It never waits for a subscriber or for the store,
 * and costs the same however many subscribers there are.
 *
 * <p><b>Memory</b> is an append-only list of chunks of 1024 slots: growing adds a chunk and
 * copies nothing. Events stay in memory until they are stored; after that, the oldest stored
 * events are dropped once the stored-and-resident ones weigh more than the budget given at
 * {@link #open} (about the characters of their text). So memory holds what the store has not
 * taken yet plus a window of recent events; a subscriber behind the window reads the store in
 * pages of 64 and catches up into memory.
 *
 * <p><b>Persistence</b> is a group commit: one flush at a time, on the executor, takes every
 * event appended since the last one, encodes it with {@link EventJson} and calls
 * {@link BuildEventStore#append} (once per 4096 events or about 8 Mi characters, so a backlog
 * does not become one giant write). Events that arrive during a flush go into the next. A failed
 * flush is retried with the next event and by {@link #close}; until then the events stay in
 * memory, so live subscribers miss nothing.
 *
 * <p><b>Fencing</b> ({@link #fence}): the log of a build this node runs under a lease has each
 * batch stored with the store's lease-checked append
 * ({@link BuildEventStore#append(long, List, Lease)}), which checks the lease in the same atomic
 * step as the write (a database store folds it into its group commit). Once the fence refuses (another node took the build over), the log stores nothing more,
 * never retries, and tells its owner once; the new owner's log continues after the last batch
 * this one stored, so the stored log has no gap and none of this node's later events.
 *
 * <p><b>Subscribers</b> ({@link #subscribe}) each get a cursor into this one log, never a queue of
 * their own; see {@link EventSubscription}. A subscriber that subscribed before {@link #close}
 * completes after the last event, as does one that subscribes after.
 *
 * <p><b>Times</b> are truncated to whole seconds on {@link #emit}, the precision of Concourse's
 * JSON, so an event reads the same from memory and from the store.
 *
 * <p>Thread-safe. A build's log is opened when the build is created, so subscribers to a pending
 * build wait for its events, and closed after its final status event.
 */
public final class BuildEventLog implements BuildEventSink, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BuildEventLog.class);

    static final int CHUNK_SIZE = 1024;
    static final int MAX_BATCH_EVENTS = 4096;
    static final long MAX_BATCH_CHARS = 8L << 20;

    private final long buildId;
    private final BuildEventStore store;
    private final Executor executor;
    private final long residentBudget;
    private final long lingerNanos;
    private final Source source = new Source();

    private final ReentrantLock appendLock = new ReentrantLock();
    /** The chunk being filled; guarded by appendLock. */
    private Chunk tail;
    /** The oldest chunk that may hold resident events; moved on by the flusher. */
    private volatile Chunk head;
    /** The last sequence appended; written under appendLock, read by anyone. */
    private volatile long published;
    /** The lowest sequence memory still holds; everything below is only in the store. */
    private volatile long firstResident;
    /** The last sequence once closed, else -1. */
    private volatile long finalSequence = -1;

    /** Readers to signal on the next append or close. */
    private final ConcurrentLinkedQueue<EventSubscription> awaiting = new ConcurrentLinkedQueue<>();

    private final AtomicBoolean flushScheduled = new AtomicBoolean();
    /** Whether a task signalling waiting readers is scheduled or running. */
    private final AtomicBoolean wakeScheduled = new AtomicBoolean();
    /** Held for a whole flush: at most one is in flight. */
    private final ReentrantLock flushLock = new ReentrantLock();
    /** The last sequence in the store; written under flushLock. */
    private volatile long persisted;
    /** The chunk holding {@code persisted} (or the first chunk); guarded by flushLock. */
    private Chunk flushChunk;
    /** Weight of the events that are both stored and resident; guarded by flushLock. */
    private long residentWeight;
    /** The last flush's failure, until a flush succeeds. */
    private volatile RuntimeException failure;
    /** The lease each append is checked against while one guards the log; null for an unfenced log. */
    private volatile Lease fence;
    /** Run once when the fence refuses an append. */
    private volatile Runnable onFencedOut = () -> { };
    /** Whether the fence refused an append: nothing more is stored. */
    private volatile boolean fencedOut;
    private final AtomicBoolean fencedOutTold = new AtomicBoolean();

    private BuildEventLog(long buildId, BuildEventStore store, Executor executor, long residentBudget,
            Duration linger) {
        if (residentBudget < 0) {
            throw new IllegalArgumentException("residentBudget must not be negative: " + residentBudget);
        }
        if (linger.isNegative()) {
            throw new IllegalArgumentException("linger must not be negative: " + linger);
        }
        this.buildId = buildId;
        this.store = Objects.requireNonNull(store, "store");
        this.executor = Objects.requireNonNull(executor, "executor");
        this.residentBudget = residentBudget;
        this.lingerNanos = linger.toNanos();
        long stored = store.lastSequence(buildId);
        Chunk first = new Chunk(stored + 1);
        this.tail = first;
        this.head = first;
        this.flushChunk = first;
        this.published = stored;
        this.persisted = stored;
        this.firstResident = stored + 1;
    }

    /**
     * A log for a build. If the store already has events of the build (the engine resumes a build
     * after a restart), the log continues after them and serves them from the store.
     *
     * @param executor       runs flushes and subscribers' delivery loops; virtual threads suit
     *                       (a slow subscriber blocks the task delivering to it)
     * @param residentBudget how much stored text to keep in memory for subscribers, in characters
     *                       (about bytes); events not stored yet are kept regardless
     */
    public static BuildEventLog open(long buildId, BuildEventStore store, Executor executor, long residentBudget) {
        return new BuildEventLog(buildId, store, executor, residentBudget, Duration.ZERO);
    }

    /**
     * A log as {@link #open(long, BuildEventStore, Executor, long)}, whose subscribers' delivery
     * loops, once they have caught up, keep their thread parked for up to {@code linger} waiting for
     * the next event before they give it back: a wake-up within that time is an unpark, not a new
     * task. Only for an executor that runs each task on a virtual thread of its own (a parked
     * virtual thread holds no carrier thread); {@link Duration#ZERO} for any other.
     */
    public static BuildEventLog open(long buildId, BuildEventStore store, Executor executor, long residentBudget,
            Duration linger) {
        return new BuildEventLog(buildId, store, executor, residentBudget, Objects.requireNonNull(linger, "linger"));
    }

    /**
     * A finished build's events from the store, from {@code fromSequence} (0 or 1 for all) to the
     * last stored one; then the subscriber completes.
     */
    public static Flow.Publisher<SequencedEvent> replay(BuildEventStore store, long buildId, long fromSequence,
            Executor executor) {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(executor, "executor");
        long from = checkFrom(fromSequence);
        return subscriber -> {
            Objects.requireNonNull(subscriber, "subscriber");
            new EventSubscription(new StoredEventSource(store, buildId, executor), subscriber, from).start();
        };
    }

    public long buildId() {
        return buildId;
    }

    /** The sequence of the last event emitted, or 0. */
    public long lastSequence() {
        return published;
    }

    /** The sequence of the last event in the store, or 0. */
    public long storedSequence() {
        return persisted;
    }

    public boolean isClosed() {
        return finalSequence >= 0;
    }

    /**
     * Stores this log's next batches only while {@code fence} is still the current lease on the
     * build (the store's lease-checked append). If the store refuses a batch, the log stores
     * nothing more (its events stay in memory for this node's subscribers), and
     * {@code onFencedOut} runs once, outside the log's locks. Set it before the first event the
     * lease guards. Only the lease's name, owner and token count, so renewals need no new fence.
     */
    public void fence(Lease fence, Runnable onFencedOut) {
        Objects.requireNonNull(fence, "fence");
        Objects.requireNonNull(onFencedOut, "onFencedOut");
        this.onFencedOut = onFencedOut;
        this.fence = fence;
    }

    /** Whether a fenced append was refused, so that this log stores nothing more. */
    public boolean isFencedOut() {
        return fencedOut;
    }

    /**
     * Appends an event with the next sequence number.
     *
     * @throws IllegalStateException if the log is closed (the build has finished)
     */
    @Override
    public void emit(BuildEvent event) {
        Objects.requireNonNull(event, "event");
        BuildEvent truncated = EventJson.truncateToSeconds(event);
        appendLock.lock();
        try {
            if (finalSequence >= 0) {
                throw new IllegalStateException("build " + buildId + "'s event log is closed: the build finished"
                        + " with event " + finalSequence + ", so a " + event.type() + " event cannot follow");
            }
            long sequence = published + 1;
            Chunk chunk = tail;
            int slot = (int) (sequence - chunk.base);
            if (slot == CHUNK_SIZE) {
                chunk = new Chunk(sequence);
                tail.next = chunk;
                tail = chunk;
                slot = 0;
            }
            chunk.slots[slot] = new SequencedEvent(buildId, sequence, truncated);
            published = sequence;
        } finally {
            appendLock.unlock();
        }
        signalAwaiting();
        requestFlush();
    }

    /**
     * The build's events from {@code fromSequence} (0 or 1 for all), then live ones, completing
     * after the last one once the log is closed. Each subscriber reads at its own pace; see
     * {@link dev.concourse.Builds#events}.
     */
    public Flow.Publisher<SequencedEvent> subscribe(long fromSequence) {
        long from = checkFrom(fromSequence);
        return subscriber -> {
            Objects.requireNonNull(subscriber, "subscriber");
            new EventSubscription(source, subscriber, from).start();
        };
    }

    /**
     * Ends the log (the build has finished): no more events, subscribers complete after the last
     * one, and the events not stored yet are stored before this returns. Calling it again retries
     * a failed store.
     *
     * @throws EventPersistenceException if the store refused the last events
     */
    @Override
    public void close() {
        appendLock.lock();
        try {
            if (finalSequence < 0) {
                finalSequence = published;
            }
        } finally {
            appendLock.unlock();
        }
        signalAwaiting();
        flushLock.lock();
        try {
            flushAvailable();
            failure = null;
        } catch (RuntimeException e) {
            failure = e;
            throw new EventPersistenceException("cannot store build " + buildId + "'s events " + (persisted + 1)
                    + " to " + finalSequence + ": " + e.getMessage() + "; subscribers reading now got them, but"
                    + " a later replay will miss them", e);
        } finally {
            flushLock.unlock();
        }
        tellFencedOut();
    }

    private void tellFencedOut() {
        if (!fencedOut || !fencedOutTold.compareAndSet(false, true)) {
            return;
        }
        try {
            onFencedOut.run();
        } catch (RuntimeException e) {
            LOG.warn("build {}: stopping the work of a build whose lease was lost failed", buildId, e);
        }
    }

    private static long checkFrom(long fromSequence) {
        if (fromSequence < 0) {
            throw new IllegalArgumentException("fromSequence must be 0 or more (1 is the first event): "
                    + fromSequence);
        }
        return Math.max(1, fromSequence);
    }

    /**
     * Signals the readers that had caught up: the first one here, the others from a task on the
     * executor, so that an emit costs the same with one subscriber or a thousand (signalling each
     * schedules its delivery loop; done inline, the emitter fell into lockstep with the readers and
     * scheduled every reader once per event).
     */
    private void signalAwaiting() {
        EventSubscription first = awaiting.poll();
        if (first == null) {
            return;
        }
        first.awaiting.set(false);
        first.signal();
        if (awaiting.isEmpty() || wakeScheduled.get() || !wakeScheduled.compareAndSet(false, true)) {
            return;
        }
        try {
            executor.execute(this::wakeInBackground);
        } catch (RejectedExecutionException e) {
            // The engine is shutting down: signal them here (their loops report the refusal).
            wakeScheduled.set(false);
            wakeAll();
        }
    }

    private void wakeInBackground() {
        for (;;) {
            long target = published;
            boolean closed = finalSequence >= 0;
            wakeReady(target, closed);
            wakeScheduled.set(false);
            // An emit or close after this round read target found a wake scheduled and left its
            // readers to it (possibly while they were set aside above): look again. A reader that
            // queued after the round rechecks published itself, so with nothing new there is
            // nobody to wake.
            if (awaiting.isEmpty() || (published == target && (finalSequence >= 0) == closed)
                    || !wakeScheduled.compareAndSet(false, true)) {
                return;
            }
        }
    }

    /**
     * Signals the queued readers waiting for an event up to {@code target} (all of them once
     * closed) and puts the others back, once each. Without that check, readers that the round
     * woke, that caught up and queued again while it ran were woken again for nothing, each time
     * starting a delivery task: with many subscribers the round spun on them.
     */
    private void wakeReady(long target, boolean closed) {
        List<EventSubscription> early = null;
        EventSubscription reader;
        while ((reader = awaiting.poll()) != null) {
            if (!closed && reader.awaitedSequence > target) {
                if (early == null) {
                    early = new ArrayList<>();
                }
                early.add(reader);
                continue;
            }
            reader.awaiting.set(false);
            reader.signal();
        }
        if (early != null) {
            awaiting.addAll(early);
        }
    }

    private void wakeAll() {
        EventSubscription reader;
        while ((reader = awaiting.poll()) != null) {
            reader.awaiting.set(false);
            reader.signal();
        }
    }

    // ---- persistence

    private void requestFlush() {
        if (fencedOut || flushScheduled.get() || !flushScheduled.compareAndSet(false, true)) {
            return;
        }
        try {
            executor.execute(this::flushInBackground);
        } catch (RejectedExecutionException e) {
            // The engine is shutting down; close() stores what is left.
            flushScheduled.set(false);
        }
    }

    private void flushInBackground() {
        for (;;) {
            flushLock.lock();
            try {
                flushAvailable();
                if (failure != null) {
                    LOG.info("Storing build {}'s events works again (stored up to {})", buildId, persisted);
                    failure = null;
                }
            } catch (RuntimeException e) {
                if (failure == null) {
                    LOG.error("Cannot store build {}'s events after {}; they stay in memory and storing is"
                            + " retried with the next event and when the build finishes", buildId, persisted, e);
                }
                failure = e;
                flushScheduled.set(false);
                return;
            } finally {
                flushLock.unlock();
            }
            flushScheduled.set(false);
            if (fencedOut) {
                tellFencedOut();
                return;
            }
            // An event appended after the flush took its batch but before the flag cleared found a
            // flush scheduled and did not schedule one: look again.
            if (persisted >= published || !flushScheduled.compareAndSet(false, true)) {
                return;
            }
        }
    }

    /** Stores everything appended so far; caller holds flushLock. */
    private void flushAvailable() {
        if (fencedOut) {
            return;
        }
        if (failure != null) {
            catchUpWithStore();
        }
        long target = published;
        while (persisted < target) {
            long sequence = persisted + 1;
            int size = (int) Math.min(target - persisted, MAX_BATCH_EVENTS);
            List<StoredEvent> batch = new ArrayList<>(size);
            Chunk chunk = flushChunk;
            long chars = 0;
            long weight = 0;
            while (sequence <= target && batch.size() < MAX_BATCH_EVENTS && chars < MAX_BATCH_CHARS) {
                if (sequence - chunk.base == CHUNK_SIZE) {
                    chunk = chunk.next;
                }
                BuildEvent event = chunk.slots[(int) (sequence - chunk.base)].event();
                StoredEvent stored = EventJson.toStored(sequence, event);
                batch.add(stored);
                chars += stored.json().length();
                weight += weigh(event);
                sequence++;
            }
            if (!append(batch)) {
                return;
            }
            flushChunk = chunk;
            persisted = sequence - 1;
            residentWeight += weight;
            evict();
        }
    }

    /** Stores a batch, checked against the fence if there is one; false if the fence refused it. */
    private boolean append(List<StoredEvent> batch) {
        Lease guard = fence;
        if (guard == null) {
            store.append(buildId, batch);
            return true;
        }
        try {
            store.append(buildId, batch, guard);
            return true;
        } catch (StaleLeaseException e) {
            fencedOut = true;
            LOG.warn("build {}: not storing its events {} to {} (nor any later one): {}", buildId, persisted + 1,
                    published, e.getMessage());
            return false;
        }
    }

    /**
     * After a failed append: a store may have applied a batch and failed to say so (a commit
     * whose outcome was lost with the connection). Retrying it would be refused as a gap, so
     * start after what the store has.
     */
    private void catchUpWithStore() {
        long stored = Math.min(store.lastSequence(buildId), published);
        Chunk chunk = flushChunk;
        for (long sequence = persisted + 1; sequence <= stored; sequence++) {
            if (sequence - chunk.base == CHUNK_SIZE) {
                chunk = chunk.next;
            }
            residentWeight += weigh(chunk.slots[(int) (sequence - chunk.base)].event());
            flushChunk = chunk;
            persisted = sequence;
        }
    }

    /** Drops the oldest stored events from memory while they weigh more than the budget; caller holds flushLock. */
    private void evict() {
        Chunk chunk = head;
        while (residentWeight > residentBudget && firstResident <= persisted) {
            long sequence = firstResident;
            while (sequence - chunk.base >= CHUNK_SIZE) {
                chunk = chunk.next;
                head = chunk;
            }
            int slot = (int) (sequence - chunk.base);
            residentWeight -= weigh(chunk.slots[slot].event());
            // Readers check firstResident first, and fall back to the store on a null slot anyway.
            firstResident = sequence + 1;
            chunk.slots[slot] = null;
        }
    }

    /** About the characters an event holds in memory. */
    private static long weigh(BuildEvent event) {
        return switch (event) {
            case BuildEvent.Log log -> 64 + (log.payload() == null ? 0 : log.payload().length());
            case BuildEvent.Error error -> 64 + (error.message() == null ? 0 : error.message().length());
            default -> 256;
        };
    }

    /** A run of CHUNK_SIZE events from {@link #base}; a slot is written once, then maybe cleared. */
    static final class Chunk {
        final long base;
        final SequencedEvent[] slots = new SequencedEvent[CHUNK_SIZE];
        volatile Chunk next;

        Chunk(long base) {
            this.base = base;
        }
    }

    /** This log as subscriptions see it. */
    private final class Source implements EventSource {
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
            return published;
        }

        @Override
        public long finalSequence() {
            return finalSequence;
        }

        @Override
        public long lingerNanos() {
            return lingerNanos;
        }

        @Override
        public SequencedEvent resident(long sequence, EventSubscription reader) {
            Chunk chunk = reader.chunkHint;
            if (chunk != null && sequence >= chunk.base && sequence - chunk.base < CHUNK_SIZE) {
                // The reader's chunk: skip the volatile firstResident, which the flusher writes
                // next to published; an evicted slot reads null and the reader goes to the store.
                return chunk.slots[(int) (sequence - chunk.base)];
            }
            if (sequence < firstResident) {
                return null;
            }
            if (chunk == null || sequence < chunk.base) {
                chunk = head;
                if (sequence < chunk.base) {
                    return null;
                }
            }
            while (sequence - chunk.base >= CHUNK_SIZE) {
                chunk = chunk.next;
                if (chunk == null) {
                    return null;
                }
            }
            reader.chunkHint = chunk;
            // Null if evicted since the check above: the reader then reads the store.
            return chunk.slots[(int) (sequence - chunk.base)];
        }

        @Override
        public void awaitEvents(EventSubscription reader) {
            reader.awaitedSequence = reader.cursor();
            if (reader.awaiting.compareAndSet(false, true)) {
                awaiting.add(reader);
            }
        }
    }
}
