package dev.concourse.spi.storage;

import java.time.Duration;
import java.util.Optional;

/**
 * Leases with fencing tokens, so that engine nodes sharing a store can split work: one node owns
 * a started build, a resource's checks or a job's scheduling pass at a time, and a node that stops
 * renewing loses its leases to the others. Time is the store's clock (the database's, for a
 * database), never the nodes' clocks, so nodes with skewed clocks still agree.
 *
 * <p>A lease is <em>expired</em> once the store's clock reaches its {@link Lease#expiresAt()}. A
 * lease on a name nobody holds, or whose lease expired, can be acquired by anyone; it then gets a
 * token higher than any earlier lease on that name. Fencing: a node about to write on the strength
 * of a lease calls {@link #check} in the same {@link Storage#inTransaction transaction} as the
 * write, so a node whose lease lapsed (a long GC pause, a network partition) cannot write after
 * another node took over. Build events have a lease-checked append of their own,
 * {@link BuildEventStore#append(long, java.util.List, Lease)}, which a store can fold into its
 * group commit of many builds' events.
 */
public interface LeaseStore {

    /**
     * Acquires the lease on {@code name} for {@code owner} for {@code duration}: if nobody holds it
     * or its lease expired (a new, higher token, also for the owner of the expired lease), or if
     * {@code owner} holds it and it has not expired (the same token, the expiry moved to
     * {@code duration} from now).
     *
     * @param duration how long it lasts unless renewed; zero gives a lease that is expired at once
     * @return the lease, or empty if another owner holds it and it has not expired
     * @throws IllegalArgumentException if {@code duration} is negative
     */
    Optional<Lease> acquire(String name, String owner, Duration duration);

    /**
     * Renews a lease its holder still holds: the expiry moves to {@code duration} from now and the
     * token stays.
     *
     * @return the renewed lease, or empty if it was released or another owner took it (an expired
     *         lease that nobody took yet can still be renewed)
     */
    Optional<Lease> renew(Lease lease, Duration duration);

    /**
     * Releases a lease, so that another owner can acquire it at once.
     *
     * @return false if it was no longer held with this token (nothing changes then)
     */
    boolean release(Lease lease);

    /**
     * The fencing check: passes while {@code lease} is still the current lease on its name (same
     * token, not released), even if it has just expired and nobody took it yet. Call it in the same
     * transaction as the writes it guards.
     *
     * @throws StaleLeaseException if another owner took the lease or it was released (a
     *                             {@link ConcurrentUpdateException})
     */
    void check(Lease lease);

    /** The current lease on {@code name}, expired or not; empty if nobody holds it. */
    Optional<Lease> find(String name);
}
