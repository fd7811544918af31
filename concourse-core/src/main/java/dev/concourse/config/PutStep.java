package dev.concourse.config;

import dev.concourse.internal.config.Frozen;
import java.util.List;
import java.util.Map;

/**
 * {@code put}: push to a resource, creating a new version, then (unless {@code no_get}) fetch it.
 *
 * @param name      the step name ({@code put:}), also the artifact of the implicit get
 * @param resource  the resource, or null when it is {@code name}
 * @param params    params for the resource's {@code out} script
 * @param inputs    which artifacts the put sees, or null for the default ({@code detect})
 * @param tags      worker tags
 * @param getParams params for the implicit get
 * @param timeout   a duration after which the step fails, or null
 * @param noGet     {@code no_get}: skip the implicit get
 */
public record PutStep(
        String name,
        String resource,
        Map<String, Object> params,
        InputsConfig inputs,
        List<String> tags,
        Map<String, Object> getParams,
        String timeout,
        boolean noGet) implements Step {

    public PutStep {
        params = Frozen.map(params);
        tags = Frozen.list(tags);
        getParams = Frozen.map(getParams);
    }

    /** The resource pushed to: {@code resource:} if given, else the step's name. */
    public String resourceName() {
        return resource == null || resource.isEmpty() ? name : resource;
    }

    @Override
    public String label() {
        return "put(" + name + ")";
    }
}
