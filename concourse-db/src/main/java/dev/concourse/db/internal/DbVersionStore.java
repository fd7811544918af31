package dev.concourse.db.internal;

import dev.concourse.Resource;
import dev.concourse.resource.MetadataField;
import dev.concourse.resource.ResourceVersion;
import dev.concourse.resource.Version;
import dev.concourse.spi.storage.ResourceVersionStore;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.hibernate.Session;

/**
 * Scopes and their versions. A version's id stands for its fields ({@code concourse_version}, one
 * row per distinct set of fields, found by a hash of its sorted-key JSON); a scope holds versions
 * with their check order and metadata ({@code concourse_scope_version}).
 */
final class DbVersionStore implements ResourceVersionStore {
    static final String VERSION_COLUMNS = "sv.version_id, sv.scope_id, v.fields_json, sv.check_order,"
            + " sv.metadata_json, sv.first_seen";
    static final String VERSION_FROM = " FROM concourse_scope_version sv JOIN concourse_version v"
            + " ON v.id = sv.version_id ";

    private final Db db;
    private final Records records;

    DbVersionStore(Db db, Records records) {
        this.db = db;
        this.records = records;
    }

    static ResourceVersion version(ResultSet rs) throws SQLException {
        return new ResourceVersion(rs.getLong("version_id"), rs.getLong("scope_id"),
                new Version(Json.readStrings(rs.getString("fields_json"))), rs.getLong("check_order"),
                Json.readMetadata(rs.getString("metadata_json")), Sql.instant(rs, "first_seen"));
    }

    @Override
    public long assignScope(long resourceId, String scopeKey) {
        Objects.requireNonNull(scopeKey, "scopeKey");
        Limits.check("scope key", scopeKey, Limits.SCOPE_KEY);
        return db.write(session -> {
            ResourceRow row = session.find(ResourceRow.class, resourceId);
            if (row == null) {
                throw new IllegalArgumentException("there is no resource or resource type with id " + resourceId);
            }
            ScopeRow scope = findScope(session, scopeKey).orElse(null);
            if (scope == null) {
                scope = new ScopeRow();
                scope.scopeKey = scopeKey;
                session.persist(scope);
            }
            if (scope.id != row.scopeId) {
                long old = row.scopeId;
                row.scopeId = scope.id;
                release(session, old);
            }
            return scope.id;
        });
    }

    private static Optional<ScopeRow> findScope(Session session, String key) {
        return session.createSelectionQuery("from ScopeRow where scopeKey = :key", ScopeRow.class)
                .setParameter("key", key)
                .uniqueResultOptional();
    }

    /** Drops the scope with its versions if no resource or resource type uses it any more. */
    void release(Session session, long scopeId) {
        if (scopeId == 0) {
            return;
        }
        if (Sql.exists(session, "SELECT 1 FROM concourse_resource WHERE scope_id = ?", scopeId)) {
            return;
        }
        Sql.update(session, "DELETE FROM concourse_scope_version WHERE scope_id = ?", scopeId);
        ScopeRow scope = session.find(ScopeRow.class, scopeId);
        if (scope != null) {
            session.remove(scope);
        }
    }

    @Override
    public OptionalLong findScope(String scopeKey) {
        Objects.requireNonNull(scopeKey, "scopeKey");
        return db.read(session -> findScope(session, scopeKey)
                .map(s -> OptionalLong.of(s.id))
                .orElse(OptionalLong.empty()));
    }

