package dev.concourse.internal.engine;

import dev.concourse.Build;
import dev.concourse.ConcourseException;
import dev.concourse.Job;
import dev.concourse.JobRef;
import dev.concourse.Jobs;
import dev.concourse.NotFoundException;
import dev.concourse.Pipeline;
import dev.concourse.PipelineRef;
import dev.concourse.spi.storage.Storage;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Jobs over storage. Until the scheduler arrives a triggered build starts at once, unless its
 * pipeline or job is paused: then it stays pending until unpaused, as in Concourse.
 */
final class JobService implements Jobs {
    private final Storage storage;
    private final BuildLauncher launcher;
    private final PipelineService pipelines;
    private final java.util.function.Supplier<Instant> now;

    JobService(Storage storage, BuildLauncher launcher, PipelineService pipelines, java.util.function.Supplier<Instant> now) {
        this.storage = storage;
        this.launcher = launcher;
        this.pipelines = pipelines;
        this.now = now;
    }

    @Override
    public Build trigger(JobRef ref) {
        Pipeline pipeline = pipelines.require(ref.pipeline());
        if (pipeline.archived()) {
            throw new ConcourseException("cannot trigger " + ref + ": the pipeline is archived; set it again first");
        }
        Job job = require(ref);
        if (job.config().disableManualTrigger()) {
            throw new ConcourseException("cannot trigger " + ref + ": the job has disable_manual_trigger set");
        }
        Build build = storage.builds().createJobBuild(job.id(), true, 0, now.get());
        launcher.created(build);
        if (!pipeline.paused() && !job.paused()) {
            launcher.launchJobBuild(build, job);
        }
        return storage.builds().find(build.id()).orElse(build);
    }

    Job require(JobRef ref) {
        return storage.pipelines().job(ref).orElseThrow(() -> new NotFoundException("job '" + ref.name()
                + "' does not exist in pipeline '" + ref.pipeline() + "'"));
    }

    @Override
    public Optional<Job> get(JobRef ref) {
        return storage.pipelines().job(ref);
    }

    @Override
    public List<Job> list(PipelineRef ref) {
        return storage.pipelines().jobs(pipelines.require(ref).id());
    }

    @Override
    public Job pause(JobRef ref) {
        require(ref);
        return storage.pipelines().setJobPaused(ref, true).orElseThrow();
    }

    @Override
    public Job unpause(JobRef ref) {
        require(ref);
        Job job = storage.pipelines().setJobPaused(ref, false).orElseThrow();
        pipelines.startPendingBuilds(pipelines.require(ref.pipeline()));
        return job;
    }

    @Override
    public List<Build> builds(JobRef ref, int limit) {
        return storage.builds().listForJob(require(ref).id(), limit);
    }
}
