package dev.concourse.db;

import dev.concourse.db.internal.EventFeed;
import dev.concourse.spi.storage.Storage;
import dev.concourse.spi.storage.StoredEvent;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import javax.sql.DataSource;

/**
 * Build events written by any node, as they are committed: for engine nodes sharing one
 * PostgreSQL database. Every append of {@link JpaStorage} sends a PostgreSQL {@code NOTIFY} with
 * the build's id when it commits (one per build per group commit); a feed keeps one connection
 * that {@code LISTEN}s, and on each notification the followers of that build read their next
 * events from the store. A follower gets every event once, in order, from the sequence it asked for,
 * also across a lost connection: the feed reconnects and each follower reads on from the last
 * sequence it delivered.
 *
 * <pre>{@code
 * try (BuildEventFeed feed = BuildEventFeed.start(dataSource, storage);
 *         BuildEventFeed.Subscription following = feed.follow(buildId, 1, this::show)) {
 *     ...
 * }
 * }</pre>
 *
 * <p>Start one feed per JVM. Consumers run on the feed's thread, one at a time: keep them short.
 * PostgreSQL only (H2 serves one node, whose engine sees its own events directly).
 */
public final class BuildEventFeed implements AutoCloseable {
    private final EventFeed feed;

    private BuildEventFeed(EventFeed feed) {
        this.feed = feed;
    }

    /**
     * Connects and starts listening.
     *
     * @param dataSource the database of {@code storage}; the feed holds one of its connections
     * @param storage    where followers read the events
     * @throws IllegalStateException if it cannot listen (not PostgreSQL, or unreachable)
     */
    public static BuildEventFeed start(DataSource dataSource, Storage storage) {
        Objects.requireNonNull(dataSource, "dataSource");
        Objects.requireNonNull(storage, "storage");
        return new BuildEventFeed(EventFeed.start(dataSource, storage.events()));
    }

    /** Following one build's events; close it to stop. */
    public interface Subscription extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Delivers the build's events from {@code fromSequence} on, in order and each once: those
     * already stored at once on the calling thread, later ones on the feed's thread as they are
     * committed.
     */
    public Subscription follow(long buildId, long fromSequence, Consumer<List<StoredEvent>> consumer) {
        Objects.requireNonNull(consumer, "consumer");
        return feed.follow(buildId, fromSequence, consumer)::close;
    }

    /** How often the feed lost its connection and made a new one. */
    public int reconnects() {
        return feed.reconnects();
    }

    /** Stops listening and gives the connection back. */
    @Override
    public void close() {
        feed.close();
    }
}