    @Override
    public List<ResourceVersion> saveVersions(long scopeId, List<Version> oldestFirst, Instant now) {
        Objects.requireNonNull(now, "now");
        List<Version> checked = List.copyOf(oldestFirst);
        checked.forEach(v -> requireFields(scopeId, v));
        return db.write(session -> {
            ScopeRow scope = requireScope(session, scopeId);
            // A check can report thousands of versions: look them all up in a few queries.
            Map<Version, String> hashes = new LinkedHashMap<>();
            for (Version version : checked) {
                hashes.computeIfAbsent(version, v -> Json.sha256(fieldsJson(v)));
            }
            Map<String, Long> ids = VersionBatch.idsByHash(session, hashes.values());
            Map<Long, ResourceVersion> inScope = VersionBatch.inScope(session, scopeId, ids.values());
            boolean anyNew = hashes.values().stream()
                    .anyMatch(hash -> !ids.containsKey(hash) || !inScope.containsKey(ids.get(hash)));
            if (!anyNew) {
                return List.of();
            }
            VersionBatch.intern(session, hashes, ids);
            Map<Long, ResourceVersion> placedById = new LinkedHashMap<>();
            Map<Long, ResourceVersion> added = new LinkedHashMap<>();
            for (Version version : checked) {
                long id = ids.get(hashes.get(version));
                long order = ++scope.lastCheckOrder;
                ResourceVersion old = placedById.containsKey(id) ? placedById.get(id) : inScope.get(id);
                ResourceVersion placed = old == null
                        ? new ResourceVersion(id, scopeId, version, order, List.of(), now)
                        : new ResourceVersion(id, scopeId, version, order, old.metadata(), old.firstSeen());
                if (old == null) {
                    added.put(id, placed);
                } else {
                    added.computeIfPresent(id, (key, earlier) -> placed);
                }
                placedById.put(id, placed);
            }
            VersionBatch.place(session, scopeId, placedById.values(), inScope.keySet());
            return List.copyOf(added.values());
        });
    }

    static String fieldsJson(Version version) {
        String json = Json.strings(version.fields());
        Limits.check("version " + version, json, Limits.TEXT);
        return json;
    }

    private static void insert(Session session, ResourceVersion v) {
        Sql.update(session, "INSERT INTO concourse_scope_version (scope_id, version_id, check_order, metadata_json,"
                + " first_seen) VALUES (?, ?, ?, ?, ?)", v.scopeId(), v.id(), v.checkOrder(),
                Json.metadata(v.metadata()), v.firstSeen());
    }

    @Override
    public ResourceVersion saveVersion(long scopeId, Version version, List<MetadataField> metadata, Instant now) {
        requireFields(scopeId, version);
        List<MetadataField> fields = List.copyOf(metadata);
        Objects.requireNonNull(now, "now");
        return db.write(session -> {
            ScopeRow scope = requireScope(session, scopeId);
            Optional<ResourceVersion> old = find(session, scopeId, version);
            if (old.isEmpty()) {
                ResourceVersion placed = new ResourceVersion(intern(session, version), scopeId, version,
                        ++scope.lastCheckOrder, fields, now);
                insert(session, placed);
                return placed;
            }
            if (fields.isEmpty()) {
                return old.get();
            }
            return setMetadata(session, old.get(), fields);
        });
    }

    private static ResourceVersion setMetadata(Session session, ResourceVersion v, List<MetadataField> metadata) {
        String json = Json.metadata(metadata);
        Limits.check("metadata of version " + v.version(), json, Limits.TEXT);
        Sql.update(session, "UPDATE concourse_scope_version SET metadata_json = ? WHERE scope_id = ?"
                + " AND version_id = ?", json, v.scopeId(), v.id());
        return new ResourceVersion(v.id(), v.scopeId(), v.version(), v.checkOrder(), metadata, v.firstSeen());
    }

    @Override
    public Optional<ResourceVersion> updateMetadata(long scopeId, Version version, List<MetadataField> metadata) {
        Objects.requireNonNull(version, "version");
        List<MetadataField> fields = List.copyOf(metadata);
        return db.write(session -> find(session, scopeId, version).map(old -> setMetadata(session, old, fields)));
    }

    /** The id of a version's fields, creating it if they are new. */
    private static long intern(Session session, Version version) {
        String json = fieldsJson(version);
        String hash = Json.sha256(json);
        long id = Sql.queryLong(session, "SELECT id FROM concourse_version WHERE fields_hash = ?", hash);
        if (id != 0) {
            return id;
        }
        Sql.update(session, "INSERT INTO concourse_version (fields_hash, fields_json) VALUES (?, ?)", hash, json);
        return Sql.queryLong(session, "SELECT id FROM concourse_version WHERE fields_hash = ?", hash);
    }

