package dev.concourse.internal.exec;

import dev.concourse.config.JobConfig;
import dev.concourse.config.PipelineConfig;
import dev.concourse.config.PipelineLoader;

/** Jobs written as pipeline YAML, for tests. */
final class Jobs {

    private Jobs() {
    }

    /**
     * The first job of a pipeline, also when validation finds problems (tests plan steps such as
     * gets of resources they do not declare).
     */
    static JobConfig job(String pipelineYaml) {
        PipelineConfig config = PipelineLoader.create().load("pipeline.yml", pipelineYaml).config()
                .orElseThrow(() -> new AssertionError("not a pipeline:\n" + pipelineYaml));
        return config.jobs().get(0);
    }

    /** The job named {@code j} with this plan (YAML list items indented by two spaces). */
    static JobConfig plan(String planYaml) {
        return job("jobs:\n- name: j\n  plan:\n" + planYaml.stripTrailing().indent(2));
    }
}
