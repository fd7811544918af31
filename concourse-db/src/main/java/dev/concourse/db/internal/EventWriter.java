package dev.concourse.db.internal;

import dev.concourse.spi.storage.ConcurrentUpdateException;
import dev.concourse.spi.storage.Lease;
import dev.concourse.spi.storage.StaleLeaseException;
import dev.concourse.spi.storage.StoredEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Function;
import org.hibernate.Session;

/**
 * Group commit of event appends: callers queue their batch and wait; one writer thread takes
 * everything queued (the batches of many builds) and stores it in one transaction, so a busy engine
 * pays one commit for many log chunks. A batch that does not continue its build's log fails alone;
 * if the commit itself fails (another node wrote the same sequence, say), every batch of the group
 * is retried in a transaction of its own, so one bad batch never fails the others.
 *
 * <p>Fenced batches (appends checked against a lease) join the same group: the group's transaction
 * first reads the lease rows of all its fenced batches with one shared-locking query
 * ({@link DbLeaseStore#staleFences}), refuses the batches whose lease was lost with a
 * {@link StaleLeaseException}, and stores the others. The row locks last until the group commits,
 * so a lease cannot pass to a new owner between the check and the commit. The group does not take
 * the store lock: a fenced append costs a share of one group commit, not a locked transaction of
 * its own.
 */
final class EventWriter implements AutoCloseable {
    /** How many events one group commit stores at most. */
    static final int MAX_GROUP_EVENTS = 20_000;

    /** A queued batch; {@code fence} is the lease it is checked against, or null. */
    private record Pending(long buildId, List<StoredEvent> events, Lease fence, CompletableFuture<Void> done) {
    }

    /** Queued by {@link #close}: the writer stops when it gets here. */
    private static final Pending STOP = new Pending(0, List.of(), null, new CompletableFuture<>());

    private final Db db;
    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile boolean closed;

    EventWriter(Db db) {
        this.db = db;
        this.thread = Thread.ofPlatform().daemon().name("concourse-db-event-writer").unstarted(this::run);
        thread.start();
    }

    /**
     * Stores the batch; returns once it is committed.
     *
     * @param fence the lease the batch is checked against, or null
     * @throws StaleLeaseException if the fence no longer holds (nothing was stored)
     */
    void append(long buildId, List<StoredEvent> batch, Lease fence) {
        if (closed) {
            throw new IllegalStateException("the database storage is closed: cannot append events to build "
                    + buildId);
        }
        Pending pending = new Pending(buildId, batch, fence, new CompletableFuture<>());
        queue.add(pending);
        if (closed) {
            failAll(new IllegalStateException("the database storage was closed"));
        }
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    pending.done().get();
                    return;
                } catch (InterruptedException e) {
                    // The batch may already be on its way into the database: wait for the outcome.
                    interrupted = true;
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof RuntimeException runtime) {
                        throw runtime;
                    }
                    throw new IllegalStateException("appending events to build " + buildId + " failed", e.getCause());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void run() {
        boolean stop = false;
        while (!stop) {
            Pending first;
            try {
                first = queue.take();
            } catch (InterruptedException e) {
                break;
            }
            if (first == STOP) {
                break;
            }
            List<Pending> group = new ArrayList<>();
            group.add(first);
            int events = first.events().size();
            Pending next;
            while (events < MAX_GROUP_EVENTS && (next = queue.poll()) != null) {
                if (next == STOP) {
                    stop = true;
                    break;
                }
                group.add(next);
                events += next.events().size();
            }
            store(group);
        }
        failAll(new IllegalStateException("the database storage was closed before the events were stored"));
    }

