package dev.concourse;

import java.util.Objects;

/**
 * Names a job of a pipeline.
 *
 * @param pipeline the pipeline
 * @param name     the job's name
 */
public record JobRef(PipelineRef pipeline, String name) {
    public JobRef {
        Objects.requireNonNull(pipeline, "pipeline");
        Objects.requireNonNull(name, "name");
    }

    @Override
    public String toString() {
        return pipeline + "/" + name;
    }
}
