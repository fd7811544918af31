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
import dev.concourse.internal.redact.SecretTracker;
import dev.concourse.internal.scheduler.EngineActivity;
import dev.concourse.resource.Version;
import dev.concourse.spi.runtime.Volume;
import dev.concourse.spi.storage.Storage;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
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

    private final Storage storage;
    private final ExecEnvironment env;
    private final EventLogs logs;
    private final EngineCredentials credentials;
    private final BuildSetPipelines setByBuilds;
    private final ConcurrentMap<Long, Running> running = new ConcurrentHashMap<>();
    private final ConcurrentMap<Long, CompletableFuture<Build>> completions = new ConcurrentHashMap<>();
    private volatile boolean shuttingDown;
    private volatile Consumer<Build> jobBuildFinished = build -> { };
    private final List<BuildListener> listeners = new CopyOnWriteArrayList<>();
    private final EngineActivity activity;

    BuildLauncher(Storage storage, ExecEnvironment env, EventLogs logs, EngineCredentials credentials,
            BuildSetPipelines setByBuilds, EngineActivity activity) {
        this.activity = activity;
        this.storage = storage;
        this.env = env;
        this.logs = logs;
        this.credentials = credentials;
        this.setByBuilds = setByBuilds;
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
        launch(pending, job.config().asStep(), job.config().tags(), Map.of(), job.id(), inputs, (run, events, status) -> {
            if (status == BuildStatus.SUCCEEDED) {
                try {
                    setByBuilds.jobBuildSucceeded(job.id(), pending.id(), pending.describe());
                } catch (RuntimeException e) {
                    // The build's outcome stands; the pipelines stay until the job's next success.
                    LOG.error("build {} succeeded, but archiving the pipelines its job no longer sets failed",
                            pending.describe(), e);
                }
            }
            return status;
        });
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
        if (shuttingDown) {
            return;
        }
        PlannedStep planned = BuildPlanner.plan(step, tags);
        BuildPlan plan = BuildPlanner.describe(planned);
        Optional<Build> started = storage.builds().start(pending.id(), JSON.writeValueAsString(plan), env.clock().now());
        if (started.isEmpty()) {
            return;
        }
        Build build = started.get();
        BuildEventLog log = logOf(build.id());
        log.emit(new BuildEvent.Status(env.clock().now(), BuildStatus.STARTED));
        PipelineRef pipeline = build.pipeline();
        SecretTracker tracker = new SecretTracker();
        BuildEventSink events = credentials.redacting(log, tracker);
        CredentialVariables vars = credentials.forBuild(build.team(), pipeline == null ? null : pipeline.name(),
                varSources(pipeline), tracker);
        BuildMetadata meta = new BuildMetadata(build.id(), build.name(), build.team(),
                pipeline == null ? null : pipeline.name(), build.job(), jobId,
                pipeline == null ? Map.of() : pipeline.instanceVars());
        BuildRun run = new BuildRun(env, meta, events, artifacts, vars, tracker);
        if (!inputs.isEmpty()) {
            run.useInputs(inputs);
        }
        activity.begin();
        running.put(build.id(), new Running(run, plan));
        try {
            env.executor().execute(() -> runToEnd(build, run, planned, events, finisher));
        } catch (RuntimeException e) {
            running.remove(build.id());
            activity.end();
            throw e;
        }
    }

    private List<VarSourceConfig> varSources(PipelineRef pipeline) {
        if (pipeline == null) {
            return List.of();
        }
        return storage.pipelines().find(pipeline).map(p -> p.config().varSources()).orElse(List.of());
    }

    private void runToEnd(Build build, BuildRun run, PlannedStep planned, BuildEventSink events, Finisher finisher) {
        BuildStatus status;
        try {
            status = finisher.finish(run, events, run.run(planned));
        } catch (RuntimeException e) {
            LOG.error("build {} crashed", build.describe(), e);
            events.emit(new BuildEvent.Error(env.clock().now(), null, "the engine failed while running this build: "
                    + e + "; this is a bug, please report it with the build's events"));
            status = BuildStatus.ERRORED;
        }
        try {
            run.close();
        } finally {
            try {
                end(build.id(), status, events);
            } finally {
                running.remove(build.id());
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

    private synchronized BuildEventLog logOf(long buildId) {
        return logs.live(buildId).orElseGet(() -> logs.open(buildId));
    }

    /** Emits the final status through {@code events} (a redacting sink flushes what it held back first). */
    private void end(long buildId, BuildStatus status, BuildEventSink events) {
        events.emit(new BuildEvent.Status(env.clock().now(), status));
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
            finished = storage.builds().finish(buildId, status, env.clock().now());
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
            end(buildId, BuildStatus.ABORTED, log);
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
            Build now = storage.builds().find(buildId).orElseThrow();
            if (now.status().isFinished()) {
                return now;
            }
            return done.get(Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return storage.builds().find(buildId).orElseThrow();
        } catch (ExecutionException e) {
            throw new IllegalStateException("waiting for build " + buildId + " failed", e.getCause());
        } finally {
            if (done.isDone()) {
                completions.remove(buildId, done);
            }
        }
    }

    /**
     * After a restart: builds left started by an engine that stopped cannot be re-attached on this
     * runtime, so they end errored with an event saying why; pending job builds wait for the scheduler.
     */
    void recover() {
        for (Build build : storage.builds().listByStatus(EnumSet.of(BuildStatus.STARTED))) {
            if (running.containsKey(build.id())) {
                continue;
            }
            BuildEventLog log = logOf(build.id());
            log.emit(new BuildEvent.Error(env.clock().now(), null, "the engine stopped while this build was running,"
                    + " and its steps could not be re-attached; trigger the job again"));
            end(build.id(), BuildStatus.ERRORED, log);
        }
        List<Build> pending = storage.builds().listByStatus(EnumSet.of(BuildStatus.PENDING));
        for (Build build : pending) {
            if (build.isOneOff()) {
                BuildEventLog log = logOf(build.id());
                log.emit(new BuildEvent.Error(env.clock().now(), null,
                        "the engine stopped before this one-off build started; its inputs are gone, run it again"));
                end(build.id(), BuildStatus.ERRORED, log);
                continue;
            }
            // The scheduler starts pending job builds with their inputs once it runs.
            created(build);
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
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
