package dev.concourse.db.internal;

import dev.concourse.config.ResourceConfig;
import dev.concourse.config.ResourceTypeConfig;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.hibernate.Session;

/**
 * Brings a pipeline's resources and resource types in line with its config (see
 * {@link dev.concourse.spi.storage.PipelineStore#save}), and removes them with the pipeline.
 */
final class DbResourceSync {
    private final DbVersionStore versions;

    DbResourceSync(DbVersionStore versions) {
        this.versions = versions;
    }

    static List<ResourceRow> active(Session session, long pipelineId, String kind) {
        return session.createSelectionQuery("from ResourceRow where pipelineId = :p and kind = :kind"
                        + " and active = true order by pos", ResourceRow.class)
                .setParameter("p", pipelineId)
                .setParameter("kind", kind)
                .getResultList();
    }

    static Optional<ResourceRow> find(Session session, long id, String kind) {
        return Optional.ofNullable(session.find(ResourceRow.class, id)).filter(r -> r.kind.equals(kind));
    }

    void sync(Session session, long pipelineId, List<ResourceConfig> resources, List<ResourceTypeConfig> types) {
        syncResources(session, pipelineId, resources);
        syncTypes(session, pipelineId, types);
    }

    private static Map<String, ResourceRow> all(Session session, long pipelineId, String kind) {
        Map<String, ResourceRow> byName = new HashMap<>();
        session.createSelectionQuery("from ResourceRow where pipelineId = :p and kind = :kind", ResourceRow.class)
                .setParameter("p", pipelineId)
                .setParameter("kind", kind)
                .getResultList()
                .forEach(r -> byName.put(r.name, r));
        return byName;
    }

    private void syncResources(Session session, long pipelineId, List<ResourceConfig> configs) {
        Map<String, ResourceRow> byName = all(session, pipelineId, ResourceRow.RESOURCE);
        NameMatch<ResourceRow> match = NameMatch.of(configs, ResourceConfig::name, ResourceConfig::oldName, byName,
                r -> r.id, "resources");
        for (ResourceRow row : byName.values()) {
            if (row.active && !match.claimed().contains(row.id)) {
                row.active = false;
            }
        }
        for (int i = 0; i < configs.size(); i++) {
            ResourceConfig config = configs.get(i);
            Limits.name("resource name", config.name());
            String source = Json.write(config.source());
            ResourceRow row = match.rows().get(i);
            boolean isNew = row == null;
            if (isNew) {
                row = new ResourceRow();
                row.pipelineId = pipelineId;
                row.kind = ResourceRow.RESOURCE;
            } else {
                keepScope(session, row, config.type(), source);
            }
            row.name = config.name();
            row.active = true;
            row.pos = i;
            row.type = config.type();
            row.source = source;
            syncPin(row, config);
            if (isNew) {
                session.persist(row);
            }
        }
    }

    /**
     * The config's {@code version:} is the pin (keeping its comment while the version stays the
     * same); without one, a config pin goes and an API pin stays.
     */
    private static void syncPin(ResourceRow row, ResourceConfig config) {
        if (!config.version().isEmpty()) {
            String pin = Json.strings(config.version());
            boolean same = row.pinVersion != null && row.pinInConfig && row.pinVersion.equals(pin);
            row.pinComment = same ? row.pinComment : "";
            row.pinVersion = pin;
            row.pinInConfig = true;
        } else if (row.pinVersion != null && row.pinInConfig) {
            row.pinVersion = null;
            row.pinInConfig = false;
            row.pinComment = null;
        }
    }

    private void syncTypes(Session session, long pipelineId, List<ResourceTypeConfig> configs) {
        Map<String, ResourceRow> byName = all(session, pipelineId, ResourceRow.TYPE);
        Set<String> seen = new HashSet<>();
        for (ResourceTypeConfig config : configs) {
            if (!seen.add(config.name())) {
                throw new IllegalArgumentException("pipeline config has two resource types named '" + config.name()
                        + "'");
            }
        }
        for (ResourceRow row : byName.values()) {
            if (row.active && !seen.contains(row.name)) {
                row.active = false;
            }
        }
        for (int i = 0; i < configs.size(); i++) {
            ResourceTypeConfig config = configs.get(i);
            Limits.name("resource type name", config.name());
            String source = Json.write(config.source());
            ResourceRow row = byName.get(config.name());
            boolean isNew = row == null;
            if (isNew) {
                row = new ResourceRow();
                row.pipelineId = pipelineId;
                row.kind = ResourceRow.TYPE;
                row.name = config.name();
            } else {
                keepScope(session, row, config.type(), source);
            }
            row.active = true;
            row.pos = i;
            row.type = config.type();
            row.source = source;
            if (isNew) {
                session.persist(row);
            }
        }
    }

    /** Keeps the scope while type and source stay the same; else the row loses it. */
    private void keepScope(Session session, ResourceRow row, String type, String source) {
        if (row.scopeId != 0 && !(Objects.equals(row.type, type) && Objects.equals(row.source, source))) {
            long old = row.scopeId;
            row.scopeId = 0;
            versions.release(session, old);
        }
    }

    /** Removes the pipeline's resources and resource types, dropping scopes nothing else uses. */
    void delete(Session session, long pipelineId) {
        List<Long> scopes = Sql.query(session, "SELECT DISTINCT scope_id FROM concourse_resource"
                + " WHERE pipeline_id = ? AND scope_id <> 0", rs -> rs.getLong(1), pipelineId);
        Sql.update(session, "DELETE FROM concourse_disabled_version WHERE resource_id IN"
                + " (SELECT id FROM concourse_resource WHERE pipeline_id = ?)", pipelineId);
        Sql.update(session, "DELETE FROM concourse_resource WHERE pipeline_id = ?", pipelineId);
        for (long scope : scopes) {
            versions.release(session, scope);
        }
    }
}
