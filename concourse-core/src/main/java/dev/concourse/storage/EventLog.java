package dev.concourse.storage;

import dev.concourse.spi.storage.StoredEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * One build's committed events. Sequences run from 1 without gaps, so an event's index is its
 * sequence - 1 and a page is a sublist: reads copy the page, never the log. Has its own lock so
 * that streaming logs never waits for the tables' lock.
 */
final class EventLog {
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final ArrayList<StoredEvent> events;
    /** Set when the build is deleted, for appenders that looked the log up just before. */
    private boolean removed;

    EventLog(List<StoredEvent> initial) {
        events = new ArrayList<>(initial);
    }

    void append(long buildId, List<StoredEvent> batch) {
        lock.writeLock().lock();
        try {
            if (removed) {
                throw InMemoryEventStore.noSuchBuild(buildId);
            }
            checkContinues(buildId, events.size(), batch);
            events.addAll(batch);
        } finally {
            lock.writeLock().unlock();
        }
    }

    List<StoredEvent> read(long fromSequence, int limit) {
        lock.readLock().lock();
        try {
            return page(events, 1, fromSequence, limit);
        } finally {
            lock.readLock().unlock();
        }
    }

    long lastSequence() {
        lock.readLock().lock();
        try {
            return events.size();
        } finally {
            lock.readLock().unlock();
        }
    }

    void clear() {
        lock.writeLock().lock();
        try {
            clearLocked();
        } finally {
            lock.writeLock().unlock();
        }
    }

    // For publishing a transaction: the caller holds writeLock().

    Lock writeLock() {
        return lock.writeLock();
    }

    long lastSequenceLocked() {
        return events.size();
    }

    void appendLocked(List<StoredEvent> batch) {
        events.addAll(batch);
    }

    void clearLocked() {
        events.clear();
        events.trimToSize();
    }

    void removeLocked() {
        removed = true;
        clearLocked();
    }

    /**
     * Up to {@code limit} events of {@code list} from {@code fromSequence} on, where the list's
     * first event has sequence {@code firstSequence} and the rest follow without gaps.
     */
    static List<StoredEvent> page(List<StoredEvent> list, long firstSequence, long fromSequence, int limit) {
        long start = Math.max(fromSequence, firstSequence) - firstSequence;
        if (limit <= 0 || start >= list.size()) {
            return List.of();
        }
        int from = (int) start;
        int to = (int) Math.min(list.size(), start + limit);
        return List.copyOf(list.subList(from, to));
    }

    /** Rejects a batch that does not start right after {@code lastSequence} or has gaps. */
    static void checkContinues(long buildId, long lastSequence, List<StoredEvent> batch) {
        long expected = lastSequence + 1;
        for (StoredEvent event : batch) {
            if (event.sequence() != expected) {
                throw new IllegalArgumentException("build " + buildId + ": expected the event with sequence "
                        + expected + " but got " + event.sequence() + " (the log ends at " + lastSequence
                        + "; append each sequence once, in order, without gaps)");
            }
            expected++;
        }
    }
}
