package dev.concourse.db.internal;

import dev.concourse.spi.storage.ConcurrentUpdateException;
import dev.concourse.spi.storage.Lease;
import dev.concourse.spi.storage.LeaseStore;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
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
            throw new ConcurrentUpdateException("the lease on " + lease.name() + " held by " + lease.owner()
                    + " with token " + lease.token() + " was lost (released, or taken by another owner after it"
                    + " expired): stop the work it guarded and leave it to the new owner");
        }
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
