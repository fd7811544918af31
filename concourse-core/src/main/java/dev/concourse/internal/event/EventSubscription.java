package dev.concourse.internal.event;

import dev.concourse.ConcourseException;
import dev.concourse.event.SequencedEvent;
import dev.concourse.spi.storage.StoredEvent;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One subscriber's cursor over a build's log, and the loop that delivers to it.
 *
 * <p>There is no queue per subscriber: the cursor is a sequence number into the shared log (and a
 * page of stored events while it reads what memory no longer holds). The delivery loop runs as a
 * task on the source's executor only while there is something to do (events and demand, a
 * cancel, a completion), plus, where the source allows it ({@link EventSource#lingerNanos}), a
 * short linger parked on its thread; otherwise the subscription holds no thread. Signals
 * (request, cancel, a published event, the log closing) bump {@link #wip}; whoever bumps it from 0
 * schedules the loop, whoever bumps it from {@link #PARKED} unparks the lingering loop, and the
 * loop runs until it has seen every bump. That makes signals to the subscriber serial (rule 1.3)
 * and {@code request} from within {@code onNext} non-recursive (rule 3.3). After a terminal signal
 * {@link #wip} never returns to 0, so the loop never runs again.
 */
final class EventSubscription implements Flow.Subscription, Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(EventSubscription.class);

    /** Events read from the store at once by a subscriber behind memory. */
    static final int PAGE_SIZE = 64;
    /**
     * Deliveries between two looks at the clock: a loop that has been delivering for
     * {@link #TIME_SLICE_NANOS} lets the executor's other tasks run (a yield on a virtual thread,
     * else a new task), so one busy subscriber cannot hog a thread.
     */
    static final int FAIRNESS_BATCH = 256;
    /**
     * How long a loop delivers before it yields. Yielding by count (every 256 events) cost more
     * than the deliveries themselves when a thousand subscribers read the same burst: each yield
     * unmounts and reschedules the virtual thread.
     */
    static final long TIME_SLICE_NANOS = 1_000_000;

    /** {@link #wip} while the loop's thread is parked, lingering for a signal. */
    private static final int PARKED = Integer.MIN_VALUE;
    private static final VarHandle LINGER_TIMER_ARMED;

    static {
        try {
            LINGER_TIMER_ARMED = MethodHandles.lookup().findVarHandle(EventSubscription.class, "lingerTimerArmed",
                    boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final EventSource source;
    private final AtomicLong demand = new AtomicLong();
    private final AtomicInteger wip = new AtomicInteger();
    private volatile boolean cancelled;
    /**
     * {@link #cancelled}, written plainly too, for the check after each event of a run: a cancel
     * from {@code onNext} (the loop's own thread) is seen at once, one from another thread at the
     * latest when the run ends, where the loop reads {@link #cancelled}. A volatile or opaque read
     * there kept the compiler from keeping the loop's and the subscriber's state in registers,
     * which doubled the cost of a delivery.
     */
    private boolean cancelSeen;
    private volatile IllegalArgumentException badRequest;
    /** The thread of a loop that lingers; set before {@link #wip} becomes {@link #PARKED}. */
    private volatile Thread lingering;
    /** When the current linger ends, in {@link System#nanoTime()}; set before {@link #wip} becomes {@link #PARKED}. */
    private volatile long lingerDeadline;
    /** Whether a {@link LingerTimer} task for this subscription is pending. */
    private volatile boolean lingerTimerArmed;

    /** Whether this subscription is in its log's queue of readers to signal; the log maintains it. */
    final AtomicBoolean awaiting = new AtomicBoolean();
    /**
     * The sequence this subscription waits for, set by its loop when it asks to be signalled: the
     * log's background wake skips it until that event is published (or the log closes).
     */
    volatile long awaitedSequence;

    // Owned by the delivery loop (handed between its runs through wip).
    private Flow.Subscriber<? super SequencedEvent> subscriber;
    private boolean started;
    private long cursor;
    private List<StoredEvent> page = List.of();
    private int pageIndex;
    /** Where the last in-memory read was, for the log's look-up of the next one. */
    BuildEventLog.Chunk chunkHint;
    /**
     * The source's {@link EventSource#published()} when last read: events up to it are readable
     * without reading the source's volatile again, which the emitter keeps writing (one contended
     * cache line read per event made fan-out to many subscribers an order of magnitude slower).
     */
    private long available;

    EventSubscription(EventSource source, Flow.Subscriber<? super SequencedEvent> subscriber, long fromSequence) {
        this.source = source;
        this.subscriber = subscriber;
        this.cursor = fromSequence;
    }

    /** Schedules the first run, which calls {@code onSubscribe}. */
    void start() {
        signal();
    }

    @Override
    public void request(long n) {
        if (n <= 0) {
            if (badRequest == null) {
                badRequest = new IllegalArgumentException("request(" + n + ") on build " + source.buildId()
                        + "'s events: demand must be positive (Reactive Streams rule 3.9)");
            }
        } else {
            long current;
            long next;
            do {
                current = demand.get();
                next = current + n;
                if (next < 0) {
                    next = Long.MAX_VALUE;
                }
            } while (!demand.compareAndSet(current, next));
        }
        signal();
    }

    @Override
    public void cancel() {
        cancelSeen = true;
        cancelled = true;
        signal();
    }

    void signal() {
        for (;;) {
            int w = wip.get();
            if (w == PARKED) {
                // The loop lingers on its thread: hand it the signal instead of a new task.
                if (wip.compareAndSet(PARKED, 1)) {
                    LockSupport.unpark(lingering);
                    return;
                }
            } else if (w == Integer.MAX_VALUE || wip.compareAndSet(w, w + 1)) {
                // (Saturated: only after a terminal signal, when nobody counts any more.)
                if (w == 0) {
                    schedule();
                }
                return;
            }
        }
    }

    /**
     * The loop has seen {@code missed} signals and found nothing to do: instead of giving its
     * thread back, it parks for up to the source's linger time, so that the next signal unparks it
     * rather than starting a task (on a virtual thread, a parked loop holds no carrier thread).
     * The park has no timeout: the {@link LingerTimer} unparks the loop when its linger has run
     * out (a timed park set up and cancelled a timer per park). Nothing between {@link #PARKED}
     * and the park may block: a park inside a lock would consume a signaller's unpark.
     *
     * @return the signals that came since (go round again), or 0 if the loop gave its thread back
     */
    private int linger(int missed, long lingerNanos) {
        Thread me = Thread.currentThread();
        lingering = me;
        long deadline = System.nanoTime() + lingerNanos;
        lingerDeadline = deadline;
        // Armed before PARKED: scheduling may block on the timer's lock, and a park there would
        // swallow a signaller's unpark.
        if (!lingerTimerArmed && LINGER_TIMER_ARMED.compareAndSet(this, false, true)) {
            LingerTimer.schedule(this::lingerTimerFired, lingerNanos);
        }
        if (!wip.compareAndSet(missed, PARKED)) {
            return wip.addAndGet(-missed);
        }
        for (;;) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || me.isInterrupted()) {
                // Give the thread back, unless a signal took the loop out of PARKED just now (a
                // signaller reads the thread only after moving wip out of PARKED, and then finds
                // null or this thread, which is not parked: either is harmless). Cleared before
                // the CAS: after it, the next task's loop may already have set its own thread.
                lingering = null;
                if (wip.compareAndSet(PARKED, 0)) {
                    return 0;
                }
                return wip.get();
            }
            if (lingerTimerArmed) {
                LockSupport.park(this);
            } else {
                // The timer fired before this loop was PARKED and left it alone: time the park
                // itself (rare; the next linger arms the timer again).
                LockSupport.parkNanos(this, left);
            }
            int w = wip.get();
            if (w != PARKED) {
                return w;
            }
        }
    }

    /**
     * On the {@link LingerTimer}: unparks the loop if its linger has run out, else waits for the
     * rest of it. A loop that is not lingering now arms a new timer when it lingers again.
     */
    private void lingerTimerFired() {
        lingerTimerArmed = false;
        if (wip.get() != PARKED) {
            return;
        }
        long left = lingerDeadline - System.nanoTime();
        if (left <= 0) {
            // The loop may have moved on since: an unpark of a thread that does not park here is
            // harmless (every park is in a loop that checks why it woke).
            LockSupport.unpark(lingering);
        } else if (LINGER_TIMER_ARMED.compareAndSet(this, false, true)) {
            LingerTimer.schedule(this::lingerTimerFired, left);
        }
    }

    private void schedule() {
        try {
            source.executor().execute(this);
        } catch (RejectedExecutionException e) {
            // This thread owns the loop now (it moved wip from 0, or the loop is handing over), so
            // it may signal the subscriber itself.
            if (cancelled) {
                release();
                return;
            }
            if (!started) {
                started = true;
                if (!onSubscribe()) {
                    return;
                }
            }
            fail(new ConcourseException("cannot deliver build " + source.buildId()
                    + "'s events: the engine's executor refused the work (is the engine shutting down?)", e));
        }
    }

    @Override
    public void run() {
        int missed = 1;
        int delivered = 0;
        boolean timing = false;
        long sliceStart = 0;
        for (;;) {
            if (!started) {
                started = true;
                if (!onSubscribe()) {
                    return;
                }
            }
            if (cancelled) {
                release();
                return;
            }
            IllegalArgumentException bad = badRequest;
            if (bad != null) {
                fail(bad);
                return;
            }

            long requested = demand.get();
            long emitted = 0;
            while (emitted != requested) {
                if (delivered >= FAIRNESS_BATCH) {
                    delivered = 0;
                    long now = System.nanoTime();
                    if (!timing) {
                        // The slice starts with the first full batch: short runs never read the clock.
                        timing = true;
                        sliceStart = now;
                    } else if (now - sliceStart >= TIME_SLICE_NANOS) {
                        if (!yieldThread(requested, emitted)) {
                            return;
                        }
                        // Demand is accounted for; go round (cancel, demand, completion) again.
                        timing = false;
                        requested = 0;
                        emitted = 0;
                        break;
                    }
                }
                if (pageIndex == page.size() && chunkHint != null) {
                    // The common case, a reader in memory: deliver the run of resident events in
                    // its chunk in one loop, without a look-up per event.
                    long batch = Math.min(requested - emitted, FAIRNESS_BATCH - delivered);
                    long run = deliverResident(batch);
                    if (run < 0) {
                        return;
                    }
                    if (cancelled) {
                        // A cancel from another thread during the run.
                        release();
                        return;
                    }
                    emitted += run;
                    delivered += (int) run;
                    if (run == batch) {
                        continue;
                    }
                }
                SequencedEvent event;
                try {
                    event = next();
                } catch (RuntimeException e) {
                    fail(e instanceof ConcourseException ? e : new ConcourseException("cannot read build "
                            + source.buildId() + "'s events from storage: " + e.getMessage(), e));
                    return;
                }
                if (event == null) {
                    break;
                }
                cursor++;
                emitted++;
                try {
                    subscriber.onNext(event);
                } catch (Throwable t) {
                    // Rule 2.13: a subscriber that throws broke its contract; it is cancelled and told why.
                    fail(t);
                    return;
                }
                if (cancelled) {
                    release();
                    return;
                }
                delivered++;
            }
            produced(requested, emitted);

            try {
                if (isComplete()) {
                    complete();
                    return;
                }
                if (hasNext()) {
                    // Events published while this loop found none (an emitter saw no reader waiting,
                    // so it signalled nobody): deliver them now if there is demand, or they wait for
                    // the next request, which signals.
                    if (demand.get() > 0) {
                        continue;
                    }
                } else {
                    source.awaitEvents(this);
                    if (hasNext() || isComplete()) {
                        continue;
                    }
                }
            } catch (RuntimeException e) {
                fail(e);
                return;
            }
            long lingerNanos = source.lingerNanos();
            if (lingerNanos > 0) {
                missed = linger(missed, lingerNanos);
                if (missed == 0) {
                    return;
                }
                // A new round of deliveries: a new time slice.
                delivered = 0;
                timing = false;
                continue;
            }
            missed = wip.addAndGet(-missed);
            if (missed == 0) {
                return;
            }
        }
    }

    /**
     * Delivers up to {@code max} events from the reader's chunk ({@link #chunkHint}), from the
     * cursor to the last published one or the chunk's end, in one loop: the slots up to
     * {@link #available} were written before the emitter published it, so they need no lock and
     * no volatile read each. Stops early at an evicted slot (then {@link #next} reads the store).
     *
     * @return how many were delivered, or -1 if the subscription ended (cancelled, or the
     *         subscriber threw and was told)
     */
    private long deliverResident(long max) {
        BuildEventLog.Chunk chunk = chunkHint;
        long sequence = cursor;
        long offset = sequence - chunk.base;
        if (offset < 0 || offset >= BuildEventLog.CHUNK_SIZE) {
            return 0;
        }
        if (sequence > available) {
            available = source.published();
        }
        long end = Math.min(Math.min(available + 1, chunk.base + BuildEventLog.CHUNK_SIZE), sequence + max);
        SequencedEvent[] slots = chunk.slots;
        Flow.Subscriber<? super SequencedEvent> s = subscriber;
        int first = (int) offset;
        int last = first + (int) (end - sequence);
        int slot = first;
        // Nothing inside the loop is in memory order: the cursor is stored once at the end
        // (nothing reads it during onNext), and cancel is checked through the plain cancelSeen, so
        // that the loop keeps its state and the subscriber's in registers; a cancel from onNext is
        // seen at once (same thread), one from elsewhere when the run ends.
        try {
            for (; slot < last; slot++) {
                SequencedEvent event = slots[slot];
                if (event == null) {
                    break;
                }
                s.onNext(event);
                if (cancelSeen) {
                    cursor = sequence + (slot - first) + 1;
                    release();
                    return -1;
                }
            }
        } catch (Throwable t) {
            // Rule 2.13: a subscriber that throws broke its contract; it is cancelled and told why.
            cursor = sequence + (slot - first) + 1;
            fail(t);
            return -1;
        }
        cursor = sequence + (slot - first);
        return slot - first;
    }

    /**
     * After {@link #TIME_SLICE_NANOS} of deliveries with demand left: lets the executor's other tasks
     * run. On a virtual thread that is a yield (the loop keeps its thread); otherwise the loop
     * accounts for what it delivered and schedules itself again.
     *
     * @return true if the loop goes on here (demand accounted for: read it again), false if it
     *         was handed to a new task
     */
    private boolean yieldThread(long requested, long emitted) {
        produced(requested, emitted);
        if (Thread.currentThread().isVirtual()) {
            Thread.yield();
            return true;
        }
        schedule();
        return false;
    }

    /** The next sequence to deliver; for the source, from the delivery loop only. */
    long cursor() {
        return cursor;
    }

    private SequencedEvent next() {
        if (pageIndex < page.size()) {
            StoredEvent stored = page.get(pageIndex++);
            if (pageIndex == page.size()) {
                page = List.of();
                pageIndex = 0;
            }
            if (stored.sequence() != cursor) {
                throw new ConcourseException("build " + source.buildId() + "'s stored events skip from "
                        + (cursor - 1) + " to " + stored.sequence() + "; the store returned a page with a gap");
            }
            return EventJson.decode(source.buildId(), stored);
        }
        long sequence = cursor;
        if (sequence > available) {
            available = source.published();
            if (sequence > available) {
                return null;
            }
        }
        SequencedEvent event = source.resident(sequence, this);
        if (event != null) {
            return event;
        }
        page = source.store().read(source.buildId(), sequence, PAGE_SIZE);
        pageIndex = 0;
        if (page.isEmpty() || page.get(0).sequence() != sequence) {
            page = List.of();
            throw new ConcourseException("build " + source.buildId() + "'s event " + sequence
                    + " is neither in memory nor in storage (deleted by log retention?)");
        }
        return next();
    }

    private boolean hasNext() {
        return pageIndex < page.size() || cursor <= source.published();
    }

    private boolean isComplete() {
        long last = source.finalSequence();
        return last >= 0 && cursor > last;
    }

    private void produced(long requested, long emitted) {
        if (requested == Long.MAX_VALUE || emitted == 0) {
            return;
        }
        long current;
        do {
            current = demand.get();
            if (current == Long.MAX_VALUE) {
                return;
            }
        } while (!demand.compareAndSet(current, current - emitted));
    }

    private boolean onSubscribe() {
        try {
            subscriber.onSubscribe(this);
            return true;
        } catch (Throwable t) {
            fail(t);
            return false;
        }
    }

    private void complete() {
        Flow.Subscriber<? super SequencedEvent> s = subscriber;
        cancelled = true;
        release();
        try {
            s.onComplete();
        } catch (Throwable t) {
            LOG.warn("A subscriber to build {}'s events threw from onComplete", source.buildId(), t);
        }
    }

    private void fail(Throwable error) {
        Flow.Subscriber<? super SequencedEvent> s = subscriber;
        cancelled = true;
        release();
        try {
            s.onError(error);
        } catch (Throwable t) {
            t.addSuppressed(error);
            LOG.warn("A subscriber to build {}'s events threw from onError", source.buildId(), t);
        }
    }

    /** Rule 3.13: drop the references to the subscriber and what was read for it. */
    private void release() {
        if (subscriber != null) {
            source.detach(this);
        }
        subscriber = null;
        page = List.of();
        pageIndex = 0;
        chunkHint = null;
    }
}
