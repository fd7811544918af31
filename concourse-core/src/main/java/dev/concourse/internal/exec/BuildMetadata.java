package dev.concourse.internal.exec;

import dev.concourse.internal.config.Frozen;
import java.util.Map;
import java.util.Objects;

/**
 * The build a plan runs for.
 *
 * @param buildId   the build's id
 * @param buildName its name within the job ({@code 12}, {@code 12.1}), or the id for one-off builds
 * @param team      the team that owns it
 * @param pipeline  the pipeline, or null for a one-off build
 * @param job       the job, or null for a one-off build
 * @param jobId     the job's id, 0 for a one-off build (which then gets no persistent task caches)
 * @param pipelineInstanceVars the pipeline's instance vars, empty for an ordinary pipeline or a
 *                  one-off build ({@code set_pipeline: self} keeps them)
 */
public record BuildMetadata(long buildId, String buildName, String team, String pipeline, String job, long jobId,
        Map<String, Object> pipelineInstanceVars) {

    public BuildMetadata {
        Objects.requireNonNull(buildName, "buildName");
        Objects.requireNonNull(team, "team");
        pipelineInstanceVars = Frozen.map(pipelineInstanceVars);
    }

    /** A build of a pipeline without instance vars, or a one-off build. */
    public BuildMetadata(long buildId, String buildName, String team, String pipeline, String job, long jobId) {
        this(buildId, buildName, team, pipeline, job, jobId, Map.of());
    }

    /** A short description for messages: {@code build main/ci/unit #12} or {@code one-off build 7}. */
    public String describe() {
        if (job == null) {
            return "one-off build " + buildName;
        }
        return "build " + team + "/" + (pipeline == null ? "" : pipeline + "/") + job + " #" + buildName;
    }
}
