package dev.concourse.spi.storage;

import java.time.Instant;
import java.util.Objects;

/**
 * A lease an owner holds on something for a while (a started build, a resource's checks, a job's
 * scheduling pass), as {@link LeaseStore} grants it.
 *
 * @param name      what it is a lease on, such as {@code build:42}
 * @param owner     who holds it, such as a node's id
 * @param token     the fencing token: it grows each time the lease passes to a new holder (not when
 *                  the holder renews it), so a write guarded by an older token is stale
 * @param expiresAt when it lapses unless renewed, by the store's clock (the database's, for a
 *                  database)
 */
public record Lease(String name, String owner, long token, Instant expiresAt) {
    public Lease {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }
}
