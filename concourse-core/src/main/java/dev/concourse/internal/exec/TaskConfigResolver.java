package dev.concourse.internal.exec;

import dev.concourse.config.ConfigFinding;
import dev.concourse.config.ContainerLimits;
import dev.concourse.config.LoadResult;
import dev.concourse.config.TaskConfig;
import dev.concourse.config.TaskConfigLoader;
import dev.concourse.config.TaskStep;
import dev.concourse.event.TaskSummary;
import dev.concourse.internal.config.ModelWriter;
import dev.concourse.internal.config.read.ConfigReading;
import dev.concourse.spi.runtime.Volume;
import dev.concourse.vars.StaticVariables;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;
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
 * {@code vars} (vars it does not give stay); then the step's {@code container_limits} override the
 * config's field by field and its {@code params} override the config's; then the whole config is
 * interpolated with the build's vars (local vars, credentials, var sources), every var required,
 * and validated again.
 */
final class TaskConfigResolver {
    /** Task configs are small; a larger file is a mistake, not a config. */
    static final int MAX_CONFIG_BYTES = 4 * 1024 * 1024;
    private static final JsonMapper JSON = JsonMapper.builder().build();

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
        return interpolate(run, step, override(base, step));
    }

    /**
     * Concourse's last {@code InterpolateTemplateConfigSource}: the config as plain data,
     * interpolated, bound and validated again. A config without {@code ((} is used as it is.
     */
    private static TaskConfig interpolate(RunContext run, TaskStep step, TaskConfig config) {
        Object tree = ModelWriter.task(config);
        String before = json(tree, step);
        if (!before.contains("((")) {
            return config;
        }
        String what = "task config of task '" + step.name() + "'";
        String json = json(numbersAsWritten(StepVars.tree(run, tree, what)), step);
        ConfigReading.Read<TaskConfig> read = ConfigReading.task(what, json, true, ConfigReading.Options.DEFAULT);
        String errors = read.findings().stream().filter(ConfigFinding::isError).map(ConfigFinding::toString)
                .collect(Collectors.joining("; "));
        if (read.config() == null || !errors.isEmpty()) {
            throw new StepFailure(what + " is not valid once its vars are interpolated: " + errors);
        }
        return read.config();
    }

    /**
     * Params whose vars held numbers keep the number's text ({@code 0.50} stays {@code 0.50}), as
     * Concourse's {@code CoercedString} reads a {@code json.Number}; binding would go through a
     * double.
     */
    private static Object numbersAsWritten(Object config) {
        if (!(config instanceof Map<?, ?> map) || !(map.get("params") instanceof Map<?, ?> params)) {
            return config;
        }
        Map<Object, Object> coerced = new LinkedHashMap<>();
        params.forEach((k, v) -> coerced.put(k, v instanceof Number n ? n.toString() : v));
        Map<Object, Object> out = new LinkedHashMap<>(map);
        out.put("params", coerced);
        return out;
    }

    private static String json(Object tree, TaskStep step) {
        try {
            return JSON.writeValueAsString(tree);
        } catch (JacksonException e) {
            throw new StepFailure("cannot write the config of task '" + step.name() + "' as JSON: "
                    + e.getOriginalMessage(), e);
        }
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
        // Concourse interpolates the step's vars first, leaving the others for the build's vars,
        // which may fill a var the step's vars refer to (vars: {token: ((github-token))}).
        LoadResult<TaskConfig> loaded = TaskConfigLoader.create()
                .withVariables(StaticVariables.of(step.vars()))
                .expectAllVars(false)
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
