package dev.concourse.internal.exec;

import dev.concourse.ConcourseException;
import dev.concourse.config.PipelineConfig;
import java.util.Map;

/**
 * What the {@code set_pipeline} step needs from the engine: saving a pipeline config that the
 * step has read, interpolated and validated. The engine implements it (the executor does not
 * depend on the engine's packages). Implementations must be thread-safe.
 */
public interface PipelineSetter {

    /** What happened to the pipeline. */
    enum Outcome {
        /** It exists with the same config; nothing was saved. */
        UNCHANGED,
        /** It was created or its config replaced (an archived pipeline is unarchived). */
        SAVED,
        /** A newer build of the same job has set it already; this build's config was not saved. */
        SET_BY_NEWER_BUILD
    }

    /**
     * Sets a pipeline for a build, with Concourse's rules: the team must exist, and only the
     * {@code main} team may set pipelines of other teams. A pipeline set by a job build is
     * remembered as set by that job, for automatic archiving.
     *
     * @param build        the build whose step sets it
     * @param team         the target team, or null for the build's team
     * @param name         the pipeline's name
     * @param instanceVars its instance vars, empty for an ordinary pipeline
     * @param config       the validated config
     * @return what happened
     * @throws ConcourseException when the team does not exist or may not be written by the
     *                            build's team; the message says so
     */
    Outcome set(BuildMetadata build, String team, String name, Map<String, Object> instanceVars,
            PipelineConfig config);

    /** For executors without an engine (tests): every call fails with a message saying so. */
    PipelineSetter UNAVAILABLE = (build, team, name, instanceVars, config) -> {
        throw new ConcourseException("this executor runs without an engine, so set_pipeline cannot save pipeline '"
                + name + "'; run the build through PipelineEngine");
    };
}
