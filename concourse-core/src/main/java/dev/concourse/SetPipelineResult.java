package dev.concourse;

import dev.concourse.config.ConfigFinding;
import java.util.List;

/**
 * The outcome of setting a pipeline.
 *
 * @param pipeline the pipeline as stored
 * @param created  whether it did not exist before
 * @param warnings validation warnings (setting succeeds with warnings, as in Concourse)
 */
public record SetPipelineResult(Pipeline pipeline, boolean created, List<ConfigFinding> warnings) {
    public SetPipelineResult {
        warnings = List.copyOf(warnings);
    }
}
