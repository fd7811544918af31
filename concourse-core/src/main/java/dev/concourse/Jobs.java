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

    /**
     * Why the job's next build is not running ("why is my build pending?"): paused pipeline or
     * job, max in flight and the builds that reach it, and each input's status with the resolver's
     * reason when it has no version. For a job without a pending build, {@link JobPreparation#reasons()}
     * says why none is created. The inputs are resolved afresh for the answer; nothing changes.
     *
     * @throws NotFoundException if the job does not exist
     */
    JobPreparation preparation(JobRef job);

    /**
     * Reruns a build of the job as {@code N.1}, {@code N.2}, ... with the original's inputs (a
     * rerun of a rerun reruns its original), as {@code fly rerun-build} does. The rerun is pending
     * and starts as the job's pending builds do (pausing, max in flight), ordered at its original's
     * position.
     *
     * @param buildName the name of the build to rerun ({@code 4}, or {@code 4.1})
     * @throws NotFoundException  if the job or the build does not exist
     * @throws ConcourseException if the job has {@code disable_reruns}, the pipeline is archived, or the
     *                            build never started (it has no inputs to rerun with)
     */
    Build rerun(JobRef job, String buildName);

    /** The job's builds, newest first, at most {@code limit}. */
    List<Build> builds(JobRef job, int limit);
}
