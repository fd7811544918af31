package dev.concourse.internal.config.bind;

import dev.concourse.config.ConfigFinding;
import dev.concourse.config.PipelineConfig;
import dev.concourse.config.TaskConfig;
import dev.concourse.internal.config.SourceIndex;
import dev.concourse.internal.config.yaml.YamlNode;
import dev.concourse.internal.config.yaml.YamlScalar;
import java.util.List;

/** Entry point of binding: a {@link YamlNode} tree to the config model, with findings and a source index. */
public final class ConfigBinder {

    /**
     * What binding produced.
     *
     * @param value    the model, or null when the document could not be bound at all
     * @param findings problems found while binding
     * @param index    where each part of the model was written
     * @param <T>      the model type
     */
    public record Bound<T>(T value, List<ConfigFinding> findings, SourceIndex index) {
    }

    private ConfigBinder() {
    }

    public static Bound<PipelineConfig> pipeline(String file, YamlNode root) {
        BindContext ctx = new BindContext(new SourceIndex(file));
        PipelineConfig config = new PipelineBinder(ctx).pipeline(root);
        return new Bound<>(config, List.copyOf(ctx.findings), ctx.index);
    }

    public static Bound<TaskConfig> task(String file, YamlNode root) {
        BindContext ctx = new BindContext(new SourceIndex(file));
        TaskConfig config = null;
        if (root instanceof YamlScalar s && s.isNull()) {
            ctx.error("invalid_type", "", root.location(), "the task config is empty; it needs at least platform and run");
        } else {
            config = new TaskConfigBinder(ctx).config(root, "");
        }
        return new Bound<>(config, List.copyOf(ctx.findings), ctx.index);
    }
}
