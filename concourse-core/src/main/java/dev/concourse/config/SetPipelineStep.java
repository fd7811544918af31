package dev.concourse.config;

import dev.concourse.internal.config.Frozen;
import java.util.List;
import java.util.Map;

/**
 * {@code set_pipeline}: configure a pipeline from a file in an artifact.
 *
 * @param name         the pipeline's name, or {@code self} for the pipeline running the step
 * @param file         the pipeline file inside an artifact
 * @param team         the team to set it in, or null for the build's team
 * @param vars         static vars
 * @param varFiles     files of static vars
 * @param instanceVars instance vars (they also act as vars)
 */
public record SetPipelineStep(
        String name,
        String file,
        String team,
        Map<String, Object> vars,
        List<String> varFiles,
        Map<String, Object> instanceVars) implements Step {

    public SetPipelineStep {
        vars = Frozen.map(vars);
        varFiles = Frozen.list(varFiles);
        instanceVars = Frozen.map(instanceVars);
    }

    @Override
    public String label() {
        return "set_pipeline(" + name + ")";
    }
}
