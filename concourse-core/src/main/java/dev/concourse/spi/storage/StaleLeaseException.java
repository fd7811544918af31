package dev.concourse.spi.storage;

/**
 * A write guarded by a lease was refused because the lease is no longer its holder's: another owner
 * took it after it expired, or it was released. The holder must stop the work the lease guarded
 * and leave it to the new owner; retrying cannot succeed. Thrown by {@link LeaseStore#check} and by
 * the lease-checked {@link BuildEventStore#append(long, java.util.List, Lease)}.
 */
public class StaleLeaseException extends ConcurrentUpdateException {
    private static final long serialVersionUID = 1L;

    private final transient Lease lease;

    public StaleLeaseException(Lease lease) {
        super("the lease on " + lease.name() + " held by " + lease.owner() + " with token " + lease.token()
                + " was lost (released, or taken by another owner after it expired): stop the work it guarded"
                + " and leave it to the new owner");
        this.lease = lease;
    }

    /** The lease that was lost, as its former holder knew it. */
    public Lease lease() {
        return lease;
    }
}
