package dev.concourse;

import dev.concourse.config.ResourceTypeConfig;
import java.time.Instant;
import java.util.Objects;

/**
 * A custom resource type of a pipeline ({@code resource_types}) as the engine holds it. Its image
 * has versions like a resource's, kept in a scope the engine assigns.
 *
 * @param id          the store's id; resources and resource types share one sequence
 * @param pipeline    the pipeline
 * @param name        the type's name
 * @param config      the type's config
 * @param scopeId     the version history of its image, or 0 while it has none (before its first
 *                    check, and again after its type or source changed)
 * @param lastChecked when its last check finished, or null before the first
 * @param checkError  why its last check failed, or null when it succeeded or never ran
 */
public record PipelineResourceType(long id, PipelineRef pipeline, String name, ResourceTypeConfig config, long scopeId,
        Instant lastChecked, String checkError) {

    public PipelineResourceType {
        Objects.requireNonNull(pipeline, "pipeline");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(config, "config");
    }
}
