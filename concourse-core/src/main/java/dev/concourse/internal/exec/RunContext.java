package dev.concourse.internal.exec;

import dev.concourse.event.BuildEvent;
import dev.concourse.event.Origin;
import dev.concourse.internal.event.BuildEventSink;
import dev.concourse.spi.scheduling.PlacementStrategies;
import dev.concourse.spi.scheduling.PlacementStrategy;
import java.time.Instant;

/**
 * What every step of one build run shares: the environment, the build, its event sink and its
 * artifacts. Thread-safe (the parts are).
 */
final class RunContext {
    final ExecEnvironment env;
    final BuildMetadata meta;
    final ArtifactRepository artifacts;
    final WorkerWaits workerWaits;
    /** The environment's placement chain as one strategy; volume-locality when it is empty. */
    final PlacementStrategy placement;
    private final BuildEventSink sink;
    private final Runnable abortBuild;

    RunContext(ExecEnvironment env, BuildMetadata meta, BuildEventSink sink, ArtifactRepository artifacts,
            Runnable abortBuild) {
        this.env = env;
        this.meta = meta;
        this.sink = sink;
        this.artifacts = artifacts;
        this.abortBuild = abortBuild;
        this.workerWaits = new WorkerWaits();
        this.placement = env.placement().isEmpty()
                ? PlacementStrategies.volumeLocality()
                : PlacementStrategies.chain(env.placement().toArray(PlacementStrategy[]::new));
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
