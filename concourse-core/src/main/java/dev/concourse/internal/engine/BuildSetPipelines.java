package dev.concourse.internal.engine;

import dev.concourse.ConcourseException;
import dev.concourse.NotFoundException;
import dev.concourse.Pipeline;
import dev.concourse.PipelineRef;
import dev.concourse.Team;
import dev.concourse.config.PipelineConfig;
import dev.concourse.internal.exec.BuildMetadata;
import dev.concourse.internal.exec.PipelineSetter;
import dev.concourse.spi.scheduling.EngineClock;
import dev.concourse.spi.storage.ConcurrentUpdateException;
import dev.concourse.spi.storage.Storage;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pipelines set by builds: saves what {@code set_pipeline} steps set (Concourse's
 * {@code SetPipelineStep} after validation, and {@code Build.SavePipeline}), remembers which job
 * set each one, and archives those that a job no longer sets once a build of it succeeds
 * (Concourse's automatic archiving, {@code atc/db/build.go} {@code Finish}).
 *
 * <p>Compare and save run under one lock, so two builds setting the same pipeline do not
 * interleave. Thread-safe.
 */
final class BuildSetPipelines implements PipelineSetter {
    private static final Logger LOG = LoggerFactory.getLogger(BuildSetPipelines.class);

    private final Storage storage;
    private final EngineClock clock;
    private final ChildPipelines children;
    private volatile PipelineService pipelines;

    BuildSetPipelines(Storage storage, EngineClock clock, ChildPipelines children) {
        this.storage = storage;
        this.clock = clock;
        this.children = children;
    }

    /**
     * Connects the pipeline service, which archives. The service needs the launcher, which needs
     * the executor's environment, which needs this: the engine binds it once all exist, before it
     * starts any build.
     */
    void bind(PipelineService service) {
        this.pipelines = Objects.requireNonNull(service, "service");
    }

    @Override
    public synchronized Outcome set(BuildMetadata build, String team, String name, Map<String, Object> instanceVars,
            PipelineConfig config) {
        String target = team == null || team.isEmpty() ? build.team() : team;
        if (!target.equals(build.team())) {
            if (storage.teams().find(target).isEmpty()) {
                throw new NotFoundException("team '" + target + "' not found; create it (teams().create(\"" + target
                        + "\")) before a build sets its pipelines");
            }
            if (!Team.MAIN.equals(build.team())) {
                throw new ConcourseException("only " + Team.MAIN + " team can set another team's pipeline: "
                        + "team '" + build.team() + "' cannot set pipeline '" + name + "' of team '" + target
                        + "'; set it from a pipeline of team '" + target + "' or of team '" + Team.MAIN + "'");
            }
        } else if (storage.teams().find(target).isEmpty()) {
            throw new NotFoundException("team '" + target + "' not found");
        }
        PipelineRef ref = new PipelineRef(target, name, instanceVars);
        ChildPipelines.Parent parent = parentOf(build).orElse(null);
        Optional<Pipeline> existing = storage.pipelines().find(ref);
        if (existing.isPresent() && !existing.get().archived() && existing.get().config().equals(config)) {
            if (parent != null) {
                children.setBy(existing.get().id(), parent);
            }
            return Outcome.UNCHANGED;
        }
        if (parent != null && existing.isPresent() && children.setByNewerBuild(existing.get().id(), build.buildId())) {
            return Outcome.SET_BY_NEWER_BUILD;
        }
        boolean wasArchived = existing.map(Pipeline::archived).orElse(false);
        Pipeline saved;
        try {
            saved = storage.inTransaction(() -> {
                Pipeline p = storage.pipelines().save(ref, config, existing.map(Pipeline::configVersion).orElse(0L),
                        false, clock.now());
                // set_pipeline unpauses what it unarchives, and keeps other pipelines' paused flag.
                return wasArchived ? storage.pipelines().setPaused(ref, false).orElse(p) : p;
            });
        } catch (ConcurrentUpdateException e) {
            throw new ConcourseException("pipeline '" + ref + "' was changed by someone else while "
                    + build.describe() + " set it; run the build again", e);
        }
        if (parent != null) {
            children.setBy(saved.id(), parent);
        } else {
            children.forget(saved.id());
        }
        service().archiveOrphansOf(saved.id());
        return Outcome.SAVED;
    }

    /**
     * A build of the job succeeded: the pipelines the job set in earlier builds and this one did
     * not set again are archived, with the pipelines their jobs set, and so on.
     */
    void jobBuildSucceeded(long jobId, long buildId, String build) {
        for (long child : children.setByJobBefore(jobId, buildId)) {
            LOG.info("archiving pipeline {}: {} succeeded without setting it", child, build);
            service().archiveSetPipeline(child);
        }
    }

    private Optional<ChildPipelines.Parent> parentOf(BuildMetadata build) {
        if (build.jobId() == 0) {
            return Optional.empty();
        }
        return storage.pipelines().job(build.jobId())
                .flatMap(job -> storage.pipelines().find(job.ref().pipeline()))
                .map(pipeline -> new ChildPipelines.Parent(pipeline.id(), build.jobId(), build.buildId()));
    }

    private PipelineService service() {
        PipelineService service = pipelines;
        if (service == null) {
            throw new IllegalStateException("the engine did not bind its pipeline service; this is a bug");
        }
        return service;
    }
}
