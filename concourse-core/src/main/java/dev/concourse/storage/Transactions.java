package dev.concourse.storage;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * The one lock over the tables and the transaction of the thread holding it. Writers (every
 * changing store call and every {@code inTransaction}) hold the write lock, so transactions run
 * one at a time and are serializable; readers hold the read lock, so they never see a transaction
 * half done. Event logs have their own locks and are not guarded by this one.
 */
final class Transactions {
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    /** The write-lock holder's transaction, null when nobody writes. */
    private Transaction current;

    /**
     * Runs {@code work} in the calling thread's transaction, starting one if there is none. A
     * nested call is a savepoint: if its work throws, only its own changes are undone.
     */
    <T> T write(Supplier<T> work) {
        Objects.requireNonNull(work, "work");
        lock.writeLock().lock();
        try {
            boolean outermost = current == null;
            if (outermost) {
                current = new Transaction();
            }
            Transaction tx = current;
            int mark = tx.mark();
            boolean done = false;
            try {
                T result = work.get();
                if (outermost) {
                    tx.commit();
                }
                done = true;
                return result;
            } finally {
                if (!done) {
                    tx.rollbackTo(mark);
                }
                if (outermost) {
                    current = null;
                }
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    <T> T read(Supplier<T> work) {
        lock.readLock().lock();
        try {
            return work.get();
        } finally {
            lock.readLock().unlock();
        }
    }

    /** The calling thread's transaction, or null if it is in none. Safe to call without the lock. */
    Transaction current() {
        return lock.isWriteLockedByCurrentThread() ? current : null;
    }

    private Transaction required() {
        Transaction tx = current();
        if (tx == null) {
            throw new IllegalStateException("tables changed outside a transaction");
        }
        return tx;
    }

    // Undoable changes to the tables; callers hold the write lock.

    <K, V> void put(Map<K, V> map, K key, V value) {
        Transaction tx = required();
        V previous = map.put(key, value);
        tx.onUndo(previous == null ? () -> map.remove(key) : () -> map.put(key, previous));
    }

    <K, V> V remove(Map<K, V> map, K key) {
        Transaction tx = required();
        V previous = map.remove(key);
        if (previous != null) {
            tx.onUndo(() -> map.put(key, previous));
        }
        return previous;
    }

    <E> void add(Collection<E> collection, E element) {
        Transaction tx = required();
        if (collection.add(element)) {
            tx.onUndo(() -> collection.remove(element));
        }
    }

    <E> void removeFrom(Collection<E> collection, E element) {
        Transaction tx = required();
        if (collection.remove(element)) {
            tx.onUndo(() -> collection.add(element));
        }
    }

    /** The value at {@code key}, putting a new one there first (undoably) if there is none. */
    <K, V> V computeIfAbsent(Map<K, V> map, K key, Supplier<V> create) {
        V value = map.get(key);
        if (value == null) {
            value = create.get();
            put(map, key, value);
        }
        return value;
    }

    /** Registers how to undo a change the caller makes itself (to a field, say). */
    void onUndo(Runnable undo) {
        required().onUndo(undo);
    }

    /** Appends to a list that only grows at its end within a transaction. */
    <E> void append(List<E> list, E element) {
        Transaction tx = required();
        list.add(element);
        tx.onUndo(list::removeLast);
    }
}
