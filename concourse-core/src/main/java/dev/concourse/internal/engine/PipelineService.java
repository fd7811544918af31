package dev.concourse.internal.engine;

import dev.concourse.Build;
import dev.concourse.BuildStatus;
import dev.concourse.NotFoundException;
import dev.concourse.Pipeline;
import dev.concourse.PipelineRef;
import dev.concourse.Pipelines;
import dev.concourse.SetPipelineResult;
import dev.concourse.config.ConfigFinding;
import dev.concourse.config.LoadResult;
import dev.concourse.config.PipelineConfig;
import dev.concourse.config.PipelineLoader;
import dev.concourse.spi.scheduling.EngineClock;
import dev.concourse.internal.scheduler.ScheduleRequests;
import dev.concourse.spi.storage.Storage;
import dev.concourse.vars.Variables;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Pipelines over storage; validates on set, aborts builds on archive and destroy. Archiving a
 * pipeline, or destroying it, archives the pipelines its jobs set ({@link ChildPipelines}), and so
 * on down; so does setting it without the jobs that set them.
 */
final class PipelineService implements Pipelines {
    private final Storage storage;
    private final EngineClock clock;
    private final BuildLauncher launcher;
    private final ChildPipelines children;
    private final ScheduleRequests scheduling;

    PipelineService(Storage storage, EngineClock clock, BuildLauncher launcher, ChildPipelines children,
            ScheduleRequests scheduling) {
        this.storage = storage;
        this.clock = clock;
        this.launcher = launcher;
        this.children = children;
        this.scheduling = scheduling;
    }

    @Override
    public SetPipelineResult set(PipelineRef ref, String yaml, Variables vars) {
        LoadResult<PipelineConfig> loaded = PipelineLoader.create()
                .withVariables(vars)
                .withInstanceVars(ref.instanceVars())
                .load(ref.toString(), yaml);
        return save(ref, loaded);
    }

    @Override
    public SetPipelineResult set(PipelineRef ref, PipelineConfig config) {
        return save(ref, PipelineLoader.create().validate(ref.toString(), config));
    }

    private SetPipelineResult save(PipelineRef ref, LoadResult<PipelineConfig> loaded) {
        PipelineConfig config = loaded.orThrow();
        requireTeam(ref.team());
        SetPipelineResult result = storage.inTransaction(() -> {
            boolean created = storage.pipelines().find(ref).isEmpty();
            Pipeline saved = storage.pipelines().save(ref, config, -1, false, clock.now());
            List<ConfigFinding> warnings = loaded.warnings();
            return new SetPipelineResult(saved, created, warnings);
        });
        // Set by hand, as with fly: no job owns it any more (Concourse clears parent_job_id).
        children.forget(result.pipeline().id());
        archiveOrphansOf(result.pipeline().id());
        scheduling.pipeline(result.pipeline().id());
        return result;
    }

    void requireTeam(String team) {
        if (storage.teams().find(team).isEmpty()) {
            throw new NotFoundException("team '" + team + "' does not exist; create it with teams().create(\"" + team
                    + "\")");
        }
    }

    Pipeline require(PipelineRef ref) {
        return storage.pipelines().find(ref).orElseThrow(() -> new NotFoundException("pipeline '" + ref
                + "' does not exist; set it first"));
    }

    @Override
    public Optional<Pipeline> get(PipelineRef ref) {
        return storage.pipelines().find(ref);
    }

    @Override
    public List<Pipeline> list(String team) {
        requireTeam(team);
        return storage.pipelines().list(team);
    }

    @Override
    public Pipeline pause(PipelineRef ref) {
        return storage.pipelines().setPaused(ref, true).orElseThrow(() -> missing(ref));
    }

    @Override
    public Pipeline unpause(PipelineRef ref) {
        Pipeline pipeline = storage.pipelines().setPaused(ref, false).orElseThrow(() -> missing(ref));
        startPendingBuilds(pipeline);
        return pipeline;
    }

