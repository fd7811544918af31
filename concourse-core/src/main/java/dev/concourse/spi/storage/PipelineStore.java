package dev.concourse.spi.storage;

import dev.concourse.Job;
import dev.concourse.JobRef;
import dev.concourse.Pipeline;
import dev.concourse.PipelineRef;
import dev.concourse.PipelineResourceType;
import dev.concourse.Resource;
import dev.concourse.ResourceRef;
import dev.concourse.config.PipelineConfig;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Pipelines and their jobs, resources and resource types. */
public interface PipelineStore {

    /**
     * Creates the pipeline or replaces its config, and brings its jobs in line: a job of the
     * config that exists (by name, or by {@code old_name}) keeps its id, builds and paused flag;
     * new jobs are created; jobs no longer in the config are no longer listed by {@link #jobs}
     * but keep their builds (setting them again brings them back).
     *
     * <p>Resources are brought in line the same way (by name, or by {@code old_name}): an existing
     * resource keeps its id, scope, disabled versions, API pin and check status, unless its type or
     * source changed: then it loses its scope (the engine assigns a new one when it checks).
     * A config {@code version:} becomes the resource's pin, replacing an API pin; a resource whose
     * config no longer has one loses its config pin. Resource types are brought in line by name,
     * keeping id, check status and, unless their type or source changed, scope. Resources and
     * types no longer in the config are hidden but kept, with their versions.
     * A new pipeline starts unpaused
     * unless {@code pausedIfNew}, private, at config version 1; each later save adds 1 to the
     * version and keeps the paused and public flags. Setting an archived pipeline unarchives it
     * (it stays paused). {@code lastUpdated} becomes {@code now}.
     *
     * @param expectedVersion the {@link Pipeline#configVersion()} the caller read, 0 if it read no
     *                        pipeline (create only), or -1 for any
     * @throws ConcurrentUpdateException if {@code expectedVersion} no longer matches
     * @throws IllegalArgumentException  if the team does not exist, or two jobs, two resources or
     *                                   two resource types share a name
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
     * Pauses it, drops its config (jobs, resources and resource types hidden), keeps its builds. The config becomes
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
     * Removes the pipeline (this instance only) with its jobs, builds and their events, inputs and
     * outputs, its resources and resource types (scopes no longer used are dropped).
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

    /** The resources of the pipeline's current config, in config order. */
    List<Resource> resources(long pipelineId);

    /** A resource of the pipeline's current config; empty for hidden ones. */
    Optional<Resource> resource(ResourceRef ref);

    /** A resource of its pipeline's current config; empty for hidden ones. */
    Optional<Resource> resource(long resourceId);

    /** The resource types of the pipeline's current config, in config order. */
    List<PipelineResourceType> resourceTypes(long pipelineId);

    /** A resource type of its pipeline's current config; empty for hidden ones. */
    Optional<PipelineResourceType> resourceType(long resourceTypeId);
}
