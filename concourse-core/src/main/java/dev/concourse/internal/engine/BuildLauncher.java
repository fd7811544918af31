package dev.concourse.internal.engine;

import dev.concourse.Build;
import dev.concourse.BuildListener;
import dev.concourse.BuildPlan;
import dev.concourse.BuildStatus;
import dev.concourse.Job;
import dev.concourse.PipelineRef;
import dev.concourse.config.Step;
import dev.concourse.config.VarSourceConfig;
import dev.concourse.event.BuildEvent;
import dev.concourse.event.Origin;
import dev.concourse.internal.credentials.CredentialVariables;
import dev.concourse.internal.credentials.EngineCredentials;
import dev.concourse.internal.event.BuildEventLog;
import dev.concourse.internal.event.BuildEventSink;
import dev.concourse.internal.event.EventLogs;
import dev.concourse.internal.event.EventPersistenceException;
import dev.concourse.internal.exec.BuildMetadata;
import dev.concourse.internal.exec.BuildPlanner;
import dev.concourse.internal.exec.BuildRun;
import dev.concourse.internal.exec.ExecEnvironment;
import dev.concourse.internal.exec.PlannedStep;
import dev.concourse.internal.lease.NodeLeases;
import dev.concourse.internal.redact.SecretTracker;
import dev.concourse.internal.scheduler.EngineActivity;
import dev.concourse.resource.Version;
import dev.concourse.spi.runtime.Volume;
import dev.concourse.spi.storage.ConcurrentUpdateException;
import dev.concourse.spi.storage.Lease;
import dev.concourse.spi.storage.Storage;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Starts builds and sees them to their end: plan, status events, the run on the engine's executor,
 * the final status in storage, and abort. One per engine.
 *
 * <p>Each build gets its own secrets: a {@link SecretTracker}, credential vars for its team,
 * pipeline and the pipeline's {@code var_sources} (as they are when the build starts), and its
 * event log behind a redacting sink (unless redaction is off), through which every event of the
 * run goes, its final status included, so nothing held back for redaction is lost.
 *
 * <p>Several engine nodes sharing a store: a node holds the build's lease ({@code build:<id>},
 * {@link NodeLeases}) from just before it starts the build until its final status is stored, and
 * stores that status, and every batch of the build's events ({@link #leasedLogOf}), only under
 * the lease's fencing check. A node that finds the lease taken (its heartbeat, or a refused
 * event batch: another node took the build over after this one stopped renewing) hands the run
 * over ({@link BuildRun#handOver()}: no hook runs here, running processes are detached, not
 * signalled, so the new owner keeps following them) and stores nothing more for it.
 * {@link BuildTakeover} ends the builds of nodes that stopped.
 */
final class BuildLauncher {
    private static final Logger LOG = LoggerFactory.getLogger(BuildLauncher.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** Something to do with a run after its plan finished, before its final status is stored. */
    interface Finisher {
        BuildStatus finish(BuildRun run, BuildEventSink events, BuildStatus status);
    }

    private record Running(BuildRun run, BuildPlan plan) {
    }

    /** The lease name of a build: {@code build:<id>}. */
    static String leaseName(long buildId) {
        return "build:" + buildId;
    }

    private final Storage storage;
    private final ExecEnvironment env;
    private final EventLogs logs;
    private final EngineCredentials credentials;
    private final BuildSetPipelines setByBuilds;
    private final ConcurrentMap<Long, Running> running = new ConcurrentHashMap<>();
    private final ConcurrentMap<Long, CompletableFuture<Build>> completions = new ConcurrentHashMap<>();
    /** Builds this node is launching, running or taking over: no second launch or takeover of them here. */
    private final Set<Long> claimed = ConcurrentHashMap.newKeySet();
    private final NodeLeases leases;
    private volatile boolean shuttingDown;
    private volatile Consumer<Build> jobBuildFinished = build -> { };
    private final List<BuildListener> listeners = new CopyOnWriteArrayList<>();
    private final EngineActivity activity;
    /** Builds whose steps keep their containers and volumes until the build ends (for a takeover). */
    private final Set<Long> keptContainers = ConcurrentHashMap.newKeySet();
    private final BuildContainers containers;

    BuildLauncher(Storage storage, ExecEnvironment env, EventLogs logs, EngineCredentials credentials,
            BuildSetPipelines setByBuilds, EngineActivity activity, NodeLeases leases) {
        this.activity = activity;
        this.leases = leases;
        this.storage = storage;
        this.env = env;
        this.logs = logs;
        this.credentials = credentials;
        this.setByBuilds = setByBuilds;
        this.containers = new BuildContainers(env.runtime());
    }

    /**
     * Starts a job build with the job's current plan. When it succeeds, the pipelines the job no
     * longer sets are archived before its status is stored.
     */
    void launchJobBuild(Build pending, Job job) {
        launchJobBuild(pending, job, Map.of());
    }

    /** As {@link #launchJobBuild(Build, Job)}, the gets named in {@code inputs} fetching those versions. */
    void launchJobBuild(Build pending, Job job, Map<String, Version> inputs) {
        launch(pending, job.config().asStep(), job.config().tags(), Map.of(), job.id(), inputs,
                jobFinisher(pending, job));
    }

    private Finisher jobFinisher(Build build, Job job) {
        return (run, events, status) -> {
            if (status == BuildStatus.SUCCEEDED) {
                try {
                    setByBuilds.jobBuildSucceeded(job.id(), build.id(), build.describe());
                } catch (RuntimeException e) {
                    // The build's outcome stands; the pipelines stay until the job's next success.
                    LOG.error("build {} succeeded, but archiving the pipelines its job no longer sets failed",
                            build.describe(), e);
                }
            }
            return status;
        };
    }

    /**
     * Resumes a started job build this node took over (it holds {@code lease} and has claimed the
     * build): replays its stored plan with its stored inputs after the {@code notice} in its log,
     * the steps that finished taken over as finished and the running ones re-attaching to their
     * processes ({@code takeover} describes the takeover in their messages). Its events continue
     * the build's log; no second {@code status: started}. The stopped node's containers and volumes
     * are destroyed with the build's own when it ends.
     */
    void resume(Build build, BuildResumption.Resumable resumable, String notice, String takeover,
            NodeLeases.Held lease) {
        Job job = resumable.job();
        PlannedStep planned = resumable.planned();
        Map<String, Version> inputs = resumable.inputs();
        BuildPlan plan = BuildPlanner.describe(planned);
        BuildEventLog log = leasedLogOf(build.id(), lease);
        PipelineRef pipeline = build.pipeline();
        SecretTracker tracker = new SecretTracker();
        BuildEventSink events = credentials.redacting(event -> {
            if (!lease.lost()) {
                log.emit(event);
            }
        }, tracker);
        CredentialVariables vars = credentials.forBuild(build.team(), pipeline == null ? null : pipeline.name(),
                varSources(pipeline), tracker);
        BuildMetadata meta = new BuildMetadata(build.id(), build.name(), build.team(),
                pipeline == null ? null : pipeline.name(), build.job(), job.id(),
                pipeline == null ? Map.of() : pipeline.instanceVars());
        BuildRun run = new BuildRun(env, meta, events, Map.of(), vars, tracker);
        if (!inputs.isEmpty()) {
            run.useInputs(inputs);
        }
        run.keepStepContainers();
        keptContainers.add(build.id());
        run.resumed().takeover(takeover);
        resumable.containers().forEach(run.resumed()::add);
        resumable.finished().forEach(run.resumed()::finished);
        events.emit(new BuildEvent.Log(env.clock().now(), new Origin(plan.id(), Origin.Source.STDERR),
                notice + "\n"));
        activity.begin();
        running.put(build.id(), new Running(run, plan));
        if (lease.lost()) {
            // Lost before leaseLost could find the run.
            run.handOver();
        }
        try {
            Finisher finisher = jobFinisher(build, job);
            env.executor().execute(() -> runToEnd(build, run, planned, events, finisher, lease, true));
        } catch (RuntimeException e) {
            running.remove(build.id());
            keptContainers.remove(build.id());
            activity.end();
            throw e;
        }
    }

    /**
     * Starts a pending build: stores its plan, emits {@code status: started}, runs the step on the
     * executor. Does nothing if the build is no longer pending.
     */
    void launch(Build pending, Step step, List<String> tags, Map<String, Volume> artifacts, long jobId,
            Finisher finisher) {
        launch(pending, step, tags, artifacts, jobId, Map.of(), finisher);
    }

    private void launch(Build pending, Step step, List<String> tags, Map<String, Volume> artifacts, long jobId,
            Map<String, Version> inputs, Finisher finisher) {
        if (shuttingDown || !claim(pending.id())) {
            return;
        }
        NodeLeases.Held lease = null;
        boolean launched = false;
        try {
            // The lease before the start: another node's takeover scan never finds this build
            // started with nobody holding its lease.
            lease = leases.acquire(leaseName(pending.id()), () -> leaseLost(pending.id())).orElse(null);
            if (lease == null) {
                // Another node is starting or running it.
                return;
            }
            launched = launch(pending, step, tags, artifacts, jobId, inputs, finisher, lease);
        } finally {
            if (!launched) {
                if (lease != null) {
                    lease.release();
                }
                unclaim(pending.id());
            }
        }
    }

    /** A build created together with this node's lease on it ({@link #createLeased}). */
    record LeasedBuild(Build build, NodeLeases.Held lease) {
    }

    /**
     * Creates a build with {@code create} and acquires this node's lease on it in the same
     * transaction, so that no node ever finds the build pending with nobody holding its lease (a
     * node starting then would end a pending one-off build nobody holds as abandoned). Start it
     * with {@link #launch(LeasedBuild, Step, List, Map, Finisher)}.
     */
    LeasedBuild createLeased(Supplier<Build> create) {
        NodeLeases.Held[] lease = new NodeLeases.Held[1];
        try {
            Build build = storage.inTransaction(() -> {
                Build created = create.get();
                lease[0] = leases.acquire(leaseName(created.id()), () -> leaseLost(created.id()))
                        .orElseThrow(() -> new IllegalStateException("the lease on new build " + created.id()
                                + " is held by another owner: was the store's build id used before?"));
                return created;
            });
            return new LeasedBuild(build, lease[0]);
        } catch (RuntimeException e) {
            if (lease[0] != null) {
                // Rolled back with the build: forget it here (releasing finds nothing to release).
                lease[0].release();
            }
            throw e;
        }
    }

    /**
     * Starts a pending build created by {@link #createLeased} under the lease taken with it, as
     * {@link #launch(Build, Step, List, Map, long, Finisher)} does. Releases the lease if the build
     * does not start (the engine shuts down, or it is no longer pending).
     */
    void launch(LeasedBuild created, Step step, List<String> tags, Map<String, Volume> artifacts, Finisher finisher) {
        Build pending = created.build();
        NodeLeases.Held lease = created.lease();
        boolean claimed = !shuttingDown && claim(pending.id());
        boolean launched = false;
        try {
            launched = claimed && launch(pending, step, tags, artifacts, 0, Map.of(), finisher, lease);
        } finally {
            if (!launched) {
                lease.release();
                if (claimed) {
                    unclaim(pending.id());
                }
            }
        }
    }

    private boolean launch(Build pending, Step step, List<String> tags, Map<String, Volume> artifacts, long jobId,
            Map<String, Version> inputs, Finisher finisher, NodeLeases.Held lease) {
        PlannedStep planned = BuildPlanner.plan(step, tags);
        BuildPlan plan = BuildPlanner.describe(planned);
        Optional<Build> started = storage.builds().start(pending.id(), JSON.writeValueAsString(plan), env.clock().now());
        if (started.isEmpty()) {
            return false;
        }
        Build build = started.get();
        BuildEventLog log = leasedLogOf(build.id(), lease);
        log.emit(new BuildEvent.Status(env.clock().now(), BuildStatus.STARTED));
        PipelineRef pipeline = build.pipeline();
        SecretTracker tracker = new SecretTracker();
        // Once another node took the build over, this node's run adds nothing more to its log.
        BuildEventSink events = credentials.redacting(event -> {
            if (!lease.lost()) {
                log.emit(event);
            }
        }, tracker);
        CredentialVariables vars = credentials.forBuild(build.team(), pipeline == null ? null : pipeline.name(),
                varSources(pipeline), tracker);
        BuildMetadata meta = new BuildMetadata(build.id(), build.name(), build.team(),
                pipeline == null ? null : pipeline.name(), build.job(), jobId,
                pipeline == null ? Map.of() : pipeline.instanceVars());
        BuildRun run = new BuildRun(env, meta, events, artifacts, vars, tracker);
        if (!inputs.isEmpty()) {
            run.useInputs(inputs);
        }
        // Another node taking the build over resumes it past finished steps only with their containers and volumes.
        boolean keep = env.runtime().reattachesAcrossInstances();
        if (keep) {
            run.keepStepContainers();
            keptContainers.add(build.id());
        }
        activity.begin();
        running.put(build.id(), new Running(run, plan));
        if (lease.lost()) {
            // Lost before leaseLost could find the run.
            run.handOver();
        }
        try {
            env.executor().execute(() -> runToEnd(build, run, planned, events, finisher, lease, keep));
        } catch (RuntimeException e) {
            running.remove(build.id());
            keptContainers.remove(build.id());
            activity.end();
            throw e;
        }
        return true;
    }

    /** Claims a build for this node's launch or takeover; false if this node already has it. */
    boolean claim(long buildId) {
        return claimed.add(buildId);
    }

    void unclaim(long buildId) {
        claimed.remove(buildId);
    }

    /** The builds this node is launching, running, ending or taking over. */
    Set<Long> claimedBuilds() {
        return Set.copyOf(claimed);
    }

    boolean isShuttingDown() {
        return shuttingDown;
    }

    /**
     * Another node took over a build this node runs (this node stopped renewing for too long): the
     * run is handed over, not aborted. Nothing of it goes on here (no step, no hook), and its running
     * processes are detached, not signalled, since the new owner may have re-attached to them.
     */
    void leaseLost(long buildId) {
        Running r = running.get(buildId);
        LOG.warn("build {}: another engine node took it over after this node ({}) stopped renewing its lease;"
                + " handing the run over: no hook runs here, running processes are left to the new owner,"
                + " which ends the build", buildId, leases.node());
        if (r != null) {
            r.run().handOver();
        }
    }

    private List<VarSourceConfig> varSources(PipelineRef pipeline) {
        if (pipeline == null) {
            return List.of();
        }
        return storage.pipelines().find(pipeline).map(p -> p.config().varSources()).orElse(List.of());
    }

    /**
     * Runs the build to its end and stores its final status. With {@code kept} (its steps kept their
     * containers and volumes for a takeover) the run's own volumes stay if another node took the
     * build over (it uses them); otherwise {@link #end} destroys them all once the status is stored,
     * and the takeover scan destroys those of a build whose node stopped in between
     * ({@link BuildContainers#collectFinished}).
     */
    private void runToEnd(Build build, BuildRun run, PlannedStep planned, BuildEventSink events, Finisher finisher,
            NodeLeases.Held lease, boolean kept) {
        BuildStatus status;
        try {
            status = finisher.finish(run, events, run.run(planned));
        } catch (RuntimeException e) {
            LOG.error("build {} crashed", build.describe(), e);
            events.emit(new BuildEvent.Error(env.clock().now(), null, "the engine failed while running this build: "
                    + e + "; this is a bug, please report it with the build's events"));
            status = BuildStatus.ERRORED;
        }
        boolean takenOver = kept && lease.lost();
        try {
            if (!takenOver) {
                run.close();
            }
        } finally {
            try {
                end(build.id(), status, events, lease);
            } finally {
                running.remove(build.id());
                unclaim(build.id());
                activity.end();
            }
        }
    }

    /** Opens the event log of a build just created, so subscribers can follow it while it is pending. */
    void created(Build build) {
        synchronized (this) {
            // The scheduler may have started and even finished the build on another thread already:
            // a log opened for a finished build would never close, and its subscribers never complete.
            if (storage.builds().find(build.id()).map(b -> b.status().isRunning()).orElse(false)) {
                logOf(build.id());
            }
        }
        // After the log is open: a listener subscribing to the build's events follows it live.
        tell(build, BuildListener::created);
    }

    synchronized BuildEventLog logOf(long buildId) {
        return logs.live(buildId).orElseGet(() -> logs.open(buildId));
    }

    /**
     * The log of a build this node holds {@code lease} on, its appends fenced by the lease: each
     * batch goes through the store's lease-checked append, which checks the lease in the same atomic
     * step as the write. Once a check fails (another node took the build over), the log stores
     * nothing more and the lease counts as lost, which hands the run over here, as when the
     * heartbeat finds the lease taken.
     */
    BuildEventLog leasedLogOf(long buildId, NodeLeases.Held lease) {
        BuildEventLog log = logOf(buildId);
        log.fence(lease.lease(), lease::lostToFence);
        return log;
    }

    /**
     * Emits the final status through {@code events} (a redacting sink flushes what it held back
     * first) and stores it, under the fencing check of the build's lease when this node holds one,
     * which it releases then. A build whose lease another node took keeps what that node stores.
     * Once this node stored the status of a build whose steps kept their containers and volumes
     * (for a takeover), they are destroyed, before anyone hears the build ended; if another node
     * took the build over they stay (it uses them).
     */
    void end(long buildId, BuildStatus status, BuildEventSink events, NodeLeases.Held lease) {
        try {
            endUnder(buildId, status, events, lease);
        } finally {
            if (lease != null) {
                lease.release();
            }
        }
    }

    private void endUnder(long buildId, BuildStatus status, BuildEventSink events, NodeLeases.Held held) {
        Lease lease = held == null ? null : held.lease();
        boolean lost = held != null && (held.lost() || !holds(lease));
        if (!lost) {
            events.emit(new BuildEvent.Status(env.clock().now(), status));
        }
        Optional<Build> finished;
        synchronized (this) {
            // Closing the log and storing the final status together: created() sees either a
            // running build with its log, or a finished one, never a finished build without a log.
            try {
                logs.close(buildId);
            } catch (EventPersistenceException e) {
                // The build's outcome stands; its stored log is incomplete, which the store's owner must know.
                LOG.error("build {}: its last events could not be stored: {}", buildId, e.getMessage());
            }
            finished = lost ? Optional.empty() : finish(buildId, status, lease);
        }
        if (held != null) {
            // Released before anyone hears the build ended.
            held.release();
        }
        if (keptContainers.remove(buildId) && finished.isPresent()) {
            containers.destroy(buildId);
        }
        Build result = finished.orElseGet(() -> storage.builds().find(buildId).orElseThrow());
        CompletableFuture<Build> waiting = completions.remove(buildId);
        if (waiting != null) {
            waiting.complete(result);
        }
        if (!result.isOneOff()) {
            jobBuildFinished.accept(result);
        }
        if (finished.isPresent()) {
            tell(result, BuildListener::finished);
        }
    }

    private Optional<Build> finish(long buildId, BuildStatus status, Lease lease) {
        if (lease == null) {
            return storage.builds().finish(buildId, status, env.clock().now());
        }
        try {
            return storage.inTransaction(() -> {
                leases.store().check(lease);
                return storage.builds().finish(buildId, status, env.clock().now());
            });
        } catch (ConcurrentUpdateException e) {
            LOG.warn("build {}: not storing its final status {}: {}", buildId, status, e.getMessage());
            return Optional.empty();
        }
    }

    /** Whether {@code lease} is still current; a store that cannot say is taken to say yes (the fence decides). */
    private boolean holds(Lease lease) {
        try {
            leases.store().check(lease);
            return true;
        } catch (ConcurrentUpdateException e) {
            return false;
        } catch (RuntimeException e) {
            return true;
        }
    }

    BuildListener.Registration listen(BuildListener listener) {
        listeners.add(java.util.Objects.requireNonNull(listener, "listener"));
        return () -> listeners.remove(listener);
    }

    private void tell(Build build, java.util.function.BiConsumer<BuildListener, Build> call) {
        for (BuildListener listener : listeners) {
            try {
                call.accept(listener, build);
            } catch (RuntimeException e) {
                LOG.warn("a build listener failed on {}", build.describe(), e);
            }
        }
    }

    /** Tells the scheduler when a job build ends (its downstream jobs and itself may go on). */
    void onJobBuildFinished(Consumer<Build> listener) {
        this.jobBuildFinished = listener;
    }

    /** Aborts a running build, or ends a pending one as aborted. */
    void abort(long buildId) {
        Running r = running.get(buildId);
        if (r != null) {
            r.run().abort();
            return;
        }
        Optional<Build> build = storage.builds().find(buildId);
        if (build.isPresent() && build.get().status() == BuildStatus.PENDING) {
            BuildEventLog log = logOf(buildId);
            end(buildId, BuildStatus.ABORTED, log, null);
        }
    }

    Optional<BuildPlan> plan(long buildId) {
        Running r = running.get(buildId);
        if (r != null) {
            return Optional.of(r.plan());
        }
        return storage.builds().plan(buildId).map(json -> {
            try {
                return JSON.readValue(json, BuildPlan.class);
            } catch (JacksonException e) {
                throw new IllegalStateException("stored plan of build " + buildId + " is not readable: "
                        + e.getOriginalMessage(), e);
            }
        });
    }

    /**
     * Waits for the build to finish in this engine. The future is registered before storage is
     * read, and {@link #end} stores the status before completing futures, so no finish is missed.
     */
    Build await(long buildId, Duration timeout) throws InterruptedException {
        CompletableFuture<Build> done = completions.computeIfAbsent(buildId, id -> new CompletableFuture<>());
        try {
            Build now = storage.builds().find(buildId).orElseThrow(() -> gone(buildId));
            if (now.status().isFinished()) {
                return now;
            }
            return done.get(Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return storage.builds().find(buildId).orElseThrow(() -> gone(buildId));
        } catch (ExecutionException e) {
            throw new IllegalStateException("waiting for build " + buildId + " failed", e.getCause());
        } finally {
            if (done.isDone()) {
                completions.remove(buildId, done);
            }
        }
    }

    /** Aborts every running build and waits (up to a bound) for them to end. */
    void shutdown() {
        shuttingDown = true;
        List<Long> ids = List.copyOf(running.keySet());
        ids.forEach(id -> Optional.ofNullable(running.get(id)).ifPresent(r -> r.run().abort()));
        Duration bound = env.abortGracePeriod().plusSeconds(5);
        for (Long id : ids) {
            try {
                Build build = await(id, bound);
                if (build.status().isRunning()) {
                    LOG.warn("build {} did not end within {} of being aborted at shutdown", build.describe(), bound);
                }
            } catch (NoSuchElementException e) {
                // deleted meanwhile (with its pipeline or team): nothing left to wait for
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static NoSuchElementException gone(long buildId) {
        return new NoSuchElementException("build " + buildId + " no longer exists (it was deleted with its pipeline"
                + " or team)");
    }
}
