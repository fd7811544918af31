package dev.concourse.samples.runner;

import dev.concourse.config.ConfigJson;
import dev.concourse.config.PipelineConfig;
import org.snakeyaml.engine.v2.api.Dump;
import org.snakeyaml.engine.v2.api.DumpSettings;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.common.FlowStyle;

/**
 * A pipeline as YAML with Concourse's keys, for {@code validate -o}. Goes through the public JSON
 * form ({@link ConfigJson}); JSON is YAML, so SnakeYAML Engine reads it back as plain maps and
 * lists and writes them in block style.
 */
final class PipelineYaml {
    private PipelineYaml() {
    }

    static String write(PipelineConfig config) {
        Object tree = new Load(LoadSettings.builder().setCodePointLimit(Integer.MAX_VALUE).build())
                .loadFromString(ConfigJson.toJson(config));
        DumpSettings settings = DumpSettings.builder()
                .setDefaultFlowStyle(FlowStyle.BLOCK)
                .setIndent(2)
                .setSplitLines(false)
                .build();
        return new Dump(settings).dumpToString(tree);
    }
}
