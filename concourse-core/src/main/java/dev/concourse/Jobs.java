package dev.concourse;

import java.util.List;
import java.util.Optional;

/** The jobs of the engine's pipelines. Thread-safe. */
public interface Jobs {

    /**
     * Creates a build of the job, as {@code fly trigger-job} does.
     *
     * @throws NotFoundException if the job does not exist
     * @throws ConcourseException if the job has {@code disable_manual_trigger} or its pipeline is archived
     */
    Build trigger(JobRef job);

    Optional<Job> get(JobRef job);

    /** The pipeline's jobs in config order. */
    List<Job> list(PipelineRef pipeline);

    Job pause(JobRef job);

    Job unpause(JobRef job);

    /** The job's builds, newest first, at most {@code limit}. */
    List<Build> builds(JobRef job, int limit);
}
