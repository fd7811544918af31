package dev.concourse.spi.storage;

import java.util.function.Supplier;

/**
 * Where an engine keeps its state: teams, pipelines and their jobs and resources, resource
 * versions, builds with their events, inputs and outputs.
 * Stores only store: every decision (names, statuses, scheduling) is made by the engine, which
 * calls these narrow methods. {@code InMemoryStorage} is the default; {@code concourse-db} adds
 * PostgreSQL and H2. Every implementation must pass {@code StorageConformanceTests} of
 * {@code concourse-test-kit}.
 *
 * <p>Thread-safety: every method may be called from many threads at once. Each method is atomic
 * on its own; {@link #inTransaction} groups calls made on the calling thread into one atomic
 * unit.
 *
 * <p>Ids are assigned by the store, positive ({@code 0} means "none", as in
 * {@link dev.concourse.Build#rerunOf()}) and never reused. Rows refer to each other by id: a
 * renamed pipeline or job keeps its builds, and they report the new name.
 */
public interface Storage extends AutoCloseable {

    TeamStore teams();

    PipelineStore pipelines();

    BuildStore builds();

    BuildEventStore events();

    /** Scopes and their versions; disabled versions, pins and check status of resources. */
    ResourceVersionStore versions();

    /** The read view the scheduler resolves job inputs over. */
    VersionHistory history();

    /** Leases with fencing tokens, for engine nodes that share this store. */
    LeaseStore leases();

    /**
     * Runs {@code work} so that the store calls it makes on this thread happen atomically: all or
     * none, and no other transaction sees a state in between. An exception thrown by {@code work}
     * rolls back and is rethrown. Event appends and deletions are part of the transaction like
     * every other call.
     *
     * <p>Calls nest: an inner call joins the outer transaction and acts as a savepoint. If the
     * inner work throws, only the inner call's changes are undone and the exception is rethrown
     * to the outer work, which may catch it and go on; nothing becomes visible to other threads
     * before the outermost call returns. Calls made by other threads, including threads that
     * {@code work} starts, are not part of the transaction.
     */
    <T> T inTransaction(Supplier<T> work);

    /** Releases resources (connections, threads). The engine closes storage it created itself. */
    @Override
    default void close() {
    }
}
