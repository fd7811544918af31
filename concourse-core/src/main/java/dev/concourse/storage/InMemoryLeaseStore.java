package dev.concourse.storage;

import dev.concourse.spi.storage.Lease;
import dev.concourse.spi.storage.LeaseStore;
import dev.concourse.spi.storage.StaleLeaseException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Leases in memory, under the storage's lock like every other table, on the storage's clock. With
 * one engine per storage they change nothing, but the engine can use the same code for every store.
 */
final class InMemoryLeaseStore implements LeaseStore {
    /** A name's current lease (null owner: released) and its last token, which never goes down. */
    private record Row(String owner, long token, Instant expiresAt) {
    }

    private final Transactions transactions;
    private final InstantSource clock;
    private final Map<String, Row> rows = new HashMap<>();

    InMemoryLeaseStore(Transactions transactions, InstantSource clock) {
        this.transactions = transactions;
        this.clock = clock;
    }

    @Override
    public Optional<Lease> acquire(String name, String owner, Duration duration) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(owner, "owner");
        requireDuration(duration);
        return transactions.write(() -> {
            Instant now = clock.instant();
            Row row = rows.get(name);
            if (row != null && row.owner() != null && !row.owner().equals(owner) && now.isBefore(row.expiresAt())) {
                return Optional.empty();
            }
            boolean keeps = row != null && owner.equals(row.owner()) && now.isBefore(row.expiresAt());
            long token = keeps ? row.token() : (row == null ? 0 : row.token()) + 1;
            Row taken = new Row(owner, token, now.plus(duration));
            transactions.put(rows, name, taken);
            return Optional.of(new Lease(name, owner, token, taken.expiresAt()));
        });
    }

    @Override
    public Optional<Lease> renew(Lease lease, Duration duration) {
        Objects.requireNonNull(lease, "lease");
        requireDuration(duration);
        return transactions.write(() -> {
            if (!holds(lease)) {
                return Optional.empty();
            }
            Row renewed = new Row(lease.owner(), lease.token(), clock.instant().plus(duration));
            transactions.put(rows, lease.name(), renewed);
            return Optional.of(new Lease(lease.name(), lease.owner(), lease.token(), renewed.expiresAt()));
        });
    }

    @Override
    public boolean release(Lease lease) {
        Objects.requireNonNull(lease, "lease");
        return transactions.write(() -> {
            if (!holds(lease)) {
                return false;
            }
            transactions.put(rows, lease.name(), new Row(null, lease.token(), lease.expiresAt()));
            return true;
        });
    }

    @Override
    public void check(Lease lease) {
        Objects.requireNonNull(lease, "lease");
        boolean held = transactions.read(() -> holds(lease));
        if (!held) {
            throw lost(lease);
        }
    }

    @Override
    public Optional<Lease> find(String name) {
        Objects.requireNonNull(name, "name");
        return transactions.read(() -> Optional.ofNullable(rows.get(name))
                .filter(row -> row.owner() != null)
                .map(row -> new Lease(name, row.owner(), row.token(), row.expiresAt())));
    }

    private boolean holds(Lease lease) {
        Row row = rows.get(lease.name());
        return row != null && row.token() == lease.token() && lease.owner().equals(row.owner());
    }

    /**
     * {@link #check} for a caller that holds the storage's lock (read or write) already: the fenced
     * append checks its lease and appends under one read lock, which no acquire can interleave.
     */
    void checkLocked(Lease lease) {
        if (!holds(lease)) {
            throw lost(lease);
        }
    }

    static StaleLeaseException lost(Lease lease) {
        return new StaleLeaseException(lease);
    }

    static void requireDuration(Duration duration) {
        Objects.requireNonNull(duration, "duration");
        if (duration.isNegative()) {
            throw new IllegalArgumentException("a lease cannot last a negative time (" + duration + ")");
        }
    }
}
