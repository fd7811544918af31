package dev.concourse.db.internal;

import dev.concourse.resource.ResourceVersion;
import dev.concourse.spi.storage.BuildCursor;
import dev.concourse.spi.storage.ResourceVersionId;
import dev.concourse.spi.storage.VersionHistory;
import dev.concourse.spi.storage.VersionUse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.hibernate.Session;

/**
 * The scheduler's queries as SQL over the scope versions, disabled versions, build inputs,
 * successful outputs and pipes; each is one indexed query (a partial pin scans pages of versions).
 */
final class DbVersionHistory implements VersionHistory {
    private static final String ENABLED = " AND NOT EXISTS (SELECT 1 FROM concourse_disabled_version d"
            + " WHERE d.resource_id = ? AND d.version_id = sv.version_id)";
    private static final String CURSOR = "SELECT b.id, b.job_id, b.rerun_of FROM concourse_build b";
    private static final int SCAN_PAGE = 500;

    private final Db db;

    DbVersionHistory(Db db) {
        this.db = db;
    }

    /** The resource's (or resource type's) current scope, 0 for none. */
    private static long scopeOf(Session session, long resourceId) {
        ResourceRow row = session.find(ResourceRow.class, resourceId);
        return row == null ? 0 : row.scopeId;
    }

    @Override
    public Optional<ResourceVersion> version(long resourceId, long versionId) {
        return db.read(session -> {
            long scope = scopeOf(session, resourceId);
            return scope == 0 ? Optional.empty() : DbVersionStore.find(session, scope, versionId);
        });
    }

    @Override
    public Optional<ResourceVersion> latestVersionAtOrBelow(long resourceId, long checkOrder) {
        return db.read(session -> {
            long scope = scopeOf(session, resourceId);
            if (scope == 0) {
                return Optional.empty();
            }
            return Sql.first(session, "SELECT " + DbVersionStore.VERSION_COLUMNS + DbVersionStore.VERSION_FROM
                    + "WHERE sv.scope_id = ? AND sv.check_order <= ?" + ENABLED
                    + " ORDER BY sv.check_order DESC LIMIT 1", DbVersionStore::version, scope, checkOrder, resourceId);
        });
    }

    @Override
    public List<ResourceVersion> versionsAbove(long resourceId, long checkOrder, int limit) {
        if (limit <= 0) {
            return List.of();
        }
        return db.read(session -> {
            long scope = scopeOf(session, resourceId);
            if (scope == 0) {
                return List.of();
            }
            return Sql.query(session, "SELECT " + DbVersionStore.VERSION_COLUMNS + DbVersionStore.VERSION_FROM
                    + "WHERE sv.scope_id = ? AND sv.check_order > ?" + ENABLED
                    + " ORDER BY sv.check_order ASC LIMIT ?", DbVersionStore::version, scope, checkOrder, resourceId,
                    limit);
        });
    }

    @Override
    public Optional<ResourceVersion> findVersion(long resourceId, Map<String, String> fields) {
        Objects.requireNonNull(fields, "fields");
        return db.read(session -> {
            long scope = scopeOf(session, resourceId);
            if (scope == 0) {
                return Optional.empty();
            }
            long below = Long.MAX_VALUE;
            while (true) {
                List<ResourceVersion> page = Sql.query(session, "SELECT " + DbVersionStore.VERSION_COLUMNS
                        + DbVersionStore.VERSION_FROM + "WHERE sv.scope_id = ? AND sv.check_order < ?"
                        + " ORDER BY sv.check_order DESC LIMIT ?", DbVersionStore::version, scope, below, SCAN_PAGE);
                for (ResourceVersion v : page) {
                    if (v.version().matches(fields)) {
                        return Optional.of(v);
                    }
                }
                if (page.size() < SCAN_PAGE) {
                    return Optional.empty();
                }
                below = page.getLast().checkOrder();
            }
        });
    }

    @Override
    public boolean isDisabled(long resourceId, long versionId) {
        return db.read(session -> DbVersionStore.isDisabled(session, resourceId, versionId));
    }

    @Override
    public boolean isFirstOccurrence(long jobId, String inputName, long resourceId, long versionId) {
        Objects.requireNonNull(inputName, "inputName");
        return db.read(session -> !Sql.exists(session, "SELECT 1 FROM concourse_build_input WHERE job_id = ?"
                + " AND resource_id = ? AND version_id = ? AND name = ?", jobId, resourceId, versionId, inputName));
    }

