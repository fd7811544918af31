package dev.concourse;

import dev.concourse.spi.storage.BuildEventNotifications;
import dev.concourse.spi.storage.BuildEventStore;
import dev.concourse.spi.storage.BuildStore;
import dev.concourse.spi.storage.Lease;
import dev.concourse.spi.storage.LeaseStore;
import dev.concourse.spi.storage.PipelineStore;
import dev.concourse.spi.storage.ResourceVersionStore;
import dev.concourse.spi.storage.Storage;
import dev.concourse.spi.storage.StoredEvent;
import dev.concourse.spi.storage.TeamStore;
import dev.concourse.spi.storage.VersionHistory;
import java.util.List;
import java.util.Optional;
import java.util.function.LongConsumer;
import java.util.function.Supplier;

/**
 * A real storage (it delegates everything) that tells a test after each append it stored, with the
 * build's id: so a test can wait, without polling, until a node's events are in the store rather
 * than only in the node's memory.
 */
final class AppendWatchingStorage implements Storage {
    private final Storage storage;
    private final LongConsumer appended;
    private final BuildEventStore events;

    AppendWatchingStorage(Storage storage, LongConsumer appended) {
        this.storage = storage;
        this.appended = appended;
        this.events = new WatchedEvents();
    }

    @Override
    public TeamStore teams() {
        return storage.teams();
    }

    @Override
    public PipelineStore pipelines() {
        return storage.pipelines();
    }

    @Override
    public BuildStore builds() {
        return storage.builds();
    }

    @Override
    public BuildEventStore events() {
        return events;
    }

    @Override
    public ResourceVersionStore versions() {
        return storage.versions();
    }

    @Override
    public VersionHistory history() {
        return storage.history();
    }

    @Override
    public LeaseStore leases() {
        return storage.leases();
    }

    @Override
    public <T> T inTransaction(Supplier<T> work) {
        return storage.inTransaction(work);
    }

    private final class WatchedEvents implements BuildEventStore {
        @Override
        public void append(long buildId, List<StoredEvent> batch) {
            storage.events().append(buildId, batch);
            appended.accept(buildId);
        }

        @Override
        public void append(long buildId, List<StoredEvent> batch, Lease fence) {
            storage.events().append(buildId, batch, fence);
            appended.accept(buildId);
        }

        @Override
        public List<StoredEvent> read(long buildId, long fromSequence, int limit) {
            return storage.events().read(buildId, fromSequence, limit);
        }

        @Override
        public long lastSequence(long buildId) {
            return storage.events().lastSequence(buildId);
        }

        @Override
        public void deleteEvents(long buildId) {
            storage.events().deleteEvents(buildId);
        }

        @Override
        public Optional<BuildEventNotifications> notifications() {
            return storage.events().notifications();
        }
    }
}
