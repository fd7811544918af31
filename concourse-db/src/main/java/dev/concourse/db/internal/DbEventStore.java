package dev.concourse.db.internal;

import dev.concourse.spi.storage.BuildEventNotifications;
import dev.concourse.spi.storage.BuildEventStore;
import dev.concourse.spi.storage.Lease;
import dev.concourse.spi.storage.StaleLeaseException;
import dev.concourse.spi.storage.StoredEvent;
import java.io.IOException;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.hibernate.Session;
import org.postgresql.PGConnection;

/**
 * Build event logs in {@code concourse_build_event}, one row per event keyed by build and
 * sequence. Appends made inside a transaction join it; the others go through {@link EventWriter},
 * which commits the appends of many builds together, lease-checked (fenced) ones included.
 */
final class DbEventStore implements BuildEventStore {
    private final Db db;
    private final EventWriter writer;
    private final BuildEventNotifications notifications;

    /** @param notifications what {@link #notifications()} offers, or null (H2: one node) */
    DbEventStore(Db db, EventWriter writer, BuildEventNotifications notifications) {
        this.db = db;
        this.writer = writer;
        this.notifications = notifications;
    }

    @Override
    public Optional<BuildEventNotifications> notifications() {
        return Optional.ofNullable(notifications);
    }

    @Override
    public void append(long buildId, List<StoredEvent> events) {
        List<StoredEvent> batch = prepare(buildId, events);
        if (batch.isEmpty()) {
            return;
        }
        if (db.inTransaction()) {
            db.write(session -> {
                insert(session, db.dialect(), buildId, batch);
                return null;
            });
        } else {
            writer.append(buildId, batch, null);
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Outside a transaction the batch joins the group commit like any other: the writer checks
     * the fences of every fenced batch of the group with one locking read of their lease rows and
     * leaves out the batches whose lease was lost.
     */
    @Override
    public void append(long buildId, List<StoredEvent> events, Lease fence) {
        Objects.requireNonNull(fence, "fence");
        List<StoredEvent> batch = prepare(buildId, events);
        if (batch.isEmpty()) {
            return;
        }
        if (db.inTransaction()) {
            db.write(session -> {
                requireFence(session, db, fence);
                insert(session, db.dialect(), buildId, batch);
                return null;
            });
        } else {
            writer.append(buildId, batch, fence);
        }
    }

    /** The fencing check of one append in the session's transaction. */
    static void requireFence(Session session, Db db, Lease fence) {
        if (!DbLeaseStore.staleFences(session, db, List.of(fence)).isEmpty()) {
            throw new StaleLeaseException(fence);
        }
    }

    /**
     * Checks sequences and sanitizes the text; the batch as it will be stored. An event too large to
     * store (a resource that printed a huge version or metadata) becomes an {@code error} event at
     * its sequence saying so, so the build's log goes on and readers learn what happened.
     */
    static List<StoredEvent> prepare(long buildId, List<StoredEvent> events) {
        Objects.requireNonNull(events, "events");
        List<StoredEvent> batch = new ArrayList<>(events.size());
        for (int i = 0; i < events.size(); i++) {
            StoredEvent event = events.get(i);
            if (i > 0 && event.sequence() != events.get(i - 1).sequence() + 1) {
                throw new IllegalArgumentException("events for build " + buildId + " have a gap: sequence "
                        + event.sequence() + " follows " + events.get(i - 1).sequence());
            }
            Limits.check("type of event " + event.sequence() + " of build " + buildId, event.type(),
                    Limits.EVENT_TYPE);
            if (event.json().length() > Limits.EVENT) {
                event = Json.oversizedEvent(event, Limits.EVENT);
            }
            batch.add(new StoredEvent(event.sequence(), EventText.sanitize(event.type()),
                    EventText.sanitize(event.json())));
        }
        return batch;
    }

    /**
     * Inserts a batch in the session's transaction, after checking it continues the log.
     *
     * @throws IllegalArgumentException if the build does not exist or the batch does not continue its log
     */
    static void insert(Session session, Db.Dialect dialect, long buildId, List<StoredEvent> batch) {
        if (!Sql.exists(session, "SELECT 1 FROM concourse_build WHERE id = ?", buildId)) {
            throw new IllegalArgumentException("there is no build with id " + buildId + " to append events to");
        }
        long last = Sql.queryLong(session, "SELECT MAX(seq) FROM concourse_build_event WHERE build_id = ?", buildId);
        requireContinues(buildId, last, batch);
        session.doWork(connection -> insertRows(connection, dialect, List.of(new Rows(buildId, batch))));
        notifyAppended(session, dialect, List.of(buildId));
    }

    /** The channel on which PostgreSQL tells every node's {@code BuildEventFeed} about new events. */
    public static final String CHANNEL = "concourse_events";

    /**
     * Tells the other nodes that these builds' logs grew, with their ids only (PostgreSQL sends a
     * NOTIFY when the transaction commits, and not at all if it rolls back). Nothing on H2, which
     * serves one node.
     */
    static void notifyAppended(Session session, Db.Dialect dialect, Collection<Long> buildIds) {
        if (buildIds.isEmpty() || dialect != Db.Dialect.POSTGRESQL) {
            return;
        }
        session.doWork(connection -> {
            try (PreparedStatement statement = connection.prepareStatement("SELECT pg_notify(?, ?)")) {
                for (long id : new LinkedHashSet<>(buildIds)) {
                    statement.setString(1, CHANNEL);
                    statement.setString(2, Long.toString(id));
                    statement.executeQuery().close();
                }
            }
        });
    }

    static void requireContinues(long buildId, long last, List<StoredEvent> batch) {
        long first = batch.getFirst().sequence();
        if (first != last + 1) {
            throw new IllegalArgumentException("events for build " + buildId + " must continue its log at sequence "
                    + (last + 1) + ", not " + first);
        }
    }

    /** Events of one build to insert. */
    record Rows(long buildId, List<StoredEvent> events) {
    }

    /** How many rows one INSERT statement carries: multi-row inserts cost far less per row. */
    private static final int ROWS_PER_STATEMENT = 250;

    /** From how many rows on PostgreSQL gets them through {@code COPY}, which costs less per row than INSERT. */
    static final int COPY_FROM_ROWS = 500;

    /**
     * Inserts the rows: on PostgreSQL with {@code COPY} once there are {@value #COPY_FROM_ROWS} or
     * more, otherwise with multi-row INSERT statements. Both run in the connection's transaction
     * and fail the same way on a key another writer took (a unique violation).
     */
    static void insertRows(Connection connection, Db.Dialect dialect, List<Rows> rows) throws SQLException {
        int count = rows.stream().mapToInt(r -> r.events().size()).sum();
        if (dialect == Db.Dialect.POSTGRESQL && count >= COPY_FROM_ROWS) {
            copyRows(connection, rows, count);
        } else {
            insertRows(connection, rows);
        }
    }

    /** The rows as CSV through PostgreSQL's {@code COPY ... FROM STDIN}. */
    private static void copyRows(Connection connection, List<Rows> rows, int count) throws SQLException {
        StringBuilder csv = new StringBuilder(count * 160);
        for (Rows r : rows) {
            for (StoredEvent event : r.events()) {
                csv.append(r.buildId()).append(',').append(event.sequence()).append(',');
                quoted(csv, event.type()).append(',');
                quoted(csv, event.json()).append('\n');
            }
        }
        long copied;
        try {
            copied = connection.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY concourse_build_event"
                    + " (build_id, seq, event_type, payload) FROM STDIN WITH (FORMAT csv)", new StringReader(csv.toString()));
        } catch (IOException e) {
            throw new SQLException("copying events into the database failed: " + e.getMessage(), e);
        }
        if (copied != count) {
            throw new SQLException("COPY stored " + copied + " event rows, not " + count);
        }
    }

    /** A CSV field: in double quotes, a double quote doubled; anything else (commas, line breaks) as it is. */
    private static StringBuilder quoted(StringBuilder csv, String text) {
        csv.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"') {
                csv.append('"');
            }
            csv.append(c);
        }
        return csv.append('"');
    }

    /** Inserts the rows with multi-row INSERT statements. */
    private static void insertRows(Connection connection, List<Rows> rows) throws SQLException {
        List<long[]> keys = new ArrayList<>();
        List<StoredEvent> events = new ArrayList<>();
        for (Rows r : rows) {
            for (StoredEvent event : r.events()) {
                keys.add(new long[] {r.buildId()});
                events.add(event);
            }
        }
        int done = 0;
        PreparedStatement full = null;
        try {
            while (done < events.size()) {
                int count = Math.min(ROWS_PER_STATEMENT, events.size() - done);
                PreparedStatement statement;
                if (count == ROWS_PER_STATEMENT) {
                    if (full == null) {
                        full = connection.prepareStatement(insertSql(count));
                    }
                    statement = full;
                } else {
                    statement = connection.prepareStatement(insertSql(count));
                }
                try {
                    int p = 1;
                    for (int i = done; i < done + count; i++) {
                        StoredEvent event = events.get(i);
                        statement.setLong(p++, keys.get(i)[0]);
                        statement.setLong(p++, event.sequence());
                        statement.setString(p++, event.type());
                        statement.setString(p++, event.json());
                    }
                    statement.executeUpdate();
                } finally {
                    if (statement != full) {
                        statement.close();
                    }
                }
                done += count;
            }
        } finally {
            if (full != null) {
                full.close();
            }
        }
    }

    private static String insertSql(int rows) {
        StringBuilder sql = new StringBuilder("INSERT INTO concourse_build_event (build_id, seq, event_type, payload)"
                + " VALUES ");
        for (int i = 0; i < rows; i++) {
            sql.append(i == 0 ? "(?, ?, ?, ?)" : ", (?, ?, ?, ?)");
        }
        return sql.toString();
    }

    @Override
    public List<StoredEvent> read(long buildId, long fromSequence, int limit) {
        if (limit <= 0) {
            return List.of();
        }
        return db.read(session -> Sql.query(session, "SELECT seq, event_type, payload FROM concourse_build_event"
                + " WHERE build_id = ? AND seq >= ? ORDER BY seq LIMIT ?",
                rs -> new StoredEvent(rs.getLong(1), rs.getString(2), rs.getString(3)), buildId, fromSequence, limit));
    }

    @Override
    public long lastSequence(long buildId) {
        return db.read(session -> Sql.queryLong(session, "SELECT MAX(seq) FROM concourse_build_event"
                + " WHERE build_id = ?", buildId));
    }

    @Override
    public void deleteEvents(long buildId) {
        db.write(session -> Sql.update(session, "DELETE FROM concourse_build_event WHERE build_id = ?", buildId));
    }
}