    @Override
    public Optional<VersionUse> latestUse(long jobId, long resourceId) {
        return db.read(session -> {
            long scope = scopeOf(session, resourceId);
            if (scope == 0) {
                return Optional.empty();
            }
            return Sql.first(session, "SELECT " + DbVersionStore.VERSION_COLUMNS + DbVersionStore.VERSION_FROM
                    + "WHERE sv.scope_id = ? AND EXISTS (SELECT 1 FROM concourse_build_input i WHERE i.job_id = ?"
                    + " AND i.resource_id = ? AND i.version_id = sv.version_id)"
                    + " ORDER BY sv.check_order DESC LIMIT 1", DbVersionStore::version, scope, jobId, resourceId)
                    .map(v -> new VersionUse(v, Sql.queryLong(session, "SELECT MAX(build_id) FROM"
                            + " concourse_build_input WHERE job_id = ? AND resource_id = ? AND version_id = ?",
                            jobId, resourceId, v.id())));
        });
    }

    @Override
    public List<BuildCursor> successfulBuilds(long jobId, Map<Long, Set<Long>> containing, BuildCursor olderThan,
            int limit) {
        return page(jobId, containing, olderThan, false, limit);
    }

    @Override
    public List<BuildCursor> successfulBuildsFrom(long jobId, Map<Long, Set<Long>> containing, BuildCursor from,
            int limit) {
        Objects.requireNonNull(from, "from");
        return page(jobId, containing, from, true, limit);
    }

    private List<BuildCursor> page(long jobId, Map<Long, Set<Long>> containing, BuildCursor bound,
            boolean inclusive, int limit) {
        Objects.requireNonNull(containing, "containing");
        if (limit <= 0) {
            return List.of();
        }
        List<Object> params = new ArrayList<>();
        StringBuilder sql = successful(jobId, containing, params);
        if (bound != null) {
            sql.append(" AND (b.order_key < ? OR (b.order_key = ? AND b.id ").append(inclusive ? "<=" : "<")
                    .append(" ?))");
            params.add(bound.orderKey());
            params.add(bound.orderKey());
            params.add(bound.id());
        }
        sql.append(" ORDER BY b.order_key DESC, b.id DESC LIMIT ?");
        params.add(limit);
        return db.read(session -> Sql.query(session, sql.toString(), DbVersionHistory::cursor, params.toArray()));
    }

    @Override
    public List<BuildCursor> successfulBuildsNewerThan(long jobId, Map<Long, Set<Long>> containing,
            BuildCursor newerThan) {
        Objects.requireNonNull(containing, "containing");
        Objects.requireNonNull(newerThan, "newerThan");
        List<Object> params = new ArrayList<>();
        StringBuilder sql = successful(jobId, containing, params);
        sql.append(" AND (b.order_key > ? OR (b.order_key = ? AND b.id > ?)) ORDER BY b.order_key ASC, b.id ASC");
        params.add(newerThan.orderKey());
        params.add(newerThan.orderKey());
        params.add(newerThan.id());
        return db.read(session -> Sql.query(session, sql.toString(), DbVersionHistory::cursor, params.toArray()));
    }

    private static StringBuilder successful(long jobId, Map<Long, Set<Long>> containing, List<Object> params) {
        StringBuilder sql = new StringBuilder(CURSOR).append(" WHERE b.job_id = ? AND b.status = 'succeeded'");
        params.add(jobId);
        containing.forEach((resource, versions) -> {
            for (long version : versions) {
                sql.append(" AND EXISTS (SELECT 1 FROM concourse_successful_output o WHERE o.job_id = b.job_id"
                        + " AND o.resource_id = ? AND o.version_id = ? AND o.build_id = b.id)");
                params.add(resource);
                params.add(version);
            }
        });
        return sql;
    }

    private static BuildCursor cursor(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new BuildCursor(rs.getLong(1), rs.getLong(2), rs.getLong(3));
    }

    @Override
    public List<ResourceVersionId> successfulOutputs(long buildId) {
        return db.read(session -> Sql.query(session, "SELECT resource_id, version_id FROM concourse_successful_output"
                + " WHERE build_id = ? ORDER BY pos", rs -> new ResourceVersionId(rs.getLong(1), rs.getLong(2)),
                buildId));
    }

    @Override
    public List<BuildCursor> pipesTo(long buildId) {
        return db.read(session -> Sql.query(session, CURSOR + " JOIN concourse_build_pipe p ON p.from_build_id = b.id"
                + " WHERE p.to_build_id = ? ORDER BY b.id", DbVersionHistory::cursor, buildId));
    }

    @Override
    public List<BuildCursor> pipesFrom(long buildId) {
        return db.read(session -> Sql.query(session, CURSOR + " JOIN concourse_build_pipe p ON p.to_build_id = b.id"
                + " WHERE p.from_build_id = ? ORDER BY b.id", DbVersionHistory::cursor, buildId));
    }
}
