package dev.concourse;

import java.time.Instant;
import java.util.Optional;

/**
 * A build: one run of a job's plan, or a one-off build of a task (like {@code fly execute}).
 *
 * @param id                the store's id, unique in the engine
 * @param team              the team's name
 * @param pipeline          the pipeline, or null for a one-off build
 * @param job               the job's name, or null for a one-off build
 * @param name              {@code 1}, {@code 2}, ... per job ({@code 4.1} for a rerun); the id for one-off builds
 * @param status            where it is
 * @param createTime        when it was created
 * @param startTime         when it started, or null
 * @param endTime           when it finished, or null
 * @param manuallyTriggered whether someone triggered it
 * @param rerunOf           the id of the build it reruns, or 0
 */
public record Build(long id, String team, PipelineRef pipeline, String job, String name, BuildStatus status,
        Instant createTime, Instant startTime, Instant endTime, boolean manuallyTriggered, long rerunOf) {

    /** The job, for job builds. */
    public Optional<JobRef> jobRef() {
        return pipeline == null || job == null ? Optional.empty() : Optional.of(pipeline.job(job));
    }

    /** Whether it has no job. */
    public boolean isOneOff() {
        return job == null;
    }

    /** {@code team/pipeline/job #name} or {@code one-off #id}, for messages. */
    public String describe() {
        return isOneOff() ? "one-off build #" + id : pipeline + "/" + job + " #" + name;
    }
}
