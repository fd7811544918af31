package dev.concourse.config;

import dev.concourse.internal.config.read.ConfigReading;
import dev.concourse.vars.Variables;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Reads task config files (the {@code file:} of a task step, or {@code fly execute -c}):
 * YAML or JSON, {@code ((var))} interpolation, binding and validation. Immutable and thread-safe.
 */
public final class TaskConfigLoader {
    private final ConfigReading.Options options;

    private TaskConfigLoader(ConfigReading.Options options) {
        this.options = options;
    }

    public static TaskConfigLoader create() {
        return new TaskConfigLoader(ConfigReading.Options.DEFAULT);
    }

    /** Vars to interpolate (a task step's {@code vars:}, or fly's {@code -v}/{@code -l}). */
    public TaskConfigLoader withVariables(Variables variables) {
        return new TaskConfigLoader(options.withVariables(Objects.requireNonNull(variables, "variables")));
    }

    /** Report vars the task uses that were not given as errors. */
    public TaskConfigLoader expectAllVars(boolean expect) {
        return new TaskConfigLoader(options.withExpectAllVars(expect));
    }

    public LoadResult<TaskConfig> load(Path file) {
        ConfigReading.Read<TaskConfig> read = ConfigReading.task(file, options);
        return new LoadResult<>(read.source(), read.config(), read.findings());
    }

    public LoadResult<TaskConfig> load(String sourceName, String yaml) {
        ConfigReading.Read<TaskConfig> read = ConfigReading.task(sourceName, yaml, false, options);
        return new LoadResult<>(read.source(), read.config(), read.findings());
    }
}
