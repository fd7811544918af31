package dev.concourse.config;

import dev.concourse.internal.config.Frozen;
import java.util.List;
import java.util.Map;

/**
 * {@code task}: run a command in a container. Exactly one of {@code file} and {@code config}
 * is set in a valid pipeline.
 *
 * @param name            the step name
 * @param privileged      run the container privileged
 * @param hermetic        no network (containerd runtime only in Concourse)
 * @param file            {@code file:}: path of a task config inside an artifact, or null
 * @param containerLimits limits overriding the task config's, or null
 * @param config          an inline task config, or null
 * @param params          environment overriding the task config's params (values as strings)
 * @param vars            vars for interpolating a task {@code file}
 * @param tags            worker tags
 * @param inputMapping    task input name to artifact name
 * @param outputMapping   task output name to artifact name
 * @param image           {@code image:}: an artifact to use as the image, or null
 * @param timeout         a duration after which the step fails, or null
 */
public record TaskStep(
        String name,
        boolean privileged,
        boolean hermetic,
        String file,
        ContainerLimits containerLimits,
        TaskConfig config,
        Map<String, String> params,
        Map<String, Object> vars,
        List<String> tags,
        Map<String, String> inputMapping,
        Map<String, String> outputMapping,
        String image,
        String timeout) implements Step {

    public TaskStep {
        params = Frozen.strings(params);
        vars = Frozen.map(vars);
        tags = Frozen.list(tags);
        inputMapping = Frozen.strings(inputMapping);
        outputMapping = Frozen.strings(outputMapping);
    }

    @Override
    public String label() {
        return "task(" + name + ")";
    }
}
