package dev.concourse.internal.scheduler;

import dev.concourse.Build;
import dev.concourse.BuildStatus;
import dev.concourse.Job;
import dev.concourse.JobPreparation;
import dev.concourse.JobPreparation.InputStatus;
import dev.concourse.Pipeline;
import dev.concourse.Resource;
import dev.concourse.internal.scheduler.algorithm.InputConfig;
import dev.concourse.internal.scheduler.algorithm.InputResolver;
import dev.concourse.internal.scheduler.algorithm.InputResult;
import dev.concourse.internal.scheduler.algorithm.Resolution;
import dev.concourse.resource.Version;
import dev.concourse.spi.storage.Storage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Computes a {@link JobPreparation}, as Concourse's {@code build.Preparation()}: the inputs are
 * resolved afresh (read only; nothing is saved), so the answer holds for paused jobs too, which
 * the scheduler does not resolve. Thread-safe.
 */
public final class JobPreparations {
    private final Storage storage;

    public JobPreparations(Storage storage) {
        this.storage = storage;
    }

    /** The job's preparation; empty when the job or its pipeline does not exist. */
    public Optional<JobPreparation> of(long jobId) {
        Optional<Job> found = storage.pipelines().job(jobId);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        Job job = found.get();
        Optional<Pipeline> pipeline = storage.pipelines().find(job.ref().pipeline());
        if (pipeline.isEmpty()) {
            return Optional.empty();
        }
        List<Job> jobs = storage.pipelines().jobs(pipeline.get().id());
        List<Resource> resources = storage.pipelines().resources(pipeline.get().id());
        List<Build> pending = MaxInFlight.of(storage, Set.of(job.ref()), BuildStatus.PENDING);
        Build next = pending.isEmpty() ? null : pending.getFirst();
        List<Build> running = MaxInFlight.of(storage, Set.of(job.ref()), BuildStatus.STARTED);
        List<Build> holders = MaxInFlight.holders(storage, job, jobs, next);
        List<JobPreparation.Input> inputs = inputs(job, jobs, resources, next);
        return Optional.of(new JobPreparation(job.ref(), next, running, pipeline.get().paused(),
                pipeline.get().archived(), job.paused(), Math.max(0, job.config().effectiveMaxInFlight()), holders,
                inputs));
    }

    private List<JobPreparation.Input> inputs(Job job, List<Job> jobs, List<Resource> resources, Build next) {
        List<InputConfig> configs = JobInputs.of(job, jobs, resources);
        if (configs.isEmpty()) {
            return List.of();
        }
        Map<Long, Resource> byId = resources.stream().collect(Collectors.toMap(Resource::id, Function.identity()));
        Map<Long, String> jobNames = jobs.stream().collect(Collectors.toMap(Job::id, j -> j.ref().name()));
        Resolution resolution = storage.inTransaction(
                () -> new InputResolver(storage.history()).resolve(job.id(), configs));
        List<JobPreparation.Input> inputs = new ArrayList<>();
        for (InputConfig config : configs) {
            Resource resource = byId.get(config.resourceId());
            InputResult result = resolution.inputs().get(config.name());
            String name = resource.ref().name();
            if (result.resolved()) {
                Version version = storage.versions().version(result.versionId()).orElse(null);
                boolean waitsForCheck = next != null && next.manuallyTriggered() && next.rerunOf() == 0
                        && config.passedJobIds().isEmpty() && config.pinned() == null
                        && (resource.lastChecked() == null || resource.lastChecked().isBefore(next.createTime()));
                if (waitsForCheck) {
                    inputs.add(new JobPreparation.Input(config.name(), name, config.trigger(),
                            InputStatus.WAITING_FOR_CHECK, null, false,
                            "checking for latest available versions (a manually triggered build waits for a check"
                                    + " of resource '" + name + "' that finished after it was created)"));
                } else {
                    inputs.add(new JobPreparation.Input(config.name(), name, config.trigger(), InputStatus.SATISFIED,
                            version, result.firstOccurrence(), null));
                }
                continue;
            }
            inputs.add(unsatisfied(config, resource, result.error(), jobNames));
        }
        return inputs;
    }

    private static JobPreparation.Input unsatisfied(InputConfig config, Resource resource, String error,
            Map<Long, String> jobNames) {
        String name = resource.ref().name();
        if (!config.passedJobIds().isEmpty()) {
            String passed = config.passedJobIds().stream().map(jobNames::get).sorted()
                    .collect(Collectors.joining(", "));
            return new JobPreparation.Input(config.name(), name, config.trigger(), InputStatus.UNSATISFIED, null,
                    false, error + " (passed: " + passed + ")");
        }
        if (resource.lastChecked() == null) {
            String how = "never".equals(resource.config().checkEvery())
                    ? "; it has check_every: never, so check it through the API"
                    : "; waiting for its first check";
            return new JobPreparation.Input(config.name(), name, config.trigger(), InputStatus.WAITING_FOR_CHECK,
                    null, false, error + ": resource '" + name + "' was never checked" + how);
        }
        String why = resource.checkError() != null
                ? ": the last check of resource '" + name + "' failed: " + resource.checkError()
                : resource.scopeId() == 0 || error.startsWith("latest")
                        ? ": the checks of resource '" + name + "' found no version" : "";
        return new JobPreparation.Input(config.name(), name, config.trigger(), InputStatus.UNSATISFIED, null, false,
                error + why);
    }
}
