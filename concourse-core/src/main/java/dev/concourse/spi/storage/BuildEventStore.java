package dev.concourse.spi.storage;

import java.util.List;
import java.util.Optional;

/**
 * The append-only event log of each build. The engine appends in batches (a group commit of many
 * log chunks at once) and reads in pages, often while the log grows: both must cost in proportion
 * to the batch or page, not the log. A build has an empty log from its creation until it is
 * deleted with its pipeline.
 *
 * <p>A build an engine runs under a lease (several nodes sharing the store) has its events
 * appended through {@link #append(long, List, Lease)}, which checks the lease in the same atomic
 * step as the write, so that a node that lost the lease cannot add to the log.
 *
 * <p>A store that several engine nodes share also offers {@link #notifications()}, so that a
 * node's subscribers follow builds that run on another node.
 */
public interface BuildEventStore {

    /**
     * Appends events whose sequences continue the build's log without a gap. An empty batch
     * changes nothing.
     *
     * @throws IllegalArgumentException if the first sequence is not {@link #lastSequence} + 1, the
     *                                  batch has gaps, or the build does not exist
     */
    void append(long buildId, List<StoredEvent> events);

    /**
     * Appends as {@link #append(long, List)} does, on the strength of a lease (the engine's lease on
     * the build it runs): only while {@code fence} is still the current lease on its name, as
     * {@link LeaseStore#check} decides (same owner and token, not released; a lease that expired
     * but that nobody took yet still holds). The check and the write are one atomic step: once
     * another owner acquired the lease (in a transaction that committed), no append fenced by the
     * old lease is stored, and every fenced append stored before is visible to the new owner, so
     * its events continue right after the old owner's last stored one. Only the name, owner and
     * token of {@code fence} count, not its expiry, so a renewed lease may pass its older copy.
     *
     * <p>A refused append stores nothing and changes nothing else; appends to other builds made
     * at the same moment are not affected (a store that writes many builds' appends together in one
     * transaction checks each append's fence and leaves out only the refused ones). Inside a
     * {@link Storage#inTransaction transaction} the check and the append join it. An empty batch
     * changes nothing and is not checked.
     *
     * @throws StaleLeaseException      if {@code fence} is no longer the current lease on its name
     *                                  (another owner took it, or it was released): stop writing for
     *                                  the build, a retry cannot succeed
     * @throws IllegalArgumentException as {@link #append(long, List)}, if the fence holds
     */
    void append(long buildId, List<StoredEvent> events, Lease fence);

    /**
     * Up to {@code limit} events from {@code fromSequence} on, in order; empty past the end and for
     * a build that does not exist.
     */
    List<StoredEvent> read(long buildId, long fromSequence, int limit);

    /** The last sequence stored, or 0 (no events, or no such build). */
    long lastSequence(long buildId);

    /**
     * Drops the build's events (log retention); the build itself stays. Its log is then empty and
     * {@link #lastSequence} 0. Does nothing for a build that does not exist.
     */
    void deleteEvents(long buildId);

    /**
     * Notifications of appends committed by any node sharing this store, if the store offers them.
     * Default: none, for a store that serves one engine (which sees its own appends as it makes
     * them); then a subscriber to a build that is not running on this engine gets the events
     * stored so far and completes. The store starts whatever it needs to notify (a listening
     * connection, say) when first watched and stops it when closed.
     */
    default Optional<BuildEventNotifications> notifications() {
        return Optional.empty();
    }
}
