package dev.concourse.internal.lease;

import dev.concourse.spi.scheduling.EngineClock;
import dev.concourse.spi.storage.Lease;
import dev.concourse.spi.storage.LeaseStore;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leases one engine node holds, under its node name, each lasting {@link #duration()} unless
 * renewed: a heartbeat on the engine's clock renews every held lease each third of the duration,
 * then runs the tasks registered with {@link #onHeartbeat} (the takeover scan). A lease the store
 * no longer grants on renewal (another node took it after it expired, as after a long pause of
 * this JVM) is dropped and its holder told, so the holder stops the work it guarded.
 *
 * <p>Renewing is best effort: if the store cannot be reached, the next heartbeat tries again, and
 * the writes a lease guards are fenced ({@link LeaseStore#check}), so a node that lost a lease
 * while cut off cannot overwrite the new holder's work. Thread-safe.
 */
public final class NodeLeases implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NodeLeases.class);
    /** The default time a node's leases last without a heartbeat. */
    public static final Duration DEFAULT_DURATION = Duration.ofSeconds(30);

    private final LeaseStore store;
    private final EngineClock clock;
    private final Executor executor;
    private final String node;
    private final Duration duration;
    private final ConcurrentMap<String, Held> held = new ConcurrentHashMap<>();
    private final List<Runnable> heartbeatTasks = new CopyOnWriteArrayList<>();
    private final AtomicBoolean beating = new AtomicBoolean();
    private EngineClock.Scheduled timer;
    private boolean started;
    private boolean closed;

    /**
     * @param node     this node's name, the owner of its leases; unique among the nodes sharing the store
     * @param duration how long a lease lasts without renewal; positive
     */
    public NodeLeases(LeaseStore store, EngineClock clock, Executor executor, String node, Duration duration) {
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.executor = Objects.requireNonNull(executor, "executor");
        this.node = Objects.requireNonNull(node, "node");
        this.duration = Objects.requireNonNull(duration, "duration");
        if (!duration.isPositive()) {
            throw new IllegalArgumentException("the lease duration must be positive, not " + duration);
        }
    }

    /** A lease this node holds; its token stays the same while the heartbeat renews it. */
    public final class Held {
        private final String name;
        private final Runnable onLost;
        private volatile Lease lease;
        private volatile boolean lost;

        private Held(Lease lease, Runnable onLost) {
            this.name = lease.name();
            this.lease = lease;
            this.onLost = onLost;
        }

        /** The lease as last granted or renewed, for {@link LeaseStore#check}. */
        public Lease lease() {
            return lease;
        }

        /** Whether the heartbeat found that another node took it (or it was released elsewhere). */
        public boolean lost() {
            return lost;
        }

        /**
         * A fenced write found the lease taken by another node (before this node's heartbeat did):
         * drops it and tells its holder, as the heartbeat does; harmless when lost or released.
         */
        public void lostToFence() {
            if (!held.remove(name, this)) {
                lost = true;
                return;
            }
            lost = true;
            LOG.warn("node '{}' lost its lease on {} (a fenced write found another node holding it): stopping the"
                    + " work it guarded", node, name);
            try {
                onLost.run();
            } catch (RuntimeException e) {
                LOG.warn("node '{}': stopping the work of the lost lease on {} failed", node, name, e);
            }
        }

        /** Releases it, so another node may take it at once; harmless when lost or released. */
        public void release() {
            if (!held.remove(name, this) || lost) {
                return;
            }
            try {
                store.release(lease);
            } catch (RuntimeException e) {
                // It expires on its own; nobody can take it sooner, which is all this costs.
                LOG.warn("node '{}' could not release its lease on {}; it lapses within {}: {}", node, name,
                        duration, e.toString());
            }
        }
    }

    /** This node's name: the owner of its leases. */
    public String node() {
        return node;
    }

    /** How long a lease lasts without a heartbeat. */
    public Duration duration() {
        return duration;
    }

    /** The store the leases live in. */
    public LeaseStore store() {
        return store;
    }

    /**
     * Acquires the lease on {@code name} for this node and keeps renewing it until released.
     *
     * @param onLost run (on the heartbeat's thread) if the lease is found taken by another node
     * @return the held lease, or empty if another node holds it and it has not expired
     */
    public Optional<Held> acquire(String name, Runnable onLost) {
        Objects.requireNonNull(onLost, "onLost");
        Optional<Lease> lease = store.acquire(name, node, duration);
        if (lease.isEmpty()) {
            return Optional.empty();
        }
        Held entry = new Held(lease.get(), onLost);
        Held before = held.put(name, entry);
        if (before != null) {
            // Acquired twice by this node: the same lease, renewed; the earlier holder keeps no claim.
            before.lost = true;
        }
        return Optional.of(entry);
    }

    /** Registers work to run after each heartbeat's renewals (on the engine's executor). */
    public void onHeartbeat(Runnable task) {
        heartbeatTasks.add(Objects.requireNonNull(task, "task"));
    }

    /** Starts the heartbeat: every third of the lease duration. Harmless when started or closed. */
    public synchronized void start() {
        if (started || closed) {
            return;
        }
        started = true;
        schedule();
    }

    private synchronized void schedule() {
        if (!closed) {
            timer = clock.schedule(duration.dividedBy(3), () -> {
                try {
                    executor.execute(this::beat);
                } catch (RejectedExecutionException e) {
                    // The engine is closing.
                }
            });
        }
    }

    /** Renews every held lease, then runs the heartbeat tasks; one beat at a time. */
    void beat() {
        if (!beating.compareAndSet(false, true)) {
            return;
        }
        try {
            renewAll();
            for (Runnable task : heartbeatTasks) {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.warn("node '{}': a heartbeat task failed; it runs again at the next heartbeat", node, e);
                }
            }
        } finally {
            beating.set(false);
            schedule();
        }
    }

    /** Renews every lease this node holds now; those found taken are dropped and their holders told. */
    public void renewAll() {
        for (Held entry : List.copyOf(held.values())) {
            Optional<Lease> renewed;
            try {
                renewed = store.renew(entry.lease, duration);
            } catch (RuntimeException e) {
                LOG.warn("node '{}' could not renew its lease on {}; trying again at the next heartbeat: {}", node,
                        entry.name, e.toString());
                continue;
            }
            if (renewed.isPresent()) {
                entry.lease = renewed.get();
                continue;
            }
            if (held.remove(entry.name, entry)) {
                entry.lost = true;
                LOG.warn("node '{}' lost its lease on {} (another node took it after it expired): stopping the"
                        + " work it guarded", node, entry.name);
                try {
                    entry.onLost.run();
                } catch (RuntimeException e) {
                    LOG.warn("node '{}': stopping the work of the lost lease on {} failed", node, entry.name, e);
                }
            }
        }
    }

    /** Stops the heartbeat; leases still held lapse after the duration (their holders release them first). */
    @Override
    public synchronized void close() {
        closed = true;
        if (timer != null) {
            timer.cancel();
        }
    }
}
