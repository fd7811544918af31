package dev.concourse.storage;

import dev.concourse.spi.storage.StoredEvent;
import java.util.ArrayList;
import java.util.List;

/** What a transaction did to one build's log, seen by that transaction only until it commits. */
final class PendingLog {
    /** The committed log, or null when the build was created in this transaction. */
    final EventLog base;
    boolean exists;
    /** False once the transaction deleted the events (or when there is no base). */
    boolean baseVisible;
    final ArrayList<StoredEvent> appended = new ArrayList<>();

    PendingLog(EventLog base) {
        this.base = base;
        this.exists = true;
        this.baseVisible = base != null;
    }

    long lastSequence() {
        if (!exists) {
            return 0;
        }
        if (!appended.isEmpty()) {
            return appended.getLast().sequence();
        }
        return baseVisible ? base.lastSequence() : 0;
    }

    List<StoredEvent> read(long fromSequence, int limit) {
        if (!exists || limit <= 0) {
            return List.of();
        }
        List<StoredEvent> committed = baseVisible ? base.read(fromSequence, limit) : List.of();
        if (appended.isEmpty() || committed.size() == limit) {
            return committed;
        }
        long next = committed.isEmpty() ? fromSequence : committed.getLast().sequence() + 1;
        List<StoredEvent> mine = EventLog.page(appended, appended.getFirst().sequence(), next,
                limit - committed.size());
        if (committed.isEmpty()) {
            return mine;
        }
        List<StoredEvent> page = new ArrayList<>(committed);
        page.addAll(mine);
        return List.copyOf(page);
    }

    /** The state to restore when a savepoint rolls back. */
    Runnable snapshot() {
        boolean wasExisting = exists;
        boolean wasVisible = baseVisible;
        List<StoredEvent> wasAppended = List.copyOf(appended);
        return () -> {
            exists = wasExisting;
            baseVisible = wasVisible;
            appended.clear();
            appended.addAll(wasAppended);
        };
    }
}
