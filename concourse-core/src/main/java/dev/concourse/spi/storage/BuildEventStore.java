package dev.concourse.spi.storage;

import java.util.List;
import java.util.Optional;

/**
 * The append-only event log of each build. The engine appends in batches (a group commit of many
 * log chunks at once) and reads in pages, often while the log grows: both must cost in proportion
 * to the batch or page, not the log. A build has an empty log from its creation until it is
 * deleted with its pipeline.
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
