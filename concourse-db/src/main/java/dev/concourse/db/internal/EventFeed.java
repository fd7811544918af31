package dev.concourse.db.internal;

import dev.concourse.spi.storage.BuildEventStore;
import dev.concourse.spi.storage.StoredEvent;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One listening connection per feed ({@code LISTEN concourse_events}): the notifications carry
 * build ids only and are coalesced per build; for each, the followers of that build read their
 * next events from the store, from the last sequence they delivered. When the connection breaks (a
 * PostgreSQL restart, a network fault) the feed reconnects with growing pauses and then lets every
 * follower read again from where it stopped, so no committed event is missed while it was away.
 */
public final class EventFeed implements AutoCloseable {
    private static final int PAGE = 500;
    private static final int WAIT_MILLIS = 250;
    private static final Duration MAX_PAUSE = Duration.ofSeconds(5);

    private final DataSource dataSource;
    private final BuildEventStore events;
    private static final Logger LOG = LoggerFactory.getLogger(EventFeed.class);

    private final Map<Long, List<Watcher>> followers = new ConcurrentHashMap<>();
    private final CountDownLatch closed = new CountDownLatch(1);
    private final Thread thread;
    private volatile int reconnects;

    /** Told when a build's log may have grown: on its notifications and after every reconnect. */
    private interface Watcher {
        /** May throw if the store cannot be read: the feed then reconnects and tells it again. */
        void changed();
    }

    /** One build watched through {@link #watch}. */
    private final class Watching implements Watcher, AutoCloseable {
        private final long buildId;
        private final Runnable appended;

        Watching(long buildId, Runnable appended) {
            this.buildId = buildId;
            this.appended = appended;
        }

        @Override
        public void changed() {
            try {
                appended.run();
            } catch (RuntimeException e) {
                LOG.warn("A watcher of build {}'s events failed", buildId, e);
            }
        }

        @Override
        public void close() {
            remove(buildId, this);
        }
    }

    /** A consumer of one build's events and the next sequence it wants. */
    public final class Follower implements Watcher, AutoCloseable {
        private final long buildId;
        private final Consumer<List<StoredEvent>> consumer;
        private long next;
        private boolean stopped;

        Follower(long buildId, long from, Consumer<List<StoredEvent>> consumer) {
            this.buildId = buildId;
            this.next = Math.max(1, from);
            this.consumer = consumer;
        }

        @Override
        public void changed() {
            catchUp();
        }

        /** Reads and delivers everything committed from the next sequence on. */
        synchronized void catchUp() {
            while (!stopped) {
                List<StoredEvent> page = events.read(buildId, next, PAGE);
                if (page.isEmpty()) {
                    return;
                }
                next = page.getLast().sequence() + 1;
                consumer.accept(page);
            }
        }

        @Override
        public void close() {
            synchronized (this) {
                stopped = true;
            }
            remove(buildId, this);
        }
    }

    private void remove(long buildId, Watcher watcher) {
        followers.computeIfPresent(buildId, (id, list) -> {
            list.remove(watcher);
            return list.isEmpty() ? null : list;
        });
    }

    private EventFeed(DataSource dataSource, BuildEventStore events) {
        this.dataSource = dataSource;
        this.events = events;
        this.thread = Thread.ofPlatform().daemon().name("concourse-db-event-feed").unstarted(this::run);
    }

    /** The connection the thread starts with, made before the thread starts. */
    private Connection initial;

    /** Starts listening; the first connection is made before this returns. */
    public static EventFeed start(DataSource dataSource, BuildEventStore events) {
        EventFeed feed = new EventFeed(dataSource, events);
        feed.initial = feed.connect();
        feed.connectedOnce = true;
        feed.thread.start();
        return feed;
    }

    /**
     * Starts listening without waiting for a connection: the feed's thread connects (and keeps
     * trying while the database is unreachable), then tells every watcher, so that a watch made
     * before the connection misses nothing.
     */
    static EventFeed startConnecting(DataSource dataSource, BuildEventStore events) {
        EventFeed feed = new EventFeed(dataSource, events);
        feed.thread.start();
        return feed;
    }

