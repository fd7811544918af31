package dev.concourse.internal.event;

import dev.concourse.spi.storage.BuildEventNotifications;
import dev.concourse.spi.storage.BuildEventStore;
import dev.concourse.spi.storage.Lease;
import dev.concourse.spi.storage.StoredEvent;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A real store (it delegates everything) shared by several engines' event logs, which notifies
 * watchers after each append as a store shared by several nodes does: what {@code JpaStorage} on
 * PostgreSQL does with NOTIFY, in one JVM.
 */
final class NotifyingEventStore implements BuildEventStore, BuildEventNotifications {
    private final BuildEventStore store;
    private final Map<Long, List<Runnable>> watchers = new ConcurrentHashMap<>();

    NotifyingEventStore(BuildEventStore store) {
        this.store = store;
    }

    @Override
    public void append(long buildId, List<StoredEvent> events) {
        store.append(buildId, events);
        notifyWatchers(buildId);
    }

    @Override
    public void append(long buildId, List<StoredEvent> events, Lease fence) {
        store.append(buildId, events, fence);
        notifyWatchers(buildId);
    }

    /** Calls the build's watchers, as a store does after it reconnected. */
    void notifyWatchers(long buildId) {
        watchers.getOrDefault(buildId, List.of()).forEach(Runnable::run);
    }

    int watches() {
        return watchers.values().stream().mapToInt(List::size).sum();
    }

    @Override
    public List<StoredEvent> read(long buildId, long fromSequence, int limit) {
        return store.read(buildId, fromSequence, limit);
    }

    @Override
    public long lastSequence(long buildId) {
        return store.lastSequence(buildId);
    }

    @Override
    public void deleteEvents(long buildId) {
        store.deleteEvents(buildId);
    }

    @Override
    public Optional<BuildEventNotifications> notifications() {
        return Optional.of(this);
    }

    @Override
    public Watch watch(long buildId, Runnable appended) {
        watchers.computeIfAbsent(buildId, id -> new CopyOnWriteArrayList<>()).add(appended);
        return () -> watchers.computeIfPresent(buildId, (id, list) -> {
            list.remove(appended);
            return list.isEmpty() ? null : list;
        });
    }
}
