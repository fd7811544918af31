package dev.concourse;

import dev.concourse.config.JobConfig;

/**
 * A job as the engine holds it.
 *
 * @param id     the store's id
 * @param ref    pipeline and name
 * @param config the job's config
 * @param paused paused jobs start no builds
 */
public record Job(long id, JobRef ref, JobConfig config, boolean paused) {
}
