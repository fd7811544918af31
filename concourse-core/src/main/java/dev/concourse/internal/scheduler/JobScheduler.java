package dev.concourse.internal.scheduler;

import dev.concourse.Build;
import dev.concourse.BuildStatus;
import dev.concourse.Job;
import dev.concourse.Pipeline;
import dev.concourse.internal.scheduler.algorithm.InputConfig;
import dev.concourse.internal.scheduler.algorithm.InputResolver;
import dev.concourse.internal.scheduler.algorithm.InputResult;
import dev.concourse.internal.scheduler.algorithm.Resolution;
import dev.concourse.resource.Version;
import dev.concourse.spi.scheduling.EngineClock;
import dev.concourse.spi.storage.BuildInput;
import dev.concourse.spi.storage.Lease;
import dev.concourse.spi.storage.NextBuildInputs;
import dev.concourse.spi.storage.ResolvedInput;
import dev.concourse.spi.storage.Storage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
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
 * first as far as pausing and max-in-flight allow; last, old builds' logs are reaped
 * ({@link BuildLogReaper}). Not thread-safe: one pass at a time.
 *
 * <p>Several engine nodes sharing one store: a pass holds the job's lease
 * ({@code schedule-job:<id>}, see {@link dev.concourse.spi.storage.LeaseStore}) for its whole
 * length, so one node at a time schedules a job; a node that finds the lease held skips the pass
 * (the holder is scheduling the job, and the periodic pass covers what it missed). The pending
 * build is created in one transaction with a fresh check that none is pending and the lease's
 * fencing check, so a node whose lease lapsed mid-pass cannot create a second one.
 */
final class JobScheduler {
    /** How long a pass may hold a job's lease; a node that dies mid-pass blocks the job this long. */
    static final Duration PASS_LEASE = Duration.ofSeconds(30);

    private final Storage storage;
    private final EngineClock clock;
    private final BuildStarter starter;
    private final BuildLogReaper reaper;
    /** This engine node's name as a lease owner: unique among the nodes running at once. */
    private final String owner;

    JobScheduler(Storage storage, EngineClock clock, BuildStarter starter, String owner) {
        this.owner = owner;
        this.storage = storage;
        this.clock = clock;
        this.starter = starter;
        this.reaper = new BuildLogReaper(storage, clock);
    }

    /**
     * Runs the pass.
     *
     * @return whether the job should be scheduled again soon (a later {@code every} version waits
     *         and a build started, so the next one may be created); false also when another node
     *         holds the job's lease
     */
    boolean schedule(long jobId) {
        Optional<Lease> lease = storage.leases().acquire("schedule-job:" + jobId, owner, PASS_LEASE);
        if (lease.isEmpty()) {
            return false;
        }
        try {
            return schedule(jobId, lease.get());
        } finally {
            storage.leases().release(lease.get());
        }
    }

