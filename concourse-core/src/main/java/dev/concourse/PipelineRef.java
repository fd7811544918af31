package dev.concourse;

import dev.concourse.internal.config.Frozen;
import java.util.Map;
import java.util.Objects;

/**
 * Names a pipeline: its team, its name and, for instanced pipelines, its instance vars.
 *
 * @param team         the team's name
 * @param name         the pipeline's name
 * @param instanceVars the instance vars, empty for an ordinary pipeline
 */
public record PipelineRef(String team, String name, Map<String, Object> instanceVars) {
    public PipelineRef {
        Objects.requireNonNull(team, "team");
        Objects.requireNonNull(name, "name");
        instanceVars = Frozen.map(instanceVars);
    }

    /** A pipeline without instance vars. */
    public static PipelineRef of(String team, String name) {
        return new PipelineRef(team, name, Map.of());
    }

    /** A pipeline of the {@code main} team. */
    public static PipelineRef main(String name) {
        return of(Team.MAIN, name);
    }

    /** A job of this pipeline. */
    public JobRef job(String job) {
        return new JobRef(this, job);
    }

    /** A resource of this pipeline. */
    public ResourceRef resource(String resource) {
        return new ResourceRef(this, resource);
    }

    /** {@code team/name} or {@code team/name/k:v,...} like fly prints it. */
    @Override
    public String toString() {
        if (instanceVars.isEmpty()) {
            return team + "/" + name;
        }
        StringBuilder sb = new StringBuilder(team).append('/').append(name).append('/');
        instanceVars.forEach((k, v) -> sb.append(k).append(':').append(v).append(','));
        return sb.substring(0, sb.length() - 1);
    }
}
