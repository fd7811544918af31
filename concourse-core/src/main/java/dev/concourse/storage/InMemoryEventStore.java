package dev.concourse.storage;

import dev.concourse.spi.storage.BuildEventStore;
import dev.concourse.spi.storage.Lease;
import dev.concourse.spi.storage.StoredEvent;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Build logs, one {@link EventLog} per build. Outside a transaction calls go straight to the
 * build's log under its own lock. Inside one, changes collect in {@link PendingLog}s and are
 * published when the transaction commits, so other threads never see events that may still be
 * rolled back. A lease-checked append checks the lease under the tables' read lock (leases change
 * under the write lock) and appends under that same lock.
 */
final class InMemoryEventStore implements BuildEventStore {
    private final Transactions transactions;
    private final InMemoryLeaseStore leases;
    private final Map<Long, EventLog> logs = new ConcurrentHashMap<>();

    InMemoryEventStore(Transactions transactions, InMemoryLeaseStore leases) {
        this.transactions = transactions;
        this.leases = leases;
    }

    @Override
    public void append(long buildId, List<StoredEvent> events) {
        Objects.requireNonNull(events, "events");
        Transaction tx = transactions.current();
        if (tx == null) {
            EventLog log = logs.get(buildId);
            if (log == null) {
                throw noSuchBuild(buildId);
            }
            log.append(buildId, events);
            return;
        }
        PendingLog pending = pending(tx, buildId);
        if (pending == null || !pending.exists) {
            throw noSuchBuild(buildId);
        }
        EventLog.checkContinues(buildId, pending.lastSequence(), events);
        int size = pending.appended.size();
        pending.appended.addAll(events);
        tx.onUndo(() -> pending.appended.subList(size, pending.appended.size()).clear());
    }

    /**
     * {@inheritDoc}
     *
     * <p>Outside a transaction the lease is checked and the events appended under the tables' read
     * lock: leases change only under the write lock, so no acquire or release comes in between,
     * while fenced appends of many builds run in parallel, each under its own log's lock.
     */
    @Override
    public void append(long buildId, List<StoredEvent> events, Lease fence) {
        Objects.requireNonNull(events, "events");
        Objects.requireNonNull(fence, "fence");
        if (events.isEmpty()) {
            return;
        }
        if (transactions.current() != null) {
            leases.checkLocked(fence);
            append(buildId, events);
            return;
        }
        transactions.read(() -> {
            leases.checkLocked(fence);
            append(buildId, events);
            return null;
        });
    }

    @Override
    public List<StoredEvent> read(long buildId, long fromSequence, int limit) {
        PendingLog pending = pendingOfCurrentTransaction(buildId);
        if (pending != null) {
            return pending.read(fromSequence, limit);
        }
        EventLog log = logs.get(buildId);
        return log == null ? List.of() : log.read(fromSequence, limit);
    }

    @Override
    public long lastSequence(long buildId) {
        PendingLog pending = pendingOfCurrentTransaction(buildId);
        if (pending != null) {
            return pending.lastSequence();
        }
        EventLog log = logs.get(buildId);
        return log == null ? 0 : log.lastSequence();
    }

    @Override
    public void deleteEvents(long buildId) {
        Transaction tx = transactions.current();
        if (tx == null) {
            EventLog log = logs.get(buildId);
            if (log != null) {
                log.clear();
            }
            return;
        }
        PendingLog pending = pending(tx, buildId);
        if (pending != null && pending.exists) {
            tx.onUndo(pending.snapshot());
            pending.baseVisible = false;
            pending.appended.clear();
        }
    }

    /** Gives a build created in the calling thread's transaction an empty log. */
    void createLog(long buildId) {
        Transaction tx = required();
        registerPublishing(tx);
        tx.pendingLogs.put(buildId, new PendingLog(null));
        tx.onUndo(() -> tx.pendingLogs.remove(buildId));
    }

    /** Drops a build's log when the calling thread's transaction commits. */
    void removeLog(long buildId) {
        Transaction tx = required();
        PendingLog pending = pending(tx, buildId);
        if (pending != null && pending.exists) {
            tx.onUndo(pending.snapshot());
            pending.exists = false;
            pending.baseVisible = false;
            pending.appended.clear();
        }
    }

    static IllegalArgumentException noSuchBuild(long buildId) {
        return new IllegalArgumentException("there is no build with id " + buildId + " to append events to");
    }

    private Transaction required() {
        Transaction tx = transactions.current();
        if (tx == null) {
            throw new IllegalStateException("event logs created or removed outside a transaction");
        }
        return tx;
    }

    private PendingLog pendingOfCurrentTransaction(long buildId) {
        Transaction tx = transactions.current();
        return tx == null ? null : tx.pendingLogs.get(buildId);
    }

    /** The transaction's view of the build's log, or null if the build has no log. */
    private PendingLog pending(Transaction tx, long buildId) {
        PendingLog pending = tx.pendingLogs.get(buildId);
        if (pending != null) {
            return pending;
        }
        EventLog base = logs.get(buildId);
        if (base == null) {
            return null;
        }
        registerPublishing(tx);
        PendingLog created = new PendingLog(base);
        tx.pendingLogs.put(buildId, created);
        tx.onUndo(() -> tx.pendingLogs.remove(buildId));
        return created;
    }

    private void registerPublishing(Transaction tx) {
        if (!tx.eventsRegistered) {
            tx.eventsRegistered = true;
            tx.onCommit(() -> publish(tx));
        }
    }

    /**
     * Applies a committing transaction's log changes, all or none. Runs under the tables' write
     * lock; takes the logs' locks in id order, so it cannot deadlock with another publisher.
     */
    private void publish(Transaction tx) {
        List<Map.Entry<Long, PendingLog>> changes = new ArrayList<>(tx.pendingLogs.entrySet());
        changes.sort(Map.Entry.comparingByKey(Comparator.naturalOrder()));
        List<EventLog> locked = new ArrayList<>(changes.size());
        try {
            for (Map.Entry<Long, PendingLog> change : changes) {
                EventLog base = change.getValue().base;
                if (base != null) {
                    base.writeLock().lock();
                    locked.add(base);
                }
            }
            for (Map.Entry<Long, PendingLog> change : changes) {
                PendingLog pending = change.getValue();
                if (pending.exists && !pending.appended.isEmpty()) {
                    long last = pending.baseVisible ? pending.base.lastSequenceLocked() : 0;
                    if (pending.appended.getFirst().sequence() != last + 1) {
                        throw new IllegalArgumentException("build " + change.getKey()
                                + ": events were appended outside the transaction while it appended its own;"
                                + " the transaction is rolled back, append each build's events from one place");
                    }
                }
            }
            for (Map.Entry<Long, PendingLog> change : changes) {
                long buildId = change.getKey();
                PendingLog pending = change.getValue();
                if (!pending.exists) {
                    if (pending.base != null) {
                        pending.base.removeLocked();
                        logs.remove(buildId, pending.base);
                    }
                } else if (pending.base == null) {
                    logs.put(buildId, new EventLog(pending.appended));
                } else {
                    if (!pending.baseVisible) {
                        pending.base.clearLocked();
                    }
                    pending.base.appendLocked(pending.appended);
                }
            }
        } finally {
            for (int i = locked.size() - 1; i >= 0; i--) {
                locked.get(i).writeLock().unlock();
            }
        }
    }
}
