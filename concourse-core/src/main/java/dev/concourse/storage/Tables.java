package dev.concourse.storage;

import dev.concourse.BuildStatus;
import dev.concourse.Pipeline;
import dev.concourse.PipelineRef;
import dev.concourse.PipelineResourceType;
import dev.concourse.Resource;
import dev.concourse.Team;
import dev.concourse.config.JobConfig;
import dev.concourse.config.ResourceConfig;
import dev.concourse.config.ResourceTypeConfig;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NavigableSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The rows of teams, pipelines, jobs, resources, resource types and builds, guarded by {@link Transactions}' lock and changed
 * only through its undoable operations. Rows refer to each other by id, like a database's, so
 * renaming a pipeline or a job renames what the builds report.
 */
final class Tables {
    final NavigableMap<String, Team> teams = new TreeMap<>();

    final Map<Long, Pipeline> pipelines = new HashMap<>();
    final Map<PipelineRef, Long> pipelineIds = new HashMap<>();
    /** The jobs of each pipeline's current config, in config order (immutable lists). */
    final Map<Long, List<Long>> activeJobs = new HashMap<>();
    /** Every job of each pipeline, hidden ones too, by name. */
    final Map<Long, Map<String, Long>> jobNames = new HashMap<>();
    final Map<Long, JobRow> jobs = new HashMap<>();

    /** Every resource, hidden ones too. */
    final Map<Long, ResourceRow> resources = new HashMap<>();
    /** The resources of each pipeline's current config, in config order (immutable lists). */
    final Map<Long, List<Long>> activeResources = new HashMap<>();
    /** Every resource of each pipeline, hidden ones too, by name. */
    final Map<Long, Map<String, Long>> resourceNames = new HashMap<>();
    final Map<Long, ResourceTypeRow> resourceTypes = new HashMap<>();
    final Map<Long, List<Long>> activeResourceTypes = new HashMap<>();
    final Map<Long, Map<String, Long>> resourceTypeNames = new HashMap<>();

    final NavigableMap<Long, BuildRow> builds = new TreeMap<>();
    /** Each job's build ids, oldest first. */
    final Map<Long, List<Long>> jobBuilds = new HashMap<>();
    final Map<BuildStatus, NavigableSet<Long>> buildsByStatus = new EnumMap<>(BuildStatus.class);

    // Ids are never reused, not even those of rolled-back rows.
    final AtomicLong teamSeq = new AtomicLong();
    final AtomicLong pipelineSeq = new AtomicLong();
    final AtomicLong jobSeq = new AtomicLong();
    final AtomicLong buildSeq = new AtomicLong();
    /** Resources and resource types share ids, so that a scope or a check can belong to either. */
    final AtomicLong resourceSeq = new AtomicLong();

    Tables() {
        for (BuildStatus status : BuildStatus.values()) {
            buildsByStatus.put(status, new TreeSet<>());
        }
    }

    Resource toResource(ResourceRow row) {
        return row.toResource(pipelines.get(row.pipelineId()).ref());
    }

    PipelineResourceType toResourceType(ResourceTypeRow row) {
        return row.toResourceType(pipelines.get(row.pipelineId()).ref());
    }

    /**
     * A job, whether in its pipeline's current config or hidden.
     *
     * @param lastBuildNumber the number of its last build, 0 before the first
     */
    record JobRow(long id, long pipelineId, String name, JobConfig config, boolean paused, boolean active,
            long lastBuildNumber) {
    }

    /**
     * A resource, whether in its pipeline's current config or hidden.
     *
     * @param scopeId     0 while it has none
     * @param pin         null when not pinned
     * @param lastChecked null before its first check
     * @param checkError  null unless its last check failed
     */
    record ResourceRow(long id, long pipelineId, String name, ResourceConfig config, boolean active, long scopeId,
            Pin pin, Instant lastChecked, String checkError) {

        ResourceRow withScope(long scope) {
            return new ResourceRow(id, pipelineId, name, config, active, scope, pin, lastChecked, checkError);
        }

        ResourceRow withPin(Pin newPin) {
            return new ResourceRow(id, pipelineId, name, config, active, scopeId, newPin, lastChecked, checkError);
        }

        ResourceRow withCheck(Instant checked, String error) {
            return new ResourceRow(id, pipelineId, name, config, active, scopeId, pin, checked, error);
        }

        Resource toResource(PipelineRef pipeline) {
            return new Resource(id, pipeline.resource(name), config, scopeId, pin == null ? null : pin.version(),
                    pin != null && pin.inConfig(), pin == null ? null : pin.comment(), lastChecked, checkError);
        }
    }

    /** A resource's pin: its config's {@code version:} or one pinned through the API. */
    record Pin(Map<String, String> version, boolean inConfig, String comment) {
    }

    /** A resource type, whether in its pipeline's current config or hidden. */
    record ResourceTypeRow(long id, long pipelineId, String name, ResourceTypeConfig config, boolean active,
            long scopeId, Instant lastChecked, String checkError) {

        ResourceTypeRow withScope(long scope) {
            return new ResourceTypeRow(id, pipelineId, name, config, active, scope, lastChecked, checkError);
        }

        ResourceTypeRow withCheck(Instant checked, String error) {
            return new ResourceTypeRow(id, pipelineId, name, config, active, scopeId, checked, error);
        }

        PipelineResourceType toResourceType(PipelineRef pipeline) {
            return new PipelineResourceType(id, pipeline, name, config, scopeId, lastChecked, checkError);
        }
    }

    /**
     * A build.
     *
     * @param pipelineId 0 for one-off builds
     * @param jobId      0 for one-off builds
     * @param lastRerun  the suffix of its last rerun, 0 before the first
     * @param plan       the plan it runs, null until it starts
     */
    record BuildRow(long id, String team, long pipelineId, long jobId, String name, BuildStatus status,
            Instant createTime, Instant startTime, Instant endTime, boolean manuallyTriggered, long rerunOf,
            long lastRerun, String plan) {

        BuildRow withStatus(BuildStatus newStatus, Instant newStartTime, Instant newEndTime, String newPlan) {
            return new BuildRow(id, team, pipelineId, jobId, name, newStatus, createTime, newStartTime, newEndTime,
                    manuallyTriggered, rerunOf, lastRerun, newPlan);
        }

        BuildRow withLastRerun(long rerun) {
            return new BuildRow(id, team, pipelineId, jobId, name, status, createTime, startTime, endTime,
                    manuallyTriggered, rerunOf, rerun, plan);
        }
    }
}
