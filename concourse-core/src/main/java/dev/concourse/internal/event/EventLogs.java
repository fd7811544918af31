package dev.concourse.internal.event;

import dev.concourse.event.SequencedEvent;
import dev.concourse.spi.storage.BuildEventNotifications;
import dev.concourse.spi.storage.BuildEventStore;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.function.BooleanSupplier;

/**
 * The engine's event logs: one {@link BuildEventLog} per build that is running here, and the
 * stored events of every other build (followed live through the store when it runs on another
 * node, see {@link #publisher(long, long, BooleanSupplier)}).
 *
 * <p>Lifecycle of a build's log: {@link #open} when the build is created (subscribers to a
 * pending build then wait for its first events), emit into it while it runs, {@link #close} after
 * its final status event (which stores the rest, then forgets the log; subscribers that are still
 * reading it finish normally). Thread-safe.
 */
public final class EventLogs {
    /** Stored text kept in memory per running build by default: 8 Mi characters. */
    public static final long DEFAULT_RESIDENT_BUDGET = 8L << 20;
    /**
     * How long a delivery loop that caught up keeps its virtual thread parked for the next event
     * when the engine runs on its own virtual thread per task executor: long enough to span the
     * gaps within a burst of output, short enough that an idle subscriber soon holds no thread.
     */
    public static final Duration DEFAULT_LINGER = Duration.ofMillis(50);

    private final BuildEventStore store;
    private final Executor executor;
    private final long residentBudget;
    private final Duration linger;
    private final ConcurrentHashMap<Long, BuildEventLog> live = new ConcurrentHashMap<>();

    /**
     * @param executor       runs flushes and delivery to subscribers; use virtual threads
     * @param residentBudget see {@link BuildEventLog#open}
     * @param linger         how long a subscriber's delivery loop that caught up keeps its thread
     *                       parked for the next event; see
     *                       {@link BuildEventLog#open(long, BuildEventStore, Executor, long, Duration)}
     *                       ({@link #DEFAULT_LINGER} for a virtual thread per task executor,
     *                       {@link Duration#ZERO} for any other)
     */
    public EventLogs(BuildEventStore store, Executor executor, long residentBudget, Duration linger) {
        this.store = Objects.requireNonNull(store, "store");
        this.executor = Objects.requireNonNull(executor, "executor");
        this.residentBudget = residentBudget;
        this.linger = Objects.requireNonNull(linger, "linger");
        if (linger.isNegative()) {
            throw new IllegalArgumentException("linger must not be negative: " + linger);
        }
    }

    /** Logs whose delivery loops give their thread back as soon as they have nothing to do. */
    public EventLogs(BuildEventStore store, Executor executor, long residentBudget) {
        this(store, executor, residentBudget, Duration.ZERO);
    }

    public EventLogs(BuildEventStore store, Executor executor) {
        this(store, executor, DEFAULT_RESIDENT_BUDGET);
    }

    /**
     * Opens the log of a build that is about to run here; it continues after any events the store
     * already has (a build resumed after a restart).
     *
     * @throws IllegalStateException if the build already has a live log
     */
    public BuildEventLog open(long buildId) {
        if (live.containsKey(buildId)) {
            throw alreadyOpen(buildId);
        }
        BuildEventLog log = BuildEventLog.open(buildId, store, executor, residentBudget, linger);
        if (live.putIfAbsent(buildId, log) != null) {
            throw alreadyOpen(buildId);
        }
        return log;
    }

    /** The log of a build running here. */
    public Optional<BuildEventLog> live(long buildId) {
        return Optional.ofNullable(live.get(buildId));
    }

    /**
     * A build's events from {@code fromSequence}: from its live log if it runs here (then live
     * events until it finishes). Else, if the store offers {@link BuildEventNotifications} (several
     * nodes share it), the build is followed through the store, live as it runs on another node,
     * until its final status event or, failing that, until {@code finished} says it has finished;
     * without notifications, from the store up to the last stored event. Which one is decided when
     * a subscriber subscribes.
     *
     * @param finished whether the build has finished, by its stored status; asked from the
     *                 executor's threads, may block on the store
     */
    public Flow.Publisher<SequencedEvent> publisher(long buildId, long fromSequence, BooleanSupplier finished) {
        if (fromSequence < 0) {
            throw new IllegalArgumentException("fromSequence must be 0 or more (1 is the first event): "
                    + fromSequence);
        }
        Objects.requireNonNull(finished, "finished");
        return subscriber -> {
            BuildEventLog log = live.get(buildId);
            if (log != null) {
                log.subscribe(fromSequence).subscribe(subscriber);
                return;
            }
            Optional<BuildEventNotifications> notifications = store.notifications();
            if (notifications.isEmpty()) {
                BuildEventLog.replay(store, buildId, fromSequence, executor).subscribe(subscriber);
                return;
            }
            Objects.requireNonNull(subscriber, "subscriber");
            long from = Math.max(1, fromSequence);
            new EventSubscription(new FollowedEventSource(store, notifications.get(), buildId, from, executor,
                    finished), subscriber, from).start();
        };
    }

    /**
     * {@link #publisher(long, long, BooleanSupplier)} for a build whose log, when followed through
     * the store, ends at its final status event.
     */
    public Flow.Publisher<SequencedEvent> publisher(long buildId, long fromSequence) {
        return publisher(buildId, fromSequence, () -> false);
    }

    /**
     * Closes a build's live log (see {@link BuildEventLog#close}) and forgets it; nothing happens
     * if the build has none.
     *
     * @throws EventPersistenceException if the store refused the last events; the log is forgotten
     *                                   all the same
     */
    public void close(long buildId) {
        BuildEventLog log = live.get(buildId);
        if (log == null) {
            return;
        }
        try {
            log.close();
        } finally {
            live.remove(buildId, log);
        }
    }

    private static IllegalStateException alreadyOpen(long buildId) {
        return new IllegalStateException("build " + buildId + " already has a live event log; close it before"
                + " opening another");
    }
}
