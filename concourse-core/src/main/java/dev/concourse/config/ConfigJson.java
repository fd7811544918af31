package dev.concourse.config;

import dev.concourse.internal.config.ModelWriter;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * JSON form of pipeline and task configs, with Concourse's keys (the shape Concourse's API
 * returns), so that YAML, model and JSON convert into each other without loss:
 * {@code pipelineFromJson(toJson(config)).equals(config)}.
 */
public final class ConfigJson {
    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private ConfigJson() {
    }

    public static String toJson(PipelineConfig config) {
        return write(ModelWriter.pipeline(config));
    }

    public static String toJson(TaskConfig config) {
        return write(ModelWriter.task(config));
    }

    /** One step as Concourse writes it in a job plan. */
    public static String toJson(Step step) {
        return write(ModelWriter.step(step));
    }

    /**
     * Reads a pipeline from JSON and validates it.
     *
     * @throws ConfigException when the JSON is malformed or the pipeline is invalid
     */
    public static PipelineConfig pipelineFromJson(String json) {
        return PipelineLoader.create().loadJson("pipeline.json", json).orThrow();
    }

    private static String write(Object tree) {
        try {
            return MAPPER.writeValueAsString(tree);
        } catch (JacksonException e) {
            throw new ConfigException("cannot write config as JSON: " + e.getOriginalMessage(), java.util.List.of());
        }
    }
}