    private void store(List<Pending> group) {
        List<Pending> accepted = new ArrayList<>(group.size());
        boolean fenced = group.stream().anyMatch(p -> p.fence() != null);
        Function<Function<Session, Void>, Void> transaction = fenced ? db::unlockedReadCommitted : db::unlocked;
        try {
            transaction.apply(session -> {
                Set<Lease> stale = staleFences(session, group);
                Map<Long, Long> last = lastSequences(session, group);
                List<DbEventStore.Rows> valid = new ArrayList<>(group.size());
                for (Pending p : group) {
                    if (p.fence() != null && stale.contains(p.fence())) {
                        p.done().completeExceptionally(new StaleLeaseException(p.fence()));
                        continue;
                    }
                    Long known = last.get(p.buildId());
                    if (known == null) {
                        p.done().completeExceptionally(new IllegalArgumentException("there is no build with id "
                                + p.buildId() + " to append events to"));
                        continue;
                    }
                    try {
                        DbEventStore.requireContinues(p.buildId(), known, p.events());
                    } catch (IllegalArgumentException e) {
                        p.done().completeExceptionally(e);
                        continue;
                    }
                    last.put(p.buildId(), p.events().getLast().sequence());
                    valid.add(new DbEventStore.Rows(p.buildId(), p.events()));
                    accepted.add(p);
                }
                session.doWork(connection -> DbEventStore.insertRows(connection, db.dialect(), valid));
                DbEventStore.notifyAppended(session, db.dialect(),
                        valid.stream().map(DbEventStore.Rows::buildId).toList());
                return null;
            });
            accepted.forEach(p -> p.done().complete(null));
        } catch (RuntimeException groupFailure) {
            // Find out which batch it was: each alone.
            for (Pending p : group) {
                if (!p.done().isDone()) {
                    storeAlone(p);
                }
            }
        }
    }

    /** The fences of the group's fenced batches that no longer hold; locks the leases' rows till the commit. */
    private Set<Lease> staleFences(Session session, List<Pending> group) {
        List<Lease> fences = group.stream().map(Pending::fence).filter(Objects::nonNull).toList();
        return fences.isEmpty() ? Set.of() : DbLeaseStore.staleFences(session, db, fences);
    }

    /** The last stored sequence of each build of the group that exists (0 for an empty log). */
    private static Map<Long, Long> lastSequences(Session session, List<Pending> group) {
        List<Long> ids = group.stream().map(Pending::buildId).distinct().toList();
        Map<Long, Long> last = new HashMap<>();
        for (int from = 0; from < ids.size(); from += 500) {
            List<Long> chunk = ids.subList(from, Math.min(ids.size(), from + 500));
            String marks = String.join(", ", java.util.Collections.nCopies(chunk.size(), "?"));
            Sql.query(session, "SELECT b.id, (SELECT MAX(e.seq) FROM concourse_build_event e WHERE e.build_id = b.id)"
                    + " FROM concourse_build b WHERE b.id IN (" + marks + ")",
                    rs -> last.put(rs.getLong(1), rs.getLong(2)), chunk.toArray());
        }
        return last;
    }

    private void storeAlone(Pending p) {
        Function<Function<Session, Void>, Void> transaction = p.fence() != null ? db::unlockedReadCommitted
                : db::unlocked;
        try {
            transaction.apply(session -> {
                if (p.fence() != null) {
                    DbEventStore.requireFence(session, db, p.fence());
                }
                DbEventStore.insert(session, db.dialect(), p.buildId(), p.events());
                return null;
            });
            p.done().complete(null);
        } catch (StaleLeaseException e) {
            p.done().completeExceptionally(e);
        } catch (ConcurrentUpdateException e) {
            p.done().completeExceptionally(new IllegalArgumentException("events for build " + p.buildId()
                    + " from sequence " + p.events().getFirst().sequence() + " were appended by another writer"
                    + " meanwhile: the log already has those sequences", e));
        } catch (RuntimeException e) {
            p.done().completeExceptionally(e);
        }
    }

    private void failAll(RuntimeException why) {
        Pending p;
        while ((p = queue.poll()) != null) {
            if (p != STOP) {
                p.done().completeExceptionally(why);
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        // No interrupt: an interrupted thread can close the file channel of an H2 file database.
        queue.add(STOP);
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        failAll(new IllegalStateException("the database storage was closed before the events were stored"));
    }
}
