package dev.concourse.internal.engine;

import dev.concourse.Build;
import dev.concourse.ConcourseException;
import dev.concourse.Job;
import dev.concourse.JobRef;
import dev.concourse.JobPreparation;
import dev.concourse.Jobs;
import dev.concourse.NotFoundException;
import dev.concourse.Pipeline;
import dev.concourse.PipelineRef;
import dev.concourse.internal.scheduler.JobPreparations;
import dev.concourse.internal.scheduler.ScheduleRequests;
import dev.concourse.spi.storage.Storage;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Jobs over storage. A triggered build is created pending and the job is scheduled at once: it
 * starts with the inputs the scheduler resolves, unless its pipeline or job is paused (then it
 * stays pending until unpaused) or max-in-flight holds it back, as in Concourse.
 */
final class JobService implements Jobs {
    private final Storage storage;
    private final BuildLauncher launcher;
    private final PipelineService pipelines;
    private final java.util.function.Supplier<Instant> now;
    private final ScheduleRequests scheduling;
    private final JobPreparations preparations;

    JobService(Storage storage, BuildLauncher launcher, PipelineService pipelines, java.util.function.Supplier<Instant> now,
            ScheduleRequests scheduling) {
        this.storage = storage;
        this.launcher = launcher;
        this.pipelines = pipelines;
        this.now = now;
        this.scheduling = scheduling;
        this.preparations = new JobPreparations(storage);
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
        scheduling.jobNow(job.id());
        return storage.builds().find(build.id()).orElse(build);
    }

    @Override
    public JobPreparation preparation(JobRef ref) {
        return preparations.of(require(ref).id()).orElseThrow(() -> new NotFoundException("job '" + ref.name()
                + "' does not exist in pipeline '" + ref.pipeline() + "'"));
    }

    @Override
    public Build rerun(JobRef ref, String buildName) {
        Pipeline pipeline = pipelines.require(ref.pipeline());
        if (pipeline.archived()) {
            throw new ConcourseException("cannot rerun build '" + buildName + "' of " + ref
                    + ": the pipeline is archived; set it again first");
        }
        Job job = require(ref);
        Build original = storage.builds().listForJob(job.id(), Integer.MAX_VALUE).stream()
                .filter(b -> b.name().equals(buildName)).findFirst()
                .orElseThrow(() -> new NotFoundException("build '" + buildName + "' of job '" + ref.name()
                        + "' in pipeline '" + ref.pipeline() + "' does not exist"));
        if (job.config().disableReruns()) {
            throw new ConcourseException("cannot rerun " + original.describe() + ": the job has disable_reruns set");
        }
        Build rerunOf = original.rerunOf() == 0 ? original : storage.builds().find(original.rerunOf()).orElseThrow();
        if (rerunOf.startTime() == null) {
            throw new ConcourseException("cannot rerun " + rerunOf.describe() + ": it never started, so it has no"
                    + " inputs to rerun with; trigger the job instead");
        }
        Build build = storage.builds().createJobBuild(job.id(), false, rerunOf.id(), now.get());
        launcher.created(build);
        scheduling.jobNow(job.id());
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
        scheduling.job(job.id());
        return job;
    }

    @Override
    public List<Build> builds(JobRef ref, int limit) {
        return storage.builds().listForJob(require(ref).id(), limit);
    }
}
