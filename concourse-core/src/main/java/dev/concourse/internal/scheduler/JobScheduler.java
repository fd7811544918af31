package dev.concourse.internal.scheduler;

import dev.concourse.Build;
import dev.concourse.BuildStatus;
import dev.concourse.Job;
import dev.concourse.JobRef;
import dev.concourse.Pipeline;
import dev.concourse.internal.scheduler.algorithm.InputConfig;
import dev.concourse.internal.scheduler.algorithm.InputResolver;
import dev.concourse.internal.scheduler.algorithm.InputResult;
import dev.concourse.internal.scheduler.algorithm.Resolution;
import dev.concourse.resource.Version;
import dev.concourse.spi.scheduling.EngineClock;
import dev.concourse.spi.storage.BuildInput;
import dev.concourse.spi.storage.NextBuildInputs;
import dev.concourse.spi.storage.ResolvedInput;
import dev.concourse.spi.storage.Storage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One scheduling pass for a job, as Concourse's {@code Scheduler.Schedule} and
 * {@code BuildStarter}: resolve the inputs, save them as the next inputs, create a pending build
 * when a triggering input has a version the job never used, then start pending builds oldest
 * first as far as pausing and max-in-flight allow. Not thread-safe: one pass at a time.
 */
final class JobScheduler {
    private static final Comparator<Build> OLDEST_FIRST = Comparator
            .comparingLong((Build b) -> b.rerunOf() != 0 ? b.rerunOf() : b.id())
            .thenComparingLong(Build::id);

    private final Storage storage;
    private final EngineClock clock;
    private final BuildStarter starter;

    JobScheduler(Storage storage, EngineClock clock, BuildStarter starter) {
        this.storage = storage;
        this.clock = clock;
        this.starter = starter;
    }

    /**
     * Runs the pass.
     *
     * @return whether the job should be scheduled again soon (a later {@code every} version waits
     *         and a build started, so the next one may be created)
     */
    boolean schedule(long jobId) {
        Optional<Job> found = storage.pipelines().job(jobId);
        if (found.isEmpty()) {
            return false;
        }
        Job job = found.get();
        Pipeline pipeline = storage.pipelines().find(job.ref().pipeline()).orElse(null);
        if (pipeline == null || pipeline.archived() || pipeline.paused() || job.paused()) {
            return false;
        }
        List<Job> jobs = storage.pipelines().jobs(pipeline.id());
        List<InputConfig> inputs = JobInputs.of(job, jobs, storage.pipelines().resources(pipeline.id()));
        boolean hasNext = false;
        if (!inputs.isEmpty()) {
            Resolution resolution = storage.inTransaction(
                    () -> new InputResolver(storage.history()).resolve(job.id(), inputs));
            hasNext = resolution.hasNext();
            storage.builds().saveNextInputs(job.id(), nextInputs(inputs, resolution));
            if (resolution.ok() && inputs.stream()
                    .anyMatch(i -> i.trigger() && resolution.inputs().get(i.name()).firstOccurrence())) {
                ensurePendingBuild(job);
            }
        }
        boolean started = startPendingBuilds(job, jobs, inputs);
        return hasNext && started;
    }

    private static NextBuildInputs nextInputs(List<InputConfig> inputs, Resolution resolution) {
        List<ResolvedInput> resolved = new ArrayList<>();
        for (InputConfig input : inputs) {
            InputResult result = resolution.inputs().get(input.name());
            if (result.resolved()) {
                resolved.add(ResolvedInput.resolved(input.name(), input.resourceId(), result.versionId(),
                        result.firstOccurrence(), result.passedBuildIds().stream().sorted().toList()));
            } else {
                resolved.add(ResolvedInput.failed(input.name(), result.error()));
            }
        }
        return new NextBuildInputs(resolution.ok(), resolved);
    }

    private void ensurePendingBuild(Job job) {
        if (!pendingBuilds(Set.of(job.ref())).isEmpty()) {
            return;
        }
        Build build = storage.builds().createJobBuild(job.id(), false, 0, clock.now());
        starter.created(build);
    }

    private List<Build> pendingBuilds(Set<JobRef> jobs) {
        return storage.builds().listByStatus(EnumSet.of(BuildStatus.PENDING)).stream()
                .filter(b -> b.jobRef().map(jobs::contains).orElse(false))
                .sorted(OLDEST_FIRST)
                .toList();
    }

    private boolean startPendingBuilds(Job job, List<Job> jobs, List<InputConfig> inputs) {
        boolean started = false;
        for (Build build : pendingBuilds(Set.of(job.ref()))) {
            if (maxInFlightReached(job, jobs, build)) {
                return started;
            }
            Map<String, Version> versions = Map.of();
            if (!inputs.isEmpty()) {
                NextBuildInputs next = storage.builds().nextInputs(job.id());
                if (!next.determined() && !(build.manuallyTriggered() && onlyUnpassedUnresolved(next, inputs))) {
                    return started;
                }
                List<BuildInput> buildInputs = next.buildInputs();
                versions = new LinkedHashMap<>();
                for (BuildInput input : buildInputs) {
                    versions.put(input.name(), storage.versions().version(input.versionId()).orElseThrow(
                            () -> new IllegalStateException("version " + input.versionId() + " of input '"
                                    + input.name() + "' of " + build.describe() + " is gone")));
                }
                storage.builds().saveInputs(build.id(), buildInputs, next.pipedFrom());
            }
            starter.start(build, job, versions);
            started = true;
        }
        return started;
    }

    /**
     * A manual trigger of a job whose resources were never checked still starts: its gets check
     * for themselves, as before the scheduler. Inputs with {@code passed} must resolve.
     */
    private static boolean onlyUnpassedUnresolved(NextBuildInputs next, List<InputConfig> inputs) {
        Map<String, InputConfig> byName = inputs.stream()
                .collect(Collectors.toMap(InputConfig::name, i -> i, (a, b) -> a));
        return next.inputs().stream().filter(i -> !i.isResolved())
                .allMatch(i -> byName.containsKey(i.name()) && byName.get(i.name()).passedJobIds().isEmpty());
    }

    /**
     * Concourse's {@code isMaxInFlightReached}: started builds across the job's serial groups (or
     * the job alone) must stay below the limit, and within serial groups the build must be the
     * oldest pending one of the group's unpaused jobs.
     */
    private boolean maxInFlightReached(Job job, List<Job> jobs, Build build) {
        int max = job.config().effectiveMaxInFlight();
        if (max <= 0) {
            return false;
        }
        List<String> groups = job.config().serialGroups();
        List<Job> group = groups.isEmpty() ? List.of(job)
                : jobs.stream().filter(j -> !Collections.disjoint(j.config().serialGroups(), groups)).toList();
        Set<JobRef> refs = group.stream().map(Job::ref).collect(Collectors.toSet());
        long running = storage.builds().listByStatus(EnumSet.of(BuildStatus.STARTED)).stream()
                .filter(b -> b.jobRef().map(refs::contains).orElse(false))
                .count();
        if (running >= max) {
            return true;
        }
        if (groups.isEmpty()) {
            return false;
        }
        Set<JobRef> unpaused = group.stream().filter(j -> !j.paused()).map(Job::ref).collect(Collectors.toSet());
        List<Build> pending = pendingBuilds(unpaused);
        return !pending.isEmpty() && pending.getFirst().id() != build.id();
    }
}
