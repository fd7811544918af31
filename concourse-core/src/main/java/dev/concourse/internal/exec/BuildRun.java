package dev.concourse.internal.exec;

import dev.concourse.BuildStatus;
import dev.concourse.internal.event.BuildEventSink;
import dev.concourse.internal.redact.SecretTracker;
import dev.concourse.resource.Version;
import dev.concourse.spi.runtime.Volume;
import dev.concourse.vars.StaticVariables;
import dev.concourse.vars.Variables;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of a build's plan. {@link #run} executes the plan on the calling thread (branches of
 * {@code in_parallel} on the environment's executor) and emits the steps' events
 * ({@code initialize-task}, {@code selected-worker}, {@code log}, {@code error}...) to the sink;
 * the build's {@code status} events are the engine's to emit.
 *
 * <p>The outcome is Concourse's ({@code atc/engine/engine.go finish}): aborted when the plan
 * ended in an abort, errored when it ended in an error, succeeded or failed otherwise.
 *
 * <p>Lifecycle: construct, {@link #run} once, read {@link #artifacts()}, then {@link #close()} to
 * destroy the volumes the run created. {@link #abort()} and {@link #handOver()} may be called from
 * any thread at any time.
 */
public final class BuildRun implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BuildRun.class);

    private final RunContext context;
    private final Cancellation root = Cancellation.detached();
    private final AtomicBoolean started = new AtomicBoolean();

    /**
     * A run without credentials: {@code ((vars))} other than local ones are undefined.
     *
     * @see #BuildRun(ExecEnvironment, BuildMetadata, BuildEventSink, Map, Variables, SecretTracker)
     */
    public BuildRun(ExecEnvironment env, BuildMetadata meta, BuildEventSink events,
            Map<String, Volume> initialArtifacts) {
        this(env, meta, events, initialArtifacts, StaticVariables.empty(), new SecretTracker());
    }

    /**
     * @param env               the engine's environment
     * @param meta              the build
     * @param events            where step events go; give it redacting with {@code tracker}
     * @param initialArtifacts  artifacts the build starts with (the inputs of a one-off build); the
     *                          caller owns these volumes, {@link #close()} leaves them alone
     * @param credentials       the build's credential vars: what {@code ((vars))} other than local
     *                          ones ({@code ((.:name))}) resolve against when a step runs
     * @param tracker           the build's secrets; {@code load_var} adds the values it loads
     *                          (unless {@code reveal: true}), as {@code credentials} adds those it
     *                          finds
     */
    public BuildRun(ExecEnvironment env, BuildMetadata meta, BuildEventSink events,
            Map<String, Volume> initialArtifacts, Variables credentials, SecretTracker tracker) {
        Objects.requireNonNull(env, "env");
        Objects.requireNonNull(meta, "meta");
        Objects.requireNonNull(events, "events");
        BuildVariables vars = BuildVariables.root(Objects.requireNonNull(credentials, "credentials"),
                Objects.requireNonNull(tracker, "tracker"));
        this.context = new RunContext(env, meta, events, new ArtifactRepository(Map.copyOf(initialArtifacts)),
                vars, this::abort);
    }

    /**
     * Gives the build the versions of its inputs, by get step name, as the scheduler resolved and
     * recorded them: those get steps fetch exactly these versions and record nothing. Gets not named
     * here pick their version themselves (see {@code GetExecution}). Call before {@link #run}.
     */
    public void useInputs(Map<String, Version> inputs) {
        Objects.requireNonNull(inputs, "inputs");
        if (started.get()) {
            throw new IllegalStateException(context.meta.describe() + " is running already; give it its inputs before");
        }
        context.resources.useInputs(inputs);
    }

    /**
     * The steps of a build resumed on another node: those that finished (not run again) and the
     * containers of those that were running (re-attached to); add to them before {@link #run}.
     */
    public ResumedSteps resumed() {
        return context.resumed;
    }

    /**
     * Makes every step keep its containers and volumes until the build ends instead of destroying
     * them when it ends, so that a node taking the build over can resume it past finished steps;
     * the caller destroys them when the build ended (they carry the property
     * {@code concourse:build-id}). Call before {@link #run}.
     */
    public void keepStepContainers() {
        if (started.get()) {
            throw new IllegalStateException(context.meta.describe() + " is running already");
        }
        context.keepStepContainers = true;
    }

    /**
     * Runs the plan until it is done and returns {@link BuildStatus#SUCCEEDED},
     * {@link BuildStatus#FAILED}, {@link BuildStatus#ERRORED} or {@link BuildStatus#ABORTED}. If
     * the build was aborted before, nothing runs and the result is {@code ABORTED}. Interrupting
     * the calling thread aborts the build (its interrupt status is kept).
     *
     * @throws IllegalStateException when called a second time
     */
    public BuildStatus run(PlannedStep plan) {
        Objects.requireNonNull(plan, "plan");
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException(context.meta.describe() + " has been run already; plan a new build");
        }
        if (root.isCancelled()) {
            return BuildStatus.ABORTED;
        }
        Result result = new StepRunner(context).runGuarded(plan.root(), root);
        return statusOf(result);
    }

    /**
     * Aborts the build: running processes get TERMINATE, then KILL after the grace period; steps
     * not started yet never start; {@code on_abort} and {@code ensure} hooks run. Idempotent.
     */
    public void abort() {
        root.cancel(Cancellation.Cause.ABORTED);
    }

    /**
     * Hands the build over to another engine node, which took it over and now owns it: nothing of
     * it goes on here, quietly. No step and no hook of any kind ({@code on_abort}, {@code ensure}...)
     * starts any more; running processes are detached ({@code ContainerProcess#detach}), not
     * signalled, so the new owner keeps following them, and only those a runtime cannot detach
     * get TERMINATE, then KILL, as on an abort (nobody else can ever follow them). {@link #run}
     * then returns soon with {@link BuildStatus#ABORTED}; the caller stores nothing of the build.
     * Idempotent, and it wins over an abort in progress (its pending KILLs of detached processes
     * are dropped).
     */
    public void handOver() {
        root.handOver();
    }

    /** Whether {@link #abort()} or {@link #handOver()} was called. */
    public boolean isAborted() {
        return root.isCancelled();
    }

    /** The artifacts registered so far by name (the initial ones and task outputs); a snapshot. */
    public Map<String, Volume> artifacts() {
        return context.artifacts.snapshot();
    }

    /**
     * Destroys the volumes this run created and still owns (task outputs, including those
     * replaced by a later output of the same name). Persistent task caches stay, and so do the
     * initial artifacts. Call it after {@link #run} returned and its artifacts were copied
     * where they are needed; volumes that cannot be destroyed are logged and skipped.
     */
    @Override
    public void close() {
        for (Volume volume : context.artifacts.releaseOwned()) {
            try {
                volume.destroy();
            } catch (RuntimeException e) {
                LOG.warn("could not destroy volume {} of {}: {}", volume.handle(), context.meta.describe(),
                        e.toString());
            }
        }
    }

    static BuildStatus statusOf(Result result) {
        if (result.isAborted()) {
            return BuildStatus.ABORTED;
        }
        if (result.hasError()) {
            return BuildStatus.ERRORED;
        }
        return result.ok() ? BuildStatus.SUCCEEDED : BuildStatus.FAILED;
    }
}
