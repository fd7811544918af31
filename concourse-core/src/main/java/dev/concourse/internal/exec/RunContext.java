package dev.concourse.internal.exec;

import dev.concourse.event.BuildEvent;
import dev.concourse.event.Origin;
import dev.concourse.internal.event.BuildEventSink;
import dev.concourse.spi.scheduling.PlacementStrategies;
import dev.concourse.spi.scheduling.PlacementStrategy;
import java.time.Instant;

/**
 * What every step of one build run shares: the environment, the build, its event sink, its
 * artifacts, and the vars of the scope the step runs in ({@link #withVars} makes the context of
 * an {@code across} substep, which differs only in that). Thread-safe (the parts are).
 */
final class RunContext {
    final ExecEnvironment env;
    final BuildMetadata meta;
    final ArtifactRepository artifacts;
    final WorkerWaits workerWaits;
    /** The environment's placement chain as one strategy; volume-locality when it is empty. */
    final PlacementStrategy placement;
    /** The vars of this scope: local vars over the build's credential vars. */
    final BuildVariables vars;
    /** What the build's get and put steps share (its pipeline, resolved inputs, put results). */
    final ResourceRun resources;
    /** Steps a build taken over from a stopped node finished or runs (containers to re-attach to); usually empty. */
    final ResumedSteps resumed;
    /**
     * Whether steps keep their containers (and volumes) until the build ends instead of destroying
     * them when they end: set for builds another node may take over and resume ({@link BuildRun#keepStepContainers}).
     */
    volatile boolean keepStepContainers;
    private final BuildEventSink sink;
    private final Runnable abortBuild;

    RunContext(ExecEnvironment env, BuildMetadata meta, BuildEventSink sink, ArtifactRepository artifacts,
            BuildVariables vars, Runnable abortBuild) {
        this.env = env;
        this.meta = meta;
        this.sink = sink;
        this.artifacts = artifacts;
        this.vars = vars;
        this.abortBuild = abortBuild;
        this.resources = new ResourceRun();
        this.resumed = new ResumedSteps();
        this.workerWaits = new WorkerWaits();
        this.placement = env.placement().isEmpty()
                ? PlacementStrategies.volumeLocality()
                : PlacementStrategies.chain(env.placement().toArray(PlacementStrategy[]::new));
    }

    private RunContext(RunContext shared, BuildVariables vars) {
        this.env = shared.env;
        this.meta = shared.meta;
        this.sink = shared.sink;
        this.artifacts = shared.artifacts;
        this.abortBuild = shared.abortBuild;
        this.workerWaits = shared.workerWaits;
        this.placement = shared.placement;
        this.resources = shared.resources;
        this.resumed = shared.resumed;
        this.keepStepContainers = shared.keepStepContainers;
        this.vars = vars;
    }

    /** This context with other vars (a child scope). */
    RunContext withVars(BuildVariables scope) {
        return new RunContext(this, scope);
    }

    Instant now() {
        return env.clock().now();
    }

    void emit(BuildEvent event) {
        sink.emit(event);
    }

    /** An {@code error} event of the step {@code planId}. */
    void errored(String planId, String message) {
        sink.emit(new BuildEvent.Error(now(), Origin.of(planId), message));
    }

    /**
     * The thread running a step was interrupted. There is no one to hand the interrupt to (the
     * step tree runs to its end), so it means what it means to the host: stop, as an abort.
     */
    void interrupted() {
        abortBuild.run();
    }
}