    private boolean schedule(long jobId, Lease lease) {
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
        // Before resolving: a manual trigger may start only with versions its fresh checks saved, so
        // a check that ends while this pass resolves counts in the next pass (which it schedules).
        Set<Long> checkedManualTriggers = checkedManualTriggers(job, inputs);
        boolean hasNext = false;
        if (!inputs.isEmpty()) {
            Resolution resolution = storage.inTransaction(
                    () -> new InputResolver(storage.history()).resolve(job.id(), inputs));
            hasNext = resolution.hasNext();
            storage.builds().saveNextInputs(job.id(), nextInputs(inputs, resolution));
            if (resolution.ok() && inputs.stream()
                    .anyMatch(i -> i.trigger() && resolution.inputs().get(i.name()).firstOccurrence())) {
                ensurePendingBuild(job, lease);
            }
        }
        boolean started = startPendingBuilds(job, jobs, inputs, lease, checkedManualTriggers);
        reaper.reap(job);
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

    /** Creates the job's pending build unless it has one: atomically, so that one node creates it. */
    private void ensurePendingBuild(Job job, Lease lease) {
        Optional<Build> created = storage.inTransaction(() -> {
            storage.leases().check(lease);
            if (!MaxInFlight.of(storage, Set.of(job.ref()), BuildStatus.PENDING).isEmpty()) {
                return Optional.<Build>empty();
            }
            return Optional.of(storage.builds().createJobBuild(job.id(), false, 0, clock.now()));
        });
        created.ifPresent(starter::created);
    }

    /** The job's pending manual triggers whose unpassed inputs were checked since they were created. */
    private Set<Long> checkedManualTriggers(Job job, List<InputConfig> inputs) {
        Set<Long> checked = new HashSet<>();
        for (Build build : MaxInFlight.of(storage, Set.of(job.ref()), BuildStatus.PENDING)) {
            if (build.manuallyTriggered() && build.rerunOf() == 0 && uncheckedSinceCreated(build, inputs).isEmpty()) {
                checked.add(build.id());
            }
        }
        return checked;
    }

    private boolean startPendingBuilds(Job job, List<Job> jobs, List<InputConfig> inputs, Lease lease,
            Set<Long> checkedManualTriggers) {
        boolean started = false;
        for (Build build : MaxInFlight.of(storage, Set.of(job.ref()), BuildStatus.PENDING)) {
            if (!MaxInFlight.holders(storage, job, jobs, build).isEmpty()) {
                return started;
            }
            Optional<Map<String, Version>> versions;
            if (build.rerunOf() != 0) {
                versions = rerunInputs(build, lease);
            } else if (build.manuallyTriggered() && !checkedManualTriggers.contains(build.id())) {
                // Concourse's manualTriggerBuild: wait for fresh checks of the unpassed inputs.
                versions = Optional.empty();
            } else {
                versions = nextInputs(job, build, inputs, lease);
                if (versions.isEmpty() && !build.manuallyTriggered()) {
                    return started;
                }
            }
            if (versions.isEmpty()) {
                // Manual triggers and reruns that are not ready let later builds go, as in Concourse.
                continue;
            }
            starter.start(build, job, versions.get());
            started = true;
        }
        return started;
    }

    /** The next inputs the job resolved, saved as the build's inputs; empty when they are not determined. */
    private Optional<Map<String, Version>> nextInputs(Job job, Build build, List<InputConfig> inputs,
            Lease lease) {
        if (inputs.isEmpty()) {
            return saveInputs(lease, build, List.of(), List.of()) ? Optional.of(Map.of()) : Optional.empty();
        }
        NextBuildInputs next = storage.builds().nextInputs(job.id());
        if (!next.determined() && !(build.manuallyTriggered() && onlyUnpassedUnresolved(next, inputs))) {
            return Optional.empty();
        }
        List<BuildInput> buildInputs = next.buildInputs();
        Map<String, Version> versions = versions(build, buildInputs);
        return saveInputs(lease, build, buildInputs, next.pipedFrom()) ? Optional.of(versions) : Optional.empty();
    }

    /**
     * Concourse's {@code AdoptRerunInputsAndPipes}: the original build's inputs (none a first
     * occurrence) and pipes. Empty while the original has recorded no inputs.
     */
    private Optional<Map<String, Version>> rerunInputs(Build rerun, Lease lease) {
        List<BuildInput> original = storage.builds().inputs(rerun.rerunOf());
        Build originalBuild = storage.builds().find(rerun.rerunOf()).orElse(null);
        if (originalBuild == null || original.isEmpty() && originalBuild.startTime() == null) {
            return Optional.empty();
        }
        List<BuildInput> inputs = original.stream()
                .map(i -> new BuildInput(i.name(), i.resourceId(), i.versionId(), false))
                .toList();
        List<Long> pipes = storage.history().pipesTo(rerun.rerunOf()).stream().map(c -> c.id()).toList();
        Map<String, Version> versions = versions(rerun, inputs);
        return saveInputs(lease, rerun, inputs, pipes) ? Optional.of(versions) : Optional.empty();
    }

    /**
     * Saves the inputs a pending build is about to start with, unless it can no longer start: it
     * is no longer pending (started or aborted meanwhile), or its job or pipeline was paused or
     * archived after this pass began (a pass that read them unpaused must not start a build
     * triggered after the pause). Under the lease's fencing check: a node whose lease lapsed
     * never overwrites the inputs of a build another node started.
     */
    private boolean saveInputs(Lease lease, Build build, List<BuildInput> inputs, List<Long> pipedFrom) {
        return storage.inTransaction(() -> {
            storage.leases().check(lease);
            if (!stillStartable(build)) {
                return false;
            }
            if (!inputs.isEmpty() || !pipedFrom.isEmpty()) {
                storage.builds().saveInputs(build.id(), inputs, pipedFrom);
            }
            return true;
        });
    }

    private boolean stillStartable(Build build) {
        if (storage.builds().find(build.id()).map(b -> b.status() != BuildStatus.PENDING).orElse(true)) {
            return false;
        }
        Pipeline pipeline = storage.pipelines().find(build.pipeline()).orElse(null);
        if (pipeline == null || pipeline.paused() || pipeline.archived()) {
            return false;
        }
        return storage.pipelines().jobs(pipeline.id()).stream()
                .anyMatch(j -> j.ref().name().equals(build.job()) && !j.paused());
    }

    private Map<String, Version> versions(Build build, List<BuildInput> inputs) {
        Map<String, Version> versions = new LinkedHashMap<>();
        for (BuildInput input : inputs) {
            versions.put(input.name(), storage.versions().version(input.versionId()).orElseThrow(
                    () -> new IllegalStateException("version " + input.versionId() + " of input '"
                            + input.name() + "' of " + build.describe() + " is gone")));
        }
        return versions;
    }

    /**
     * The inputs of a manually triggered build whose resource was not checked since the build was
     * created, for which the build waits (Concourse checks the inputs without {@code passed} that are
     * not pinned); a check of each is requested.
     */
    private List<String> uncheckedSinceCreated(Build build, List<InputConfig> inputs) {
        List<String> waiting = new ArrayList<>();
        Map<Long, Boolean> checked = new HashMap<>();
        for (InputConfig input : inputs) {
            if (!input.passedJobIds().isEmpty() || input.pinned() != null) {
                continue;
            }
            if (!checked.computeIfAbsent(input.resourceId(), id -> starter.checkedSince(id, build.createTime()))) {
                waiting.add(input.name());
            }
        }
        return waiting;
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
}
