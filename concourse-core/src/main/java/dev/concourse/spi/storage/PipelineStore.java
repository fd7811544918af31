package dev.concourse.spi.storage;

import dev.concourse.Job;
import dev.concourse.JobRef;
import dev.concourse.Pipeline;
import dev.concourse.PipelineRef;
import dev.concourse.config.PipelineConfig;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Pipelines and their jobs. */
public interface PipelineStore {

    /**
     * Creates the pipeline or replaces its config, and brings its jobs in line: a job of the
     * config that exists (by name, or by {@code old_name}) keeps its id, builds and paused flag;
     * new jobs are created; jobs no longer in the config are no longer listed by {@link #jobs}
     * but keep their builds (setting them again brings them back). A new pipeline starts unpaused
     * unless {@code pausedIfNew}, private, at config version 1; each later save adds 1 to the
     * version and keeps the paused and public flags. Setting an archived pipeline unarchives it
     * (it stays paused). {@code lastUpdated} becomes {@code now}.
     *
     * @param expectedVersion the {@link Pipeline#configVersion()} the caller read, 0 if it read no
     *                        pipeline (create only), or -1 for any
     * @throws ConcurrentUpdateException if {@code expectedVersion} no longer matches
     * @throws IllegalArgumentException  if the team does not exist or two jobs share a name
     */
    Pipeline save(PipelineRef ref, PipelineConfig config, long expectedVersion, boolean pausedIfNew, Instant now);

    Optional<Pipeline> find(PipelineRef ref);

    Optional<Pipeline> find(long id);

    /**
     * The team's pipelines, archived ones too, by name ({@link String#compareTo} order), then the
     * instances of one name in the order they were created.
     */
    List<Pipeline> list(String team);

    /** @return the updated pipeline, empty if there is none */
    Optional<Pipeline> setPaused(PipelineRef ref, boolean paused);

    /** @return the updated pipeline, empty if there is none */
    Optional<Pipeline> setPublic(PipelineRef ref, boolean isPublic);

    /**
     * Pauses it, drops its config (jobs no longer listed), keeps its builds. The config becomes
     * empty and the config version goes up by 1; {@code lastUpdated} stays.
     *
     * @return the archived pipeline, empty if there is none
     */
    Optional<Pipeline> archive(PipelineRef ref);

    /**
     * Renames a pipeline (all instances of it when it is instanced). Ids, jobs and builds stay.
     *
     * @return false if there is no pipeline {@code ref}
     * @throws ConcurrentUpdateException if a pipeline of the new name exists
     */
    boolean rename(PipelineRef ref, String newName);

    /**
     * Removes the pipeline (this instance only) with its jobs, builds and their events.
     *
     * @return false if there is no pipeline {@code ref}
     */
    boolean delete(PipelineRef ref);

    /** The jobs of the pipeline's current config, in config order. */
    List<Job> jobs(long pipelineId);

    /** A job of the pipeline's current config; empty for hidden jobs (no longer in the config). */
    Optional<Job> job(JobRef ref);

    /** A job of its pipeline's current config; empty for hidden jobs (no longer in the config). */
    Optional<Job> job(long jobId);

    /** @return the updated job, empty if there is none */
    Optional<Job> setJobPaused(JobRef ref, boolean paused);
}
