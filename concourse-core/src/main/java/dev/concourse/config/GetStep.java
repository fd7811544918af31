package dev.concourse.config;

import dev.concourse.internal.config.Frozen;
import java.util.List;
import java.util.Map;

/**
 * {@code get}: fetch a version of a resource into an artifact.
 *
 * @param name     the artifact name ({@code get:})
 * @param resource the resource to fetch, or null when it is {@code name}
 * @param version  which version to fetch, or null for the default ({@code latest})
 * @param params   params for the resource's {@code in} script
 * @param passed   jobs (or globs) the version must have passed through
 * @param trigger  whether a new version starts a build of the job
 * @param tags     worker tags
 * @param timeout  a duration after which the step fails, or null
 */
public record GetStep(
        String name,
        String resource,
        VersionConfig version,
        Map<String, Object> params,
        List<String> passed,
        boolean trigger,
        List<String> tags,
        String timeout) implements Step {

    public GetStep {
        params = Frozen.map(params);
        passed = Frozen.list(passed);
        tags = Frozen.list(tags);
    }

    /** The resource fetched: {@code resource:} if given, else the step's name. */
    public String resourceName() {
        return resource == null || resource.isEmpty() ? name : resource;
    }

    @Override
    public String label() {
        return "get(" + name + ")";
    }
}