    private static long versionId(Session session, Version version) {
        return Sql.queryLong(session, "SELECT id FROM concourse_version WHERE fields_hash = ?",
                Json.sha256(Json.strings(version.fields())));
    }

    static Optional<ResourceVersion> find(Session session, long scopeId, Version version) {
        long id = versionId(session, version);
        return id == 0 ? Optional.empty() : find(session, scopeId, id);
    }

    static Optional<ResourceVersion> find(Session session, long scopeId, long versionId) {
        return Sql.first(session, "SELECT " + VERSION_COLUMNS + VERSION_FROM
                + "WHERE sv.scope_id = ? AND sv.version_id = ?", DbVersionStore::version, scopeId, versionId);
    }

    private static void requireFields(long scopeId, Version version) {
        Objects.requireNonNull(version, "version");
        if (version.fields().isEmpty()) {
            throw new IllegalArgumentException("cannot save a version without fields in scope " + scopeId
                    + ": a version must contain at least one key-value pair");
        }
    }

    private static ScopeRow requireScope(Session session, long scopeId) {
        ScopeRow scope = session.find(ScopeRow.class, scopeId);
        if (scope == null) {
            throw new IllegalArgumentException("there is no scope with id " + scopeId
                    + " (scopes are created by assignScope and dropped when no resource uses them)");
        }
        return scope;
    }

    @Override
    public Optional<ResourceVersion> latest(long scopeId) {
        return db.read(session -> Sql.first(session, "SELECT " + VERSION_COLUMNS + VERSION_FROM
                + "WHERE sv.scope_id = ? ORDER BY sv.check_order DESC LIMIT 1", DbVersionStore::version, scopeId));
    }

    @Override
    public List<ResourceVersion> versions(long scopeId, long olderThan, int limit) {
        if (limit <= 0) {
            return List.of();
        }
        return db.read(session -> Sql.query(session, "SELECT " + VERSION_COLUMNS + VERSION_FROM
                + "WHERE sv.scope_id = ? AND sv.check_order < ? ORDER BY sv.check_order DESC LIMIT ?",
                DbVersionStore::version, scopeId, olderThan, limit));
    }

    @Override
    public List<ResourceVersion> versionsNewerThan(long scopeId, long newerThan, int limit) {
        if (limit <= 0) {
            return List.of();
        }
        List<ResourceVersion> page = db.read(session -> Sql.query(session, "SELECT " + VERSION_COLUMNS + VERSION_FROM
                + "WHERE sv.scope_id = ? AND sv.check_order > ? ORDER BY sv.check_order ASC LIMIT ?",
                DbVersionStore::version, scopeId, newerThan, limit));
        return List.copyOf(new ArrayList<>(page).reversed());
    }

    @Override
    public Optional<ResourceVersion> find(long scopeId, Version version) {
        Objects.requireNonNull(version, "version");
        return db.read(session -> find(session, scopeId, version));
    }

    @Override
    public Optional<ResourceVersion> find(long scopeId, long versionId) {
        return db.read(session -> find(session, scopeId, versionId));
    }

    @Override
    public Optional<Version> version(long versionId) {
        return db.read(session -> Sql.first(session, "SELECT fields_json FROM concourse_version WHERE id = ?",
                rs -> new Version(Json.readStrings(rs.getString(1))), versionId));
    }

    @Override
    public boolean disable(long resourceId, long versionId) {
        return db.write(session -> {
            requireResourceAndVersion(session, resourceId, versionId);
            if (isDisabled(session, resourceId, versionId)) {
                return false;
            }
            Sql.update(session, "INSERT INTO concourse_disabled_version (resource_id, version_id) VALUES (?, ?)",
                    resourceId, versionId);
            return true;
        });
    }

    @Override
    public boolean enable(long resourceId, long versionId) {
        return db.write(session -> {
            requireResourceAndVersion(session, resourceId, versionId);
            return Sql.update(session, "DELETE FROM concourse_disabled_version WHERE resource_id = ?"
                    + " AND version_id = ?", resourceId, versionId) > 0;
        });
    }

