package dev.concourse.internal.engine;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which job last set each pipeline through a {@code set_pipeline} step, and in which build
 * (Concourse's {@code pipelines.parent_job_id} and {@code parent_build_id}), for automatic
 * archiving. A pipeline set through the API has no parent.
 *
 * <p>Kept in the engine's memory, not in storage (the storage SPI has no place for it yet): after
 * a restart no pipeline has a parent until a job sets it again, so pipelines that jobs set before
 * the restart are not archived automatically. Thread-safe.
 */
final class ChildPipelines {

    /**
     * The set_pipeline step that last set a pipeline.
     *
     * @param pipelineId       the parent pipeline (the job's)
     * @param jobId            the job
     * @param buildId          the build
     */
    record Parent(long pipelineId, long jobId, long buildId) {
    }

    private final Map<Long, Parent> parents = new HashMap<>();

    /** The pipeline's parent, if a job set it. */
    synchronized Optional<Parent> parentOf(long childId) {
        return Optional.ofNullable(parents.get(childId));
    }

    /**
     * Whether a build of a job newer than {@code buildId} set the pipeline last (Concourse's
     * {@code ErrSetByNewerBuild}): then an older build must not set it again.
     */
    synchronized boolean setByNewerBuild(long childId, long buildId) {
        Parent parent = parents.get(childId);
        return parent != null && parent.buildId() > buildId;
    }

    /** Records that the build set the pipeline (or found it unchanged), unless a newer build did. */
    synchronized void setBy(long childId, Parent parent) {
        Parent current = parents.get(childId);
        if (current == null || current.buildId() <= parent.buildId()) {
            parents.put(childId, parent);
        }
    }

    /** The pipeline was set through the API, archived or destroyed: it has no parent any more. */
    synchronized void forget(long childId) {
        parents.remove(childId);
    }

    /** Pipelines the job set last in builds before {@code buildId}: a successful later build did not set them. */
    synchronized List<Long> setByJobBefore(long jobId, long buildId) {
        List<Long> ids = new ArrayList<>();
        parents.forEach((child, parent) -> {
            if (parent.jobId() == jobId && parent.buildId() < buildId) {
                ids.add(child);
            }
        });
        return ids;
    }

    /** Pipelines set by jobs of the pipeline. */
    synchronized List<Long> childrenOf(long pipelineId) {
        List<Long> ids = new ArrayList<>();
        parents.forEach((child, parent) -> {
            if (parent.pipelineId() == pipelineId) {
                ids.add(child);
            }
        });
        return ids;
    }
}
