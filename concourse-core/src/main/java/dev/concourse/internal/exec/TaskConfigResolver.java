package dev.concourse.internal.exec;

import dev.concourse.config.ConfigFinding;
import dev.concourse.config.ContainerLimits;
import dev.concourse.config.LoadResult;
import dev.concourse.config.TaskConfig;
import dev.concourse.config.TaskConfigLoader;
import dev.concourse.config.TaskStep;
import dev.concourse.event.TaskSummary;
import dev.concourse.spi.runtime.Volume;
import dev.concourse.vars.StaticVariables;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The config a task step runs, as Concourse's chain of config sources builds it
 * ({@code atc/exec/task_config_source.go}): inline, or read from {@code file:} (first path
 * segment the artifact, the rest the path inside it) and interpolated with the step's
 * {@code vars}; then the step's {@code container_limits} override the config's field by field and
 * its {@code params} override the config's.
 */
final class TaskConfigResolver {
    /** Task configs are small; a larger file is a mistake, not a config. */
    static final int MAX_CONFIG_BYTES = 4 * 1024 * 1024;

    private TaskConfigResolver() {
    }

    static TaskConfig resolve(RunContext run, TaskStep step) {
        TaskConfig base;
        if (step.file() != null && !step.file().isEmpty()) {
            base = fromFile(run, step);
        } else if (step.config() != null) {
            base = step.config();
        } else {
            throw new StepFailure("task '" + step.name() + "' has neither 'file:' nor 'config:'; give it one of them");
        }
        return override(base, step);
    }

    private static TaskConfig fromFile(RunContext run, TaskStep step) {
        String file = step.file();
        String[] segments = file.split("/", 2);
        if (segments.length != 2 || segments[0].isEmpty() || segments[1].isEmpty()) {
            throw new StepFailure("config path '" + file + "' of task '" + step.name() + "' does not specify where "
                    + "the file lives; write it as ARTIFACT/PATH, such as repo/ci/task.yml");
        }
        String artifact = segments[0];
        Volume volume = run.artifacts.find(artifact).orElseThrow(() -> new StepFailure(
                "unknown artifact source: '" + artifact + "' in file path '" + file + "' of task '" + step.name()
                        + "'; a get step or a task output named '" + artifact + "' must come before this task"));
        byte[] bytes = ArtifactFiles.read(volume, segments[1], MAX_CONFIG_BYTES).orElseThrow(() -> new StepFailure(
                "task config '" + file + "' not found; check that artifact '" + artifact + "' contains '"
                        + segments[1] + "'"));
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new StepFailure("task config '" + file + "' is not UTF-8 text; save it as UTF-8", e);
        }
        // Concourse interpolates the step's vars first and credentials second, failing on any
        // var left undefined; without credential managers yet, the step's vars are all there is.
        LoadResult<TaskConfig> loaded = TaskConfigLoader.create()
                .withVariables(StaticVariables.of(step.vars()))
                .expectAllVars(true)
                .load(file, text);
        if (!loaded.isValid()) {
            String problems = loaded.errors().stream().map(ConfigFinding::toString).collect(Collectors.joining("; "));
            throw new StepFailure("task config '" + file + "' of task '" + step.name() + "' is not valid: "
                    + problems);
        }
        return loaded.orThrow();
    }

    private static TaskConfig override(TaskConfig config, TaskStep step) {
        ContainerLimits limits = config.containerLimits();
        ContainerLimits stepLimits = step.containerLimits();
        if (stepLimits != null) {
            Long cpu = stepLimits.cpu() != null ? stepLimits.cpu() : limits == null ? null : limits.cpu();
            Long memory = stepLimits.memory() != null ? stepLimits.memory() : limits == null ? null : limits.memory();
            limits = new ContainerLimits(cpu, memory);
        }
        Map<String, String> params = new LinkedHashMap<>(config.params());
        params.putAll(step.params());
        return new TaskConfig(config.platform(), config.rootfsUri(), config.imageResource(), limits, params,
                config.run(), config.inputs(), config.outputs(), config.caches());
    }

    /** What task events show of the config (Concourse's {@code ShadowTaskConfig}). */
    static TaskSummary summary(TaskConfig config) {
        TaskConfig.TaskRunConfig run = config.run();
        return new TaskSummary(
                config.platform() == null ? "" : config.platform(),
                config.rootfsUri() == null ? "" : config.rootfsUri(),
                run == null || run.path() == null ? "" : run.path(),
                run == null ? java.util.List.of() : run.args(),
                run == null || run.dir() == null ? "" : run.dir(),
                config.inputs().stream()
                        .map(i -> new TaskSummary.Input(i.name(), i.path() == null ? "" : i.path()))
                        .toList());
    }
}
