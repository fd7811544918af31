package dev.concourse.db.internal;

import dev.concourse.spi.storage.ConcurrentUpdateException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.hibernate.Transaction;

/**
 * Sessions and transactions. Each thread has at most one transaction; store calls made inside it
 * join it, each behind a savepoint so that a failing call leaves no trace. Writers serialize on
 * one row lock of the store ({@code concourse_store_lock}), across every node sharing the
 * database: a writer reads the latest committed state and no two writers interleave, which gives
 * the same serializable transactions as {@code InMemoryStorage}. Event appends do not take that
 * lock: the primary key of each event row keeps every log contiguous.
 */
public final class Db {
    private final SessionFactory factory;
    private final Dialect dialect;
    private final ThreadLocal<Tx> current = new ThreadLocal<>();

    /** What differs between the databases we support. */
    public enum Dialect {
        POSTGRESQL, H2
    }

    Db(SessionFactory factory, Dialect dialect) {
        this.factory = factory;
        this.dialect = dialect;
    }

    Dialect dialect() {
        return dialect;
    }

    private static final class Tx {
        final Session session;
        final Transaction transaction;
        boolean locked;

        Tx(Session session, Transaction transaction) {
            this.session = session;
            this.transaction = transaction;
        }
    }

    /** Whether the calling thread is in a transaction. */
    boolean inTransaction() {
        return current.get() != null;
    }

    /** Runs a changing store call: in the caller's transaction behind a savepoint, or in its own. */
    <T> T write(Function<Session, T> work) {
        return run(work, true);
    }

    /** Runs a reading store call: in the caller's transaction, or in its own. */
    <T> T read(Function<Session, T> work) {
        Tx tx = current.get();
        if (tx != null) {
            return work.apply(tx.session);
        }
        return run(work, false);
    }

    /** Runs work that changes only rows no other writer changes (event logs) without the store lock. */
    <T> T unlocked(Function<Session, T> work) {
        return run(work, false, false);
    }

    /**
     * {@link #unlocked}, at READ COMMITTED, for work that locks rows other writers change (the
     * leases a group commit checks): after waiting for such a row's writer it reads the row as that
     * writer committed it (at a higher isolation PostgreSQL would fail the transaction instead).
     */
    <T> T unlockedReadCommitted(Function<Session, T> work) {
        return run(work, false, true);
    }

    /** {@link dev.concourse.spi.storage.Storage#inTransaction}: takes the write lock at once. */
    public <T> T inTransaction(Supplier<T> work) {
        Objects.requireNonNull(work, "work");
        return run(session -> work.get(), true);
    }

    private <T> T run(Function<Session, T> work, boolean writes) {
        return run(work, writes, writes);
    }

    private <T> T run(Function<Session, T> work, boolean writes, boolean readCommitted) {
        Tx tx = current.get();
        if (tx != null) {
            return nested(tx, work, writes);
        }
        Session session = factory.openSession();
        try {
            if (readCommitted) {
                // After the lock a writer must see what the writer before it committed: a snapshot
                // taken before the lock (REPEATABLE READ, SERIALIZABLE) would not.
                session.doWork(connection -> {
                    if (connection.getTransactionIsolation() != Connection.TRANSACTION_READ_COMMITTED) {
                        connection.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
                    }
                });
            }
            tx = new Tx(session, session.beginTransaction());
            current.set(tx);
            boolean committed = false;
            try {
                if (writes) {
                    lock(tx);
                }
                T result = work.apply(session);
                session.flush();
                tx.transaction.commit();
                committed = true;
                return result;
            } finally {
                current.remove();
                if (!committed && tx.transaction.isActive()) {
                    try {
                        tx.transaction.rollback();
                    } catch (RuntimeException rollbackFailure) {
                        // the connection is gone; the database rolls back on its own
                    }
                }
            }
        } catch (org.hibernate.exception.ConstraintViolationException e) {
            throw translate(e);
        } finally {
            session.close();
        }
    }

    private <T> T nested(Tx tx, Function<Session, T> work, boolean writes) {
        Session session = tx.session;
        session.flush();
        if (writes && !tx.locked) {
            lock(tx);
        }
        Savepoint savepoint = session.doReturningWork(Connection::setSavepoint);
        boolean done = false;
        try {
            T result = work.apply(session);
            session.flush();
            done = true;
            return result;
        } catch (org.hibernate.exception.ConstraintViolationException e) {
            throw translate(e);
        } finally {
            if (done) {
                session.doWork(connection -> connection.releaseSavepoint(savepoint));
            } else {
                session.doWork(connection -> connection.rollback(savepoint));
            }
            // Entities never leave a store call, so the next call loads what it needs: this keeps
            // the persistence context (and the cost of each flush) small in long transactions,
            // and after a rollback it forgets entities newer than the database.
            session.clear();
        }
    }

    private void lock(Tx tx) {
        waitLongForRowLocks(tx.session);
        tx.session.doWork(connection -> {
            try (PreparedStatement statement = connection.prepareStatement(
                    "SELECT id FROM concourse_store_lock WHERE id = 1 FOR UPDATE")) {
                statement.executeQuery().close();
            }
        });
        tx.locked = true;
    }

    /** On H2, lets the session's next row locks wait up to two minutes, as PostgreSQL's do (unbounded). */
    void waitLongForRowLocks(Session session) {
        if (dialect != Dialect.H2) {
            return;
        }
        session.doWork(connection -> {
            try (Statement statement = connection.createStatement()) {
                statement.execute("SET LOCK_TIMEOUT 120000");
            }
        });
    }

    /** A unique key violated by another writer: the SPI's conflict. */
    private static RuntimeException translate(org.hibernate.exception.ConstraintViolationException e) {
        SQLException cause = e.getSQLException();
        String detail = cause == null ? e.getMessage() : cause.getMessage();
        return new ConcurrentUpdateException("the database refused a change because another writer changed the"
                + " same row first (" + e.getConstraintName() + "): read again and retry; database said: " + detail);
    }

    void close() {
        factory.close();
    }
}
