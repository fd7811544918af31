package dev.concourse.db.internal;

import dev.concourse.spi.storage.Lease;
import dev.concourse.spi.storage.LeaseStore;
import dev.concourse.spi.storage.StaleLeaseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.hibernate.Session;

/**
 * Leases in {@code concourse_lease}, one row per name (kept after release, so tokens only grow),
 * changed under the store lock and timed by the database's clock.
 */
final class DbLeaseStore implements LeaseStore {
    private record Row(String owner, long token, Instant expiresAt) {
    }

    private final Db db;

    DbLeaseStore(Db db) {
        this.db = db;
    }

    /** The database's clock: the same for every node, whatever their own clocks say. */
    private Instant now(Session session) {
        String sql = db.dialect() == Db.Dialect.POSTGRESQL ? "SELECT clock_timestamp()" : "SELECT CURRENT_TIMESTAMP";
        return Sql.first(session, sql, rs -> rs.getObject(1, java.time.OffsetDateTime.class).toInstant())
                .orElseThrow();
    }

    private static Optional<Row> row(Session session, String name) {
        return Sql.first(session, "SELECT owner, token, expires_at FROM concourse_lease WHERE name = ?",
                rs -> new Row(rs.getString(1), rs.getLong(2), Sql.instant(rs, "expires_at")), name);
    }

    @Override
    public Optional<Lease> acquire(String name, String owner, Duration duration) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(owner, "owner");
        requireDuration(duration);
        Limits.name("lease name", name);
        Limits.name("lease owner", owner);
        return db.write(session -> {
            Instant now = now(session);
            Optional<Row> found = row(session, name);
            Instant expiresAt = now.plus(duration);
            if (found.isEmpty()) {
                Sql.update(session, "INSERT INTO concourse_lease (name, owner, token, expires_at) VALUES (?, ?, 1, ?)",
                        name, owner, expiresAt);
                return Optional.of(new Lease(name, owner, 1, expiresAt));
            }
            Row row = found.get();
            boolean live = row.owner() != null && now.isBefore(row.expiresAt());
            if (live && !row.owner().equals(owner)) {
                return Optional.empty();
            }
            long token = live ? row.token() : row.token() + 1;
            Sql.update(session, "UPDATE concourse_lease SET owner = ?, token = ?, expires_at = ? WHERE name = ?",
                    owner, token, expiresAt, name);
            return Optional.of(new Lease(name, owner, token, expiresAt));
        });
    }

    @Override
    public Optional<Lease> renew(Lease lease, Duration duration) {
        Objects.requireNonNull(lease, "lease");
        requireDuration(duration);
        return db.write(session -> {
            if (!holds(session, lease)) {
                return Optional.empty();
            }
            Instant expiresAt = now(session).plus(duration);
            Sql.update(session, "UPDATE concourse_lease SET expires_at = ? WHERE name = ?", expiresAt, lease.name());
            return Optional.of(new Lease(lease.name(), lease.owner(), lease.token(), expiresAt));
        });
    }

    @Override
    public boolean release(Lease lease) {
        Objects.requireNonNull(lease, "lease");
        return db.write(session -> {
            if (!holds(session, lease)) {
                return false;
            }
            Sql.update(session, "UPDATE concourse_lease SET owner = NULL WHERE name = ?", lease.name());
            return true;
        });
    }

    @Override
    public void check(Lease lease) {
        Objects.requireNonNull(lease, "lease");
        if (!db.read(session -> holds(session, lease))) {
            throw new StaleLeaseException(lease);
        }
    }

    /** How many lease names one fencing query names at most. */
    private static final int NAMES_PER_QUERY = 500;

    /**
     * The fencing check of many writes at once, for a transaction that does not hold the store
     * lock (the group commit of event appends): reads the rows of the fences' leases with a shared
     * row lock ({@code FOR SHARE}; {@code FOR UPDATE} on H2, which has no shared row locks) and
     * returns the fences that no longer hold, as {@link #check} would judge them. Acquire, renew
     * and release update those rows, so until this transaction ends none of them changes a lease
     * it checked, and one that changed a lease before is waited for and seen (READ COMMITTED
     * re-reads a locked row once its writer committed). So a write that passed commits before any
     * new owner's acquire, which then sees it.
     */
    static Set<Lease> staleFences(Session session, Db db, Collection<Lease> fences) {
        List<String> names = fences.stream().map(Lease::name).distinct().sorted().toList();
        Map<String, Row> rows = new HashMap<>();
        String lock = db.dialect() == Db.Dialect.POSTGRESQL ? " FOR SHARE" : " FOR UPDATE";
        db.waitLongForRowLocks(session);
        for (int from = 0; from < names.size(); from += NAMES_PER_QUERY) {
            List<String> chunk = names.subList(from, Math.min(names.size(), from + NAMES_PER_QUERY));
            String marks = String.join(", ", Collections.nCopies(chunk.size(), "?"));
            // Locked in name order, as every fencing query locks them, so two of them never deadlock.
            Sql.query(session, "SELECT name, owner, token, expires_at FROM concourse_lease WHERE name IN (" + marks
                    + ") ORDER BY name" + lock,
                    rs -> rows.put(rs.getString(1), new Row(rs.getString(2), rs.getLong(3),
                            Sql.instant(rs, "expires_at"))), chunk.toArray());
        }
        Set<Lease> stale = new HashSet<>();
        for (Lease fence : fences) {
            Row row = rows.get(fence.name());
            if (row == null || row.token() != fence.token() || !fence.owner().equals(row.owner())) {
                stale.add(fence);
            }
        }
        return stale;
    }

    @Override
    public Optional<Lease> find(String name) {
        Objects.requireNonNull(name, "name");
        return db.read(session -> row(session, name)
                .filter(row -> row.owner() != null)
                .map(row -> new Lease(name, row.owner(), row.token(), row.expiresAt())));
    }

    private static boolean holds(Session session, Lease lease) {
        return row(session, lease.name())
                .filter(row -> row.token() == lease.token() && lease.owner().equals(row.owner()))
                .isPresent();
    }

    private static void requireDuration(Duration duration) {
        Objects.requireNonNull(duration, "duration");
        if (duration.isNegative()) {
            throw new IllegalArgumentException("a lease cannot last a negative time (" + duration + ")");
        }
    }
}
