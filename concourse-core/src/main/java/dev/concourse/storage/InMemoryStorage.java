package dev.concourse.storage;

import dev.concourse.spi.storage.BuildEventStore;
import dev.concourse.spi.storage.BuildStore;
import dev.concourse.spi.storage.LeaseStore;
import dev.concourse.spi.storage.PipelineStore;
import dev.concourse.spi.storage.ResourceVersionStore;
import dev.concourse.spi.storage.Storage;
import dev.concourse.spi.storage.TeamStore;
import dev.concourse.spi.storage.VersionHistory;
import java.time.InstantSource;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The default {@link Storage}: state lives in this object only and is lost when the JVM exits (or
 * when nothing refers to the object any more). Needs no set-up; right for tests, one-shot runs and
 * embedded engines whose history does not have to survive a restart. Passes
 * {@code StorageConformanceTests}.
 *
 * <p>Thread-safety and transactions: teams, pipelines, jobs, resources, versions and builds (with
 * their inputs and outputs) are guarded by one read-write lock. Every changing call, and every
 * {@link #inTransaction} call, holds its write lock, so writes and transactions run one at a time
 * (serializable) and a transaction's changes are undone, all of them, if its work throws. Reads
 * hold the read lock: they run in parallel with each other and never see a transaction half done,
 * but wait while a transaction runs. Keep the work passed to {@code inTransaction} short, and do
 * not wait in it for other threads that use this storage: they would wait for the transaction.
 *
 * <p>Build events do not take that lock. Each build's log has its own lock, so log streaming
 * never waits for configuration changes or other builds. Appends and reads are O(batch) and
 * O(page): a read copies the page it returns, never the log. Events appended (or deleted) inside a
 * transaction are seen by that transaction at once and by other threads only once it commits.
 *
 * <p>{@link #history()} answers from indexes kept up to date by every write: lookups by id, first
 * occurrence and constrained successful-build pages are hash and tree lookups; pages cost what
 * they skip and return. Two queries walk: {@code latestUse} costs O(min(versions above the job's
 * latest use, versions the job used)), and {@code findVersion} (a partial pin) scans down from the
 * newest version until one matches.
 *
 * <p>Ids of teams, pipelines, jobs, resources, scopes, versions and builds come from separate
 * counters starting at 1 (resources and resource types share one) and are never reused, not even
 * those of rolled-back rows. Everything is kept on the heap, finished builds and their logs
 * included, until a pipeline is deleted or {@link BuildEventStore#deleteEvents} drops a log; a
 * scope's versions until no resource uses the scope. The fields of every version ever saved stay
 * (they back the version ids). Size the heap for the history you keep.
 */
public final class InMemoryStorage implements Storage {
    private final Transactions transactions = new Transactions();
    private final Tables tables = new Tables();
    private final InMemoryLeaseStore leases;
    private final InMemoryEventStore events;
    private final InMemoryTeamStore teams;
    private final InMemoryVersionStore versions;
    private final InMemoryBuildStore builds;
    private final InMemoryPipelineStore pipelines;
    private final InMemoryVersionHistory history;

    /** An empty storage: no teams, pipelines or builds; leases on the system clock. */
    public InMemoryStorage() {
        this(InstantSource.system());
    }

    /** An empty storage whose leases expire on {@code clock}. */
    public InMemoryStorage(InstantSource clock) {
        this.leases = new InMemoryLeaseStore(transactions, Objects.requireNonNull(clock, "clock"));
        this.events = new InMemoryEventStore(transactions, leases);
        this.teams = new InMemoryTeamStore(transactions, tables);
        this.versions = new InMemoryVersionStore(transactions, tables);
        BuildHistory buildHistory = new BuildHistory(transactions, tables, versions);
        this.builds = new InMemoryBuildStore(transactions, tables, events, buildHistory);
        this.pipelines = new InMemoryPipelineStore(transactions, tables, builds,
                new ResourceSync(transactions, tables, versions));
        this.history = new InMemoryVersionHistory(transactions, tables, versions, buildHistory);
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

    @Override
    public ResourceVersionStore versions() {
        return versions;
    }

    @Override
    public VersionHistory history() {
        return history;
    }

    @Override
    public LeaseStore leases() {
        return leases;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Holds the write lock over teams, pipelines, jobs, resources, versions and builds while
     * {@code work} runs: other threads' changes and reads of those wait; event appends and reads
     * of other builds do not.
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
