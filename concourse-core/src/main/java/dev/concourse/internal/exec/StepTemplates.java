package dev.concourse.internal.exec;

import dev.concourse.config.ConfigFinding;
import dev.concourse.config.JobConfig;
import dev.concourse.config.PipelineConfig;
import dev.concourse.config.Step;
import dev.concourse.internal.config.ModelWriter;
import dev.concourse.internal.config.bind.ConfigBinder;
import dev.concourse.internal.config.yaml.JsonComposer;
import dev.concourse.internal.config.yaml.YamlComposer;
import dev.concourse.vars.VarInterpolator;
import dev.concourse.vars.VarRef;
import dev.concourse.vars.Variables;
import dev.concourse.vars.VarsException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * The step an {@code across} substep runs: the wrapped step's config with the combination's
 * values written in for {@code ((.:var))}, as Concourse's {@code ConstructAcrossSubsteps}
 * interpolates the substep template (only local vars of the combination; every other reference
 * stays as written, for the step to resolve when it runs). The config goes to plain data, is
 * interpolated, and is bound again without validation (the pipeline was validated when it was set).
 */
final class StepTemplates {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String SOURCE = "across substep";

    private StepTemplates() {
    }

    static Step withValues(Step step, Map<String, Object> values) {
        Map<String, Object> tree = ModelWriter.step(step);
        if (!json(tree).contains("((")) {
            return step;
        }
        Variables locals = new Variables() {
            @Override
            public Optional<Object> get(VarRef ref) {
                if (!".".equals(ref.source()) || !values.containsKey(ref.path())) {
                    return Optional.empty();
                }
                Object value = values.get(ref.path());
                return Optional.of(value == null ? NULL : value);
            }
        };
        Object interpolated;
        try {
            interpolated = VarInterpolator.create(locals).interpolateTree(tree);
        } catch (VarsException e) {
            throw new StepFailure("failed to interpolate the across substep: " + e.getMessage(), e);
        }
        String pipeline = json(Map.of("jobs", List.of(Map.of("name", "across", "plan", List.of(interpolated)))));
        YamlComposer.Result composed = JsonComposer.compose(SOURCE, pipeline);
        if (composed.failed()) {
            throw invalid(composed.findings());
        }
        ConfigBinder.Bound<PipelineConfig> bound = ConfigBinder.pipeline(SOURCE, composed.root());
        if (bound.value() == null || bound.findings().stream().anyMatch(ConfigFinding::isError)) {
            throw invalid(bound.findings());
        }
        JobConfig job = bound.value().jobs().getFirst();
        return job.plan().getFirst();
    }

    private static StepFailure invalid(List<ConfigFinding> findings) {
        return new StepFailure("the across substep is not a valid step once the values are written in: "
                + findings.stream().filter(ConfigFinding::isError).map(ConfigFinding::describe)
                        .collect(Collectors.joining("; ")));
    }

    private static String json(Object tree) {
        try {
            return JSON.writeValueAsString(tree);
        } catch (JacksonException e) {
            throw new StepFailure("cannot write the across substep as JSON: " + e.getOriginalMessage(), e);
        }
    }
}
