package dev.concourse.db.internal;

import dev.concourse.Build;
import dev.concourse.Job;
import dev.concourse.Pipeline;
import dev.concourse.PipelineRef;
import dev.concourse.PipelineResourceType;
import dev.concourse.Resource;
import dev.concourse.config.ConfigJson;
import dev.concourse.config.JobConfig;
import dev.concourse.config.PipelineConfig;
import dev.concourse.config.ResourceConfig;
import dev.concourse.config.ResourceTypeConfig;
import dev.concourse.spi.storage.BuildCursor;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.hibernate.Session;

/**
 * Turns rows into the API's records. Jobs, resources and resource types take their config from
 * their pipeline's config, which is parsed once per pipeline and config text and then cached.
 */
final class Records {
    static final PipelineConfig EMPTY = new PipelineConfig(null, null, null, null, null, null, null, null);
    private static final int MAX_CACHED_CONFIGS = 1024;

    private record Parsed(String json, PipelineConfig config) {
    }

    private final Map<Long, Parsed> configs = new ConcurrentHashMap<>();

    PipelineRef ref(PipelineRow row) {
        return new PipelineRef(row.team, row.name, Json.readObjects(row.instanceVars));
    }

    PipelineConfig config(PipelineRow row) {
        if (row.config == null) {
            return EMPTY;
        }
        Parsed parsed = configs.get(row.id);
        if (parsed != null && parsed.json().equals(row.config)) {
            return parsed.config();
        }
        PipelineConfig config = ConfigJson.pipelineFromJson(row.config);
        if (configs.size() >= MAX_CACHED_CONFIGS) {
            configs.clear();
        }
        configs.put(row.id, new Parsed(row.config, config));
        return config;
    }

    /** Remembers a config as saved, so reading it back needs no parsing. */
    void remember(PipelineRow row, PipelineConfig config) {
        if (row.config != null) {
            configs.put(row.id, new Parsed(row.config, config));
        }
    }

    Pipeline pipeline(PipelineRow row) {
        return new Pipeline(row.id, ref(row), config(row), row.configVersion, row.paused, row.isPublic, row.archived,
                row.lastUpdated);
    }

    Job job(Session session, JobRow row) {
        PipelineRow pipeline = session.find(PipelineRow.class, row.pipelineId);
        JobConfig config = config(pipeline).jobs().stream()
                .filter(j -> j.name().equals(row.name))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("job " + row.name + " is active but not in the config"
                        + " of pipeline " + ref(pipeline)));
        return new Job(row.id, ref(pipeline).job(row.name), config, row.paused);
    }

    Resource resource(Session session, ResourceRow row) {
        PipelineRow pipeline = session.find(PipelineRow.class, row.pipelineId);
        ResourceConfig config = config(pipeline).resources().stream()
                .filter(r -> r.name().equals(row.name))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("resource " + row.name + " is active but not in the"
                        + " config of pipeline " + ref(pipeline)));
        Map<String, String> pin = row.pinVersion == null ? null : Json.readStrings(row.pinVersion);
        return new Resource(row.id, ref(pipeline).resource(row.name), config, row.scopeId, pin,
                row.pinVersion != null && row.pinInConfig, row.pinVersion == null ? null : row.pinComment,
                row.lastChecked, row.checkError);
    }

    PipelineResourceType resourceType(Session session, ResourceRow row) {
        PipelineRow pipeline = session.find(PipelineRow.class, row.pipelineId);
        ResourceTypeConfig config = config(pipeline).resourceTypes().stream()
                .filter(r -> r.name().equals(row.name))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("resource type " + row.name + " is active but not in"
                        + " the config of pipeline " + ref(pipeline)));
        return new PipelineResourceType(row.id, ref(pipeline), row.name, config, row.scopeId, row.lastChecked,
                row.checkError);
    }

    Build build(Session session, BuildRow row) {
        if (row.jobId == 0) {
            return new Build(row.id, row.team, null, null, row.name, row.buildStatus(), row.createTime, row.startTime,
                    row.endTime, row.manuallyTriggered, row.rerunOf);
        }
        PipelineRow pipeline = session.find(PipelineRow.class, row.pipelineId);
        JobRow job = session.find(JobRow.class, row.jobId);
        return new Build(row.id, row.team, ref(pipeline), job.name, row.name, row.buildStatus(), row.createTime,
                row.startTime, row.endTime, row.manuallyTriggered, row.rerunOf);
    }

    static BuildCursor cursor(BuildRow row) {
        return new BuildCursor(row.id, row.jobId, row.rerunOf);
    }

    /** The pipeline with this ref, archived or not. */
    static Optional<PipelineRow> findPipeline(Session session, PipelineRef ref) {
        if (!Limits.storable(ref.team(), ref.name())) {
            return Optional.empty();
        }
        return session.createSelectionQuery("from PipelineRow where team = :team and name = :name"
                + " and instanceVarsHash = :vars", PipelineRow.class)
                .setParameter("team", ref.team())
                .setParameter("name", ref.name())
                .setParameter("vars", Json.sha256(Json.write(ref.instanceVars())))
                .uniqueResultOptional();
    }
}
