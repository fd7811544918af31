package dev.concourse.storage;

import dev.concourse.BuildStatus;
import dev.concourse.Pipeline;
import dev.concourse.PipelineRef;
import dev.concourse.Team;
import dev.concourse.config.JobConfig;
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
 * The rows of teams, pipelines, jobs and builds, guarded by {@link Transactions}' lock and changed
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

    final NavigableMap<Long, BuildRow> builds = new TreeMap<>();
    /** Each job's build ids, oldest first. */
    final Map<Long, List<Long>> jobBuilds = new HashMap<>();
    final Map<BuildStatus, NavigableSet<Long>> buildsByStatus = new EnumMap<>(BuildStatus.class);

    // Ids are never reused, not even those of rolled-back rows.
    final AtomicLong teamSeq = new AtomicLong();
    final AtomicLong pipelineSeq = new AtomicLong();
    final AtomicLong jobSeq = new AtomicLong();
    final AtomicLong buildSeq = new AtomicLong();

    Tables() {
        for (BuildStatus status : BuildStatus.values()) {
            buildsByStatus.put(status, new TreeSet<>());
        }
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
