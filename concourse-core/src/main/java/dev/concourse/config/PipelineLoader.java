package dev.concourse.config;

import dev.concourse.internal.config.read.ConfigReading;
import dev.concourse.vars.Variables;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * Reads pipeline configs: YAML 1.2 (or JSON) text, {@code ((var))} interpolation with static
 * vars, binding to {@link PipelineConfig}, and validation with Concourse's rules. Immutable and
 * thread-safe; each {@code with*} returns a new loader.
 *
 * <pre>{@code
 * LoadResult<PipelineConfig> result = PipelineLoader.create()
 *         .withVariables(StaticVariables.fromYamlFile(Path.of("vars.yml")))
 *         .load(Path.of("pipeline.yml"));
 * result.findings().forEach(System.err::println);
 * PipelineConfig pipeline = result.orThrow();
 * }</pre>
 *
 * <p>Vars not given here stay as {@code ((name))} text, to be resolved from credential managers
 * when a build runs, as {@code fly set-pipeline} leaves them.
 */
public final class PipelineLoader {
    private final ConfigReading.Options options;

    private PipelineLoader(ConfigReading.Options options) {
        this.options = options;
    }

    /** A loader with no vars. */
    public static PipelineLoader create() {
        return new PipelineLoader(ConfigReading.Options.DEFAULT);
    }

    /** Static vars to interpolate (fly's {@code -v}, {@code -y}, {@code -l}). */
    public PipelineLoader withVariables(Variables variables) {
        return new PipelineLoader(options.withVariables(Objects.requireNonNull(variables, "variables")));
    }

    /**
     * Instance vars (fly's {@code -i}): they identify an instance of the pipeline and are also
     * vars for interpolation, taking precedence over {@link #withVariables}.
     */
    public PipelineLoader withInstanceVars(Map<String, ?> instanceVars) {
        return new PipelineLoader(options.withInstanceVars(instanceVars));
    }

    /** Report vars that the pipeline uses but were not given as errors (default: leave them for run time). */
    public PipelineLoader expectAllVars(boolean expect) {
        return new PipelineLoader(options.withExpectAllVars(expect));
    }

    /** Report given vars that the pipeline never uses as warnings (default: on). */
    public PipelineLoader reportUnusedVars(boolean report) {
        return new PipelineLoader(options.withReportUnusedVars(report));
    }

    /** Loads a file; {@code .json} files are read as JSON, anything else as YAML. */
    public LoadResult<PipelineConfig> load(Path file) {
        ConfigReading.Read<PipelineConfig> read = ConfigReading.pipeline(file, options);
        return new LoadResult<>(read.source(), read.config(), read.findings());
    }

    /** Loads YAML text; {@code sourceName} labels findings (a file name, say). */
    public LoadResult<PipelineConfig> load(String sourceName, String yaml) {
        ConfigReading.Read<PipelineConfig> read = ConfigReading.pipeline(sourceName, yaml, false, options);
        return new LoadResult<>(read.source(), read.config(), read.findings());
    }

    /** Loads JSON text, such as {@link ConfigJson#toJson(PipelineConfig)} wrote or Concourse's API returns. */
    public LoadResult<PipelineConfig> loadJson(String sourceName, String json) {
        ConfigReading.Read<PipelineConfig> read = ConfigReading.pipeline(sourceName, json, true, options);
        return new LoadResult<>(read.source(), read.config(), read.findings());
    }

    /** Validates a model built in code (findings carry no line numbers). */
    public LoadResult<PipelineConfig> validate(String sourceName, PipelineConfig config) {
        ConfigReading.Read<PipelineConfig> read = ConfigReading.validate(sourceName, config);
        return new LoadResult<>(read.source(), read.config(), read.findings());
    }
}
