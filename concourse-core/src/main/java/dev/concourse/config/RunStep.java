package dev.concourse.config;

import dev.concourse.internal.config.Frozen;
import java.util.List;
import java.util.Map;

/**
 * {@code run} (experimental in Concourse): send a message to a prototype.
 *
 * @param message         the message ({@code run:})
 * @param type            the prototype
 * @param params          params for the message
 * @param privileged      run privileged
 * @param tags            worker tags
 * @param containerLimits limits, or null
 * @param timeout         a duration after which the step fails, or null
 */
public record RunStep(
        String message,
        String type,
        Map<String, Object> params,
        boolean privileged,
        List<String> tags,
        ContainerLimits containerLimits,
        String timeout) implements Step {

    public RunStep {
        params = Frozen.map(params);
        tags = Frozen.list(tags);
    }

    @Override
    public String label() {
        return "run(" + message + ")";
    }
}
