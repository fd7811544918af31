package dev.concourse.config;

import dev.concourse.internal.config.Frozen;
import java.util.List;
import java.util.Optional;

/**
 * A whole pipeline, as written in its YAML file. Immutable; lists are never null.
 *
 * @param groups        {@code groups}: tabs of jobs in the UI
 * @param varSources    {@code var_sources}: credential managers local to this pipeline
 * @param resources     {@code resources}
 * @param resourceTypes {@code resource_types}
 * @param prototypes    {@code prototypes} (experimental in Concourse)
 * @param jobs          {@code jobs}
 * @param display       {@code display}, or null
 * @param userData      {@code user_data}: stored and returned untouched, or null
 */
public record PipelineConfig(
        List<GroupConfig> groups,
        List<VarSourceConfig> varSources,
        List<ResourceConfig> resources,
        List<ResourceTypeConfig> resourceTypes,
        List<PrototypeConfig> prototypes,
        List<JobConfig> jobs,
        DisplayConfig display,
        Object userData) {

    public PipelineConfig {
        groups = Frozen.list(groups);
        varSources = Frozen.list(varSources);
        resources = Frozen.list(resources);
        resourceTypes = Frozen.list(resourceTypes);
        prototypes = Frozen.list(prototypes);
        jobs = Frozen.list(jobs);
        userData = Frozen.value(userData);
    }

    /** The job with this name, if any. */
    public Optional<JobConfig> job(String name) {
        return jobs.stream().filter(j -> j.name().equals(name)).findFirst();
    }

    /** The resource with this name, if any. */
    public Optional<ResourceConfig> resource(String name) {
        return resources.stream().filter(r -> r.name().equals(name)).findFirst();
    }

    /** The resource type with this name, if any. */
    public Optional<ResourceTypeConfig> resourceType(String name) {
        return resourceTypes.stream().filter(r -> r.name().equals(name)).findFirst();
    }
}
