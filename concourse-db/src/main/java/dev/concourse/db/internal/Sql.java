package dev.concourse.db.internal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.hibernate.Session;

/**
 * Plain SQL in the session's transaction, for the link tables and the queries of the version
 * history. The session is flushed first, so the SQL sees what entities changed.
 */
final class Sql {
    private Sql() {
    }

    @FunctionalInterface
    interface RowMapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    static <T> List<T> query(Session session, String sql, RowMapper<T> mapper, Object... params) {
        session.flush();
        return session.doReturningWork(connection -> {
            try (PreparedStatement statement = prepare(connection, sql, params);
                    ResultSet rs = statement.executeQuery()) {
                List<T> rows = new ArrayList<>();
                while (rs.next()) {
                    rows.add(mapper.map(rs));
                }
                return rows;
            }
        });
    }

    static <T> Optional<T> first(Session session, String sql, RowMapper<T> mapper, Object... params) {
        List<T> rows = query(session, sql, mapper, params);
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.getFirst());
    }

    /** The first column of the first row as a long; 0 for no row or NULL. */
    static long queryLong(Session session, String sql, Object... params) {
        return first(session, sql, rs -> rs.getLong(1), params).orElse(0L);
    }

    static boolean exists(Session session, String sql, Object... params) {
        return first(session, sql, rs -> Boolean.TRUE, params).isPresent();
    }

    static int update(Session session, String sql, Object... params) {
        session.flush();
        return session.doReturningWork(connection -> {
            try (PreparedStatement statement = prepare(connection, sql, params)) {
                return statement.executeUpdate();
            }
        });
    }

    static PreparedStatement prepare(Connection connection, String sql, Object... params) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql);
        try {
            for (int i = 0; i < params.length; i++) {
                bind(statement, i + 1, params[i]);
            }
            return statement;
        } catch (SQLException | RuntimeException e) {
            statement.close();
            throw e;
        }
    }

    static void bind(PreparedStatement statement, int index, Object value) throws SQLException {
        if (value instanceof Instant instant) {
            statement.setObject(index, instant.atOffset(ZoneOffset.UTC));
        } else if (value instanceof Boolean b) {
            statement.setBoolean(index, b);
        } else {
            statement.setObject(index, value);
        }
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime time = rs.getObject(column, OffsetDateTime.class);
        return time == null ? null : time.toInstant();
    }
}
