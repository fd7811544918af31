package dev.concourse.db.internal;

import dev.concourse.spi.storage.BuildEventNotifications;
import dev.concourse.spi.storage.BuildEventStore;
import javax.sql.DataSource;

/**
 * Commit notifications of a PostgreSQL store, for the engine's subscribers to builds that run on
 * other nodes: one {@link EventFeed} (one listening connection) per store, started at the first
 * watch and stopped when the store closes.
 */
final class DbEventNotifications implements BuildEventNotifications, AutoCloseable {
    private final DataSource dataSource;
    private final BuildEventStore events;
    private EventFeed feed;
    private boolean closed;

    DbEventNotifications(DataSource dataSource, BuildEventStore events) {
        this.dataSource = dataSource;
        this.events = events;
    }

    @Override
    public Watch watch(long buildId, Runnable appended) {
        EventFeed.Watch watch = feed().watch(buildId, appended);
        return watch::close;
    }

    private synchronized EventFeed feed() {
        if (closed) {
            throw new IllegalStateException("the database storage is closed: cannot watch build events");
        }
        if (feed == null) {
            feed = EventFeed.startConnecting(dataSource, events);
        }
        return feed;
    }

    /** How often the feed reconnected, or 0 before it started. */
    synchronized int reconnects() {
        return feed == null ? 0 : feed.reconnects();
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (feed != null) {
            feed.close();
        }
    }
}