    /** Whether a connection was made before: the next one is a reconnect. */
    private boolean connectedOnce;

    /**
     * Calls {@code appended} on the feed's thread whenever the build's events are notified, and
     * after every (re)connect; close the watch to stop.
     */
    Watch watch(long buildId, Runnable appended) {
        Watching watching = new Watching(buildId, appended);
        followers.computeIfAbsent(buildId, id -> new CopyOnWriteArrayList<>()).add(watching);
        return watching::close;
    }

    /** A watch made by {@link #watch}. */
    interface Watch {
        void close();
    }

    /**
     * Delivers the build's events from {@code from} on to {@code consumer}, in order and each once,
     * on the feed's thread (events already stored are delivered on the calling thread first).
     */
    public Follower follow(long buildId, long from, Consumer<List<StoredEvent>> consumer) {
        Follower follower = new Follower(buildId, from, consumer);
        followers.computeIfAbsent(buildId, id -> new CopyOnWriteArrayList<>()).add(follower);
        follower.catchUp();
        return follower;
    }

    /** How often the feed reconnected after losing its connection. */
    public int reconnects() {
        return reconnects;
    }

    private Connection connect() {
        try {
            Connection connection = dataSource.getConnection();
            try {
                connection.setAutoCommit(true);
                try (Statement statement = connection.createStatement()) {
                    statement.execute("LISTEN " + DbEventStore.CHANNEL);
                }
                connection.unwrap(PGConnection.class);
                return connection;
            } catch (SQLException | RuntimeException e) {
                connection.close();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot listen for build events: " + e.getMessage()
                    + " (the event feed needs PostgreSQL)", e);
        }
    }

    private void run() {
        Connection connection = initial;
        Duration pause = Duration.ofMillis(100);
        while (closed.getCount() > 0) {
            if (connection == null) {
                try {
                    connection = connect();
                    if (connectedOnce) {
                        reconnects++;
                        LOG.info("The build event feed is listening again after losing its connection");
                    }
                    connectedOnce = true;
                    pause = Duration.ofMillis(100);
                    // Whatever was committed while we were away (or before the first connection):
                    // every follower reads on, every watcher is told.
                    for (List<Watcher> list : followers.values()) {
                        list.forEach(Watcher::changed);
                    }
                } catch (RuntimeException e) {
                    if (connection != null) {
                        close(connection);
                        connection = null;
                    }
                    if (waitForClose(pause)) {
                        break;
                    }
                    pause = pause.multipliedBy(2).compareTo(MAX_PAUSE) > 0 ? MAX_PAUSE : pause.multipliedBy(2);
                    continue;
                }
            }
            try {
                PGNotification[] notifications = connection.unwrap(PGConnection.class)
                        .getNotifications(WAIT_MILLIS);
                if (notifications != null && notifications.length > 0) {
                    dispatch(notifications);
                }
            } catch (SQLException | RuntimeException e) {
                // The connection broke, or reading the store failed: start again from connecting,
                // after which every follower reads on from where it stopped.
                close(connection);
                connection = null;
            }
        }
        if (connection != null) {
            close(connection);
        }
    }

    /** Coalesces the notifications per build, then lets that build's followers read on. */
    private void dispatch(PGNotification[] notifications) {
        Set<Long> builds = new java.util.LinkedHashSet<>();
        for (PGNotification notification : notifications) {
            try {
                builds.add(Long.parseLong(notification.getParameter()));
            } catch (NumberFormatException e) {
                // not ours: the channel carries build ids only
            }
        }
        for (long build : builds) {
            List<Watcher> list = followers.get(build);
            if (list != null) {
                list.forEach(Watcher::changed);
            }
        }
    }

    private boolean waitForClose(Duration pause) {
        try {
            return closed.await(pause.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    private static void close(Connection connection) {
        try {
            connection.close();
        } catch (SQLException e) {
            // the connection is broken already; the pool replaces it
        }
    }

    @Override
    public void close() {
        closed.countDown();
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
