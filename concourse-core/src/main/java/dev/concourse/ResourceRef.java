package dev.concourse;

import java.util.Objects;

/**
 * Names a resource of a pipeline.
 *
 * @param pipeline the pipeline
 * @param name     the resource's name
 */
public record ResourceRef(PipelineRef pipeline, String name) {
    public ResourceRef {
        Objects.requireNonNull(pipeline, "pipeline");
        Objects.requireNonNull(name, "name");
    }

    @Override
    public String toString() {
        return pipeline + "/" + name;
    }
}