    @Override
    public Pipeline expose(PipelineRef ref) {
        return storage.pipelines().setPublic(ref, true).orElseThrow(() -> missing(ref));
    }

    @Override
    public Pipeline hide(PipelineRef ref) {
        return storage.pipelines().setPublic(ref, false).orElseThrow(() -> missing(ref));
    }

    @Override
    public Pipeline archive(PipelineRef ref) {
        Pipeline pipeline = require(ref);
        Pipeline archived = archiveOne(pipeline);
        archiveChildren(pipeline.id(), new HashSet<>(Set.of(pipeline.id())));
        return archived;
    }

    /** Archives a pipeline that a job set and no longer sets, with the pipelines its own jobs set. */
    void archiveSetPipeline(long pipelineId) {
        Set<Long> done = new HashSet<>();
        done.add(pipelineId);
        storage.pipelines().find(pipelineId).filter(p -> !p.archived()).ifPresent(this::archiveOne);
        children.forget(pipelineId);
        archiveChildren(pipelineId, done);
    }

    /**
     * The pipeline's config was set: the pipelines that its jobs set and whose job is no longer in
     * its config are archived (Concourse archives them when the parent job becomes inactive).
     */
    void archiveOrphansOf(long pipelineId) {
        for (long child : children.childrenOf(pipelineId)) {
            Optional<ChildPipelines.Parent> parent = children.parentOf(child);
            if (parent.isPresent() && storage.pipelines().job(parent.get().jobId()).isEmpty()) {
                archiveSetPipeline(child);
            }
        }
    }

    private Pipeline archiveOne(Pipeline pipeline) {
        List<Build> pending = buildsOf(pipeline, EnumSet.of(BuildStatus.PENDING));
        Pipeline archived = storage.pipelines().archive(pipeline.ref()).orElseThrow(() -> missing(pipeline.ref()));
        pending.forEach(b -> launcher.abort(b.id()));
        children.forget(pipeline.id());
        return archived;
    }

    private void archiveChildren(long parentId, Set<Long> done) {
        for (long child : children.childrenOf(parentId)) {
            if (done.add(child)) {
                storage.pipelines().find(child).filter(p -> !p.archived()).ifPresent(this::archiveOne);
                children.forget(child);
                archiveChildren(child, done);
            }
        }
    }

    @Override
    public void rename(PipelineRef ref, String newName) {
        require(ref);
        if (!storage.pipelines().rename(ref, newName)) {
            throw missing(ref);
        }
    }

    @Override
    public void destroy(PipelineRef ref) {
        Pipeline pipeline = require(ref);
        archiveChildren(pipeline.id(), new HashSet<>(Set.of(pipeline.id())));
        children.forget(pipeline.id());
        for (Build build : buildsOf(pipeline, EnumSet.of(BuildStatus.PENDING, BuildStatus.STARTED))) {
            launcher.abort(build.id());
            try {
                launcher.await(build.id(), java.time.Duration.ofMinutes(1));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new dev.concourse.ConcourseException("interrupted while aborting the builds of " + ref);
            }
        }
        storage.pipelines().delete(ref);
    }

    /** Builds of the pipeline's jobs that are pending or running, which paused pipelines keep waiting. */
    private List<Build> buildsOf(Pipeline pipeline, EnumSet<BuildStatus> statuses) {
        return storage.builds().listByStatus(statuses).stream()
                .filter(b -> pipeline.ref().equals(b.pipeline()))
                .toList();
    }

    /** Schedules the jobs of an unpaused pipeline: builds that waited for it start. */
    void startPendingBuilds(Pipeline pipeline) {
        if (pipeline.paused() || pipeline.archived()) {
            return;
        }
        scheduling.pipeline(pipeline.id());
    }

    private static NotFoundException missing(PipelineRef ref) {
        return new NotFoundException("pipeline '" + ref + "' does not exist");
    }
}
