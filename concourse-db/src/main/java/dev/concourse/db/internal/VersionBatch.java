package dev.concourse.db.internal;

import dev.concourse.resource.ResourceVersion;
import dev.concourse.resource.Version;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.hibernate.Session;

/** Many versions at once, for checks that report thousands: lookups by chunks, writes by JDBC batches. */
final class VersionBatch {
    private static final int CHUNK = 500;

    private VersionBatch() {
    }

    /** The ids of the versions with these field hashes, for those that exist. */
    static Map<String, Long> idsByHash(Session session, Collection<String> hashes) {
        Map<String, Long> ids = new HashMap<>();
        for (List<Object> chunk : chunks(hashes)) {
            Sql.query(session, "SELECT fields_hash, id FROM concourse_version WHERE fields_hash IN ("
                    + marks(chunk.size()) + ")", rs -> ids.put(rs.getString(1), rs.getLong(2)), chunk.toArray());
        }
        return ids;
    }

    /** The scope's versions among these ids. */
    static Map<Long, ResourceVersion> inScope(Session session, long scopeId, Collection<Long> versionIds) {
        Map<Long, ResourceVersion> found = new HashMap<>();
        for (List<Object> chunk : chunks(versionIds)) {
            List<Object> params = new ArrayList<>(chunk.size() + 1);
            params.add(scopeId);
            params.addAll(chunk);
            Sql.query(session, "SELECT " + DbVersionStore.VERSION_COLUMNS + DbVersionStore.VERSION_FROM
                    + "WHERE sv.scope_id = ? AND sv.version_id IN (" + marks(chunk.size()) + ")",
                    rs -> {
                        ResourceVersion v = DbVersionStore.version(rs);
                        return found.put(v.id(), v);
                    }, params.toArray());
        }
        return found;
    }

    /** Creates the versions that have no id yet and adds their ids to {@code ids}. */
    static void intern(Session session, Map<Version, String> hashes, Map<String, Long> ids) {
        Map<String, String> missing = new HashMap<>();
        hashes.forEach((version, hash) -> {
            if (!ids.containsKey(hash)) {
                missing.put(hash, DbVersionStore.fieldsJson(version));
            }
        });
        if (missing.isEmpty()) {
            return;
        }
        session.flush();
        session.doWork(connection -> {
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO concourse_version (fields_hash, fields_json) VALUES (?, ?)")) {
                for (Map.Entry<String, String> entry : missing.entrySet()) {
                    insert.setString(1, entry.getKey());
                    insert.setString(2, entry.getValue());
                    insert.addBatch();
                }
                insert.executeBatch();
            }
        });
        ids.putAll(idsByHash(session, missing.keySet()));
    }

    /** Writes placed versions: updates those the scope had ({@code existing}), inserts the others. */
    static void place(Session session, long scopeId, Collection<ResourceVersion> placed, Set<Long> existing) {
        session.flush();
        session.doWork(connection -> {
            try (PreparedStatement update = connection.prepareStatement("UPDATE concourse_scope_version"
                    + " SET check_order = ? WHERE scope_id = ? AND version_id = ?");
                    PreparedStatement insert = connection.prepareStatement("INSERT INTO concourse_scope_version"
                            + " (scope_id, version_id, check_order, metadata_json, first_seen)"
                            + " VALUES (?, ?, ?, ?, ?)")) {
                boolean updates = false;
                boolean inserts = false;
                for (ResourceVersion v : placed) {
                    if (existing.contains(v.id())) {
                        update.setLong(1, v.checkOrder());
                        update.setLong(2, scopeId);
                        update.setLong(3, v.id());
                        update.addBatch();
                        updates = true;
                    } else {
                        insert.setLong(1, scopeId);
                        insert.setLong(2, v.id());
                        insert.setLong(3, v.checkOrder());
                        insert.setString(4, Json.metadata(v.metadata()));
                        insert.setObject(5, toOffset(v.firstSeen()));
                        insert.addBatch();
                        inserts = true;
                    }
                }
                if (updates) {
                    update.executeBatch();
                }
                if (inserts) {
                    insert.executeBatch();
                }
            }
        });
    }

    private static Object toOffset(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    private static List<List<Object>> chunks(Collection<?> values) {
        List<List<Object>> chunks = new ArrayList<>();
        List<Object> current = new ArrayList<>();
        for (Object value : values) {
            current.add(value);
            if (current.size() == CHUNK) {
                chunks.add(current);
                current = new ArrayList<>();
            }
        }
        if (!current.isEmpty()) {
            chunks.add(current);
        }
        return chunks;
    }

    private static String marks(int count) {
        return String.join(", ", java.util.Collections.nCopies(count, "?"));
    }
}
