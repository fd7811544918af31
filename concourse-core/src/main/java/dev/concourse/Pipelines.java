package dev.concourse;

import dev.concourse.config.PipelineConfig;
import dev.concourse.vars.Variables;
import java.util.List;
import java.util.Optional;

/** The engine's pipelines. Thread-safe. Methods naming a missing team or pipeline throw {@link NotFoundException}. */
public interface Pipelines {

    /**
     * Sets a pipeline from YAML, like {@code fly set-pipeline}: interpolates static vars (the
     * ref's instance vars are vars too), validates, stores. Vars not given stay for credential
     * managers at run time.
     *
     * @throws dev.concourse.config.ConfigException listing every finding if there is an error
     */
    SetPipelineResult set(PipelineRef ref, String yaml, Variables vars);

    /**
     * Sets a pipeline from a model; validates it first.
     *
     * @throws dev.concourse.config.ConfigException if it is invalid
     */
    SetPipelineResult set(PipelineRef ref, PipelineConfig config);

    Optional<Pipeline> get(PipelineRef ref);

    /** The team's pipelines, archived ones included. */
    List<Pipeline> list(String team);

    Pipeline pause(PipelineRef ref);

    Pipeline unpause(PipelineRef ref);

    Pipeline expose(PipelineRef ref);

    Pipeline hide(PipelineRef ref);

    /** Pauses it, drops its config, aborts its pending builds; its builds stay. Setting it again unarchives it. */
    Pipeline archive(PipelineRef ref);

    void rename(PipelineRef ref, String newName);

    /** Removes it with all its jobs and builds; running builds are aborted first. */
    void destroy(PipelineRef ref);
}
