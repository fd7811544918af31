package dev.concourse.spi.storage;

import dev.concourse.Build;
import dev.concourse.BuildStatus;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Builds, and what a job build used and produced: its inputs, outputs and pipes, which the
 * scheduler reads back through {@link VersionHistory}, and the inputs the scheduler resolved for
 * each job's next build.
 */
public interface BuildStore {

    /**
     * Creates a pending build of a job, named with the job's next build number ({@code 1},
     * {@code 2}, ...), or for a rerun the original's name with the next rerun suffix
     * ({@code 4.1}, {@code 4.2}). Rerunning a rerun reruns its original, as Concourse does: the
     * new build's {@link Build#rerunOf()} is the original's id. Reruns do not use up build numbers.
     *
     * @param rerunOf the id of the build rerun, or 0
     * @throws IllegalArgumentException if the job does not exist or is hidden (see
     *                                  {@link PipelineStore#job(long)}), or the rerun build is not a
     *                                  build of this job
     */
    Build createJobBuild(long jobId, boolean manuallyTriggered, long rerunOf, Instant now);

    /**
     * Creates a pending one-off build (no pipeline, no job) of a team; its name is its id.
     *
     * @throws IllegalArgumentException if the team does not exist
     */
    Build createOneOffBuild(String team, Instant now);

    Optional<Build> find(long id);

    /** The job's builds (a hidden job's too), newest (last created) first, at most {@code limit}. */
    List<Build> listForJob(long jobId, int limit);

    /** All builds with one of these statuses, oldest (first created) first. */
    List<Build> listByStatus(Set<BuildStatus> statuses);

    /** Every build, newest first, at most {@code limit}. */
    List<Build> list(int limit);

    /**
     * Pending to started, storing the plan it runs.
     *
     * @return the started build, or empty if it was not pending (aborted meanwhile, say) or does
     *         not exist
     */
    Optional<Build> start(long id, String planJson, Instant now);

    /**
     * Sets a final status and the end time, unless it already has one. A pending build may finish
     * without starting (aborted before it started, say). A job build that succeeds gets its
     * successful outputs recorded at once: the union of its outputs and inputs (see
     * {@link VersionHistory#successfulOutputs}); later changes to its inputs or outputs are
     * rejected.
     *
     * @return the finished build, or empty if it had already finished or does not exist
     * @throws IllegalArgumentException if {@code status} is not a final status
     */
    Optional<Build> finish(long id, BuildStatus status, Instant now);

    /** The plan stored by {@link #start}; empty before it started. */
    Optional<String> plan(long id);

    /**
     * Records the versions a job build runs with and the upstream builds that passed them on
     * ({@code passed:}, the build's pipes), replacing what was recorded for it before (as
     * Concourse does when a pending build adopts its job's next inputs).
     *
     * @param inputs    at most one per input name
     * @param pipedFrom ids of builds of the same pipeline
     * @throws IllegalArgumentException if the build does not exist, is a one-off build or has
     *                                  finished; an input names a resource that is not of the
     *                                  build's pipeline or an unknown version; two inputs share a
     *                                  name; or a piped-from build is not a job build of the
     *                                  pipeline
     */
    void saveInputs(long buildId, List<BuildInput> inputs, Collection<Long> pipedFrom);

    /**
     * Records versions a job build produced, adding to those recorded before; an output recorded
     * before (same name, resource and version) is not added twice.
     *
     * @throws IllegalArgumentException if the build does not exist, is a one-off build or has
     *                                  finished, or an output names a resource that is not of the
     *                                  build's pipeline or an unknown version
     */
    void saveOutputs(long buildId, List<BuildOutput> outputs);

    /** The build's inputs in the order saved; empty if none or no such build. */
    List<BuildInput> inputs(long buildId);

    /** The build's outputs in the order saved; empty if none or no such build. */
    List<BuildOutput> outputs(long buildId);

    /**
     * Replaces what the scheduler resolved for the job's next build.
     *
     * @throws IllegalArgumentException if the job does not exist (hidden jobs exist)
     */
    void saveNextInputs(long jobId, NextBuildInputs next);

    /** What the scheduler last resolved for the job's next build; {@link NextBuildInputs#NONE} if nothing. */
    NextBuildInputs nextInputs(long jobId);
}