    static boolean isDisabled(Session session, long resourceId, long versionId) {
        return Sql.exists(session, "SELECT 1 FROM concourse_disabled_version WHERE resource_id = ?"
                + " AND version_id = ?", resourceId, versionId);
    }

    static boolean versionExists(Session session, long versionId) {
        return Sql.exists(session, "SELECT 1 FROM concourse_version WHERE id = ?", versionId);
    }

    private void requireResourceAndVersion(Session session, long resourceId, long versionId) {
        if (DbResourceSync.find(session, resourceId, ResourceRow.RESOURCE).isEmpty()) {
            throw new IllegalArgumentException("there is no resource with id " + resourceId);
        }
        if (!versionExists(session, versionId)) {
            throw new IllegalArgumentException("there is no version with id " + versionId
                    + " (of resource " + resourceRef(session, resourceId) + ")");
        }
    }

    @Override
    public Set<Long> disabledVersions(long resourceId) {
        return db.read(session -> Set.copyOf(new HashSet<>(Sql.query(session, "SELECT version_id FROM"
                + " concourse_disabled_version WHERE resource_id = ?", rs -> rs.getLong(1), resourceId))));
    }

    @Override
    public Optional<Resource> pin(long resourceId, long versionId, String comment) {
        return db.write(session -> activeResource(session, resourceId).map(row -> {
            requireNotPinnedInConfig(session, row, "pin it to another version");
            ResourceVersion version = row.scopeId == 0 ? null
                    : find(session, row.scopeId, versionId).orElse(null);
            if (version == null) {
                throw new IllegalArgumentException("resource " + resourceRef(session, resourceId)
                        + " has no version with id " + versionId + " to pin");
            }
            row.pinVersion = Json.strings(version.version().fields());
            row.pinInConfig = false;
            row.pinComment = comment == null ? "" : comment;
            return records.resource(session, row);
        }));
    }

    @Override
    public Optional<Resource> unpin(long resourceId) {
        return db.write(session -> activeResource(session, resourceId).map(row -> {
            requireNotPinnedInConfig(session, row, "unpin it");
            row.pinVersion = null;
            row.pinInConfig = false;
            row.pinComment = null;
            return records.resource(session, row);
        }));
    }

    @Override
    public Optional<Resource> setPinComment(long resourceId, String comment) {
        Objects.requireNonNull(comment, "comment");
        return db.write(session -> activeResource(session, resourceId)
                .filter(row -> row.pinVersion != null)
                .map(row -> {
                    row.pinComment = comment;
                    return records.resource(session, row);
                }));
    }

    private void requireNotPinnedInConfig(Session session, ResourceRow row, String action) {
        if (row.pinVersion != null && row.pinInConfig) {
            throw new IllegalStateException("resource " + resourceRef(session, row.id) + " is pinned to "
                    + new Version(Json.readStrings(row.pinVersion)) + " by its config: remove 'version' from the"
                    + " resource in the pipeline config and set the pipeline to " + action);
        }
    }

    private static Optional<ResourceRow> activeResource(Session session, long resourceId) {
        return DbResourceSync.find(session, resourceId, ResourceRow.RESOURCE).filter(r -> r.active);
    }

    @Override
    public void recordCheck(long resourceId, Instant finished, String error) {
        Objects.requireNonNull(finished, "finished");
        db.write(session -> {
            ResourceRow row = session.find(ResourceRow.class, resourceId);
            if (row == null) {
                throw new IllegalArgumentException("there is no resource or resource type with id " + resourceId
                        + " to record a check of");
            }
            row.lastChecked = finished;
            row.checkError = error;
            return null;
        });
    }

    private String resourceRef(Session session, long resourceId) {
        ResourceRow row = session.find(ResourceRow.class, resourceId);
        if (row == null) {
            return "#" + resourceId;
        }
        PipelineRow pipeline = session.find(PipelineRow.class, row.pipelineId);
        return records.ref(pipeline).resource(row.name).toString();
    }
}
