package dev.concourse.storage;

import dev.concourse.spi.storage.BuildEventStore;
import dev.concourse.spi.storage.BuildStore;
import dev.concourse.spi.storage.PipelineStore;
import dev.concourse.spi.storage.Storage;
import dev.concourse.spi.storage.TeamStore;
import java.util.function.Supplier;

/**
 * The default {@link Storage}: state lives in this object only and is lost when the JVM exits (or
 * when nothing refers to the object any more). Needs no set-up; right for tests, one-shot runs and
 * embedded engines whose history does not have to survive a restart. Passes
 * {@code StorageConformanceTests}.
 *
 * <p>Thread-safety and transactions: teams, pipelines, jobs and builds are guarded by one
 * read-write lock. Every changing call, and every {@link #inTransaction} call, holds its write
 * lock, so writes and transactions run one at a time (serializable) and a transaction's changes
 * are undone, all of them, if its work throws. Reads hold the read lock: they run in parallel with
 * each other and never see a transaction half done, but wait while a transaction runs. Keep the
 * work passed to {@code inTransaction} short, and do not wait in it for other threads that use
 * this storage: they would wait for the transaction.
 *
 * <p>Build events do not take that lock. Each build's log has its own lock, so log streaming
 * never waits for configuration changes or other builds. Appends and reads are O(batch) and
 * O(page): a read copies the page it returns, never the log. Events appended (or deleted) inside a
 * transaction are seen by that transaction at once and by other threads only once it commits.
 *
 * <p>Ids of teams, pipelines, jobs and builds come from separate counters starting at 1 and are
 * never reused, not even those of rolled-back rows. Everything is kept on the heap, finished builds
 * and their logs included, until a pipeline is deleted or {@link BuildEventStore#deleteEvents}
 * drops a log: size the heap for the history you keep.
 */
public final class InMemoryStorage implements Storage {
    private final Transactions transactions = new Transactions();
    private final Tables tables = new Tables();
    private final InMemoryEventStore events = new InMemoryEventStore(transactions);
    private final InMemoryTeamStore teams = new InMemoryTeamStore(transactions, tables);
    private final InMemoryBuildStore builds = new InMemoryBuildStore(transactions, tables, events);
    private final InMemoryPipelineStore pipelines = new InMemoryPipelineStore(transactions, tables, builds);

    /** An empty storage: no teams, pipelines or builds. */
    public InMemoryStorage() {
    }

    @Override
    public TeamStore teams() {
        return teams;
    }

    @Override
    public PipelineStore pipelines() {
        return pipelines;
    }

    @Override
    public BuildStore builds() {
        return builds;
    }

    @Override
    public BuildEventStore events() {
        return events;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Holds the write lock over teams, pipelines, jobs and builds while {@code work} runs:
     * other threads' changes and reads of those wait; event appends and reads of other builds
     * do not.
     */
    @Override
    public <T> T inTransaction(Supplier<T> work) {
        return transactions.write(work);
    }

    @Override
    public String toString() {
        return "InMemoryStorage";
    }
}
