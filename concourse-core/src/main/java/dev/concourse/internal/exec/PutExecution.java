package dev.concourse.internal.exec;

import dev.concourse.Pipeline;
import dev.concourse.Resource;
import dev.concourse.config.PutStep;
import dev.concourse.config.ResourceConfig;
import dev.concourse.event.BuildEvent;
import dev.concourse.event.Origin;
import dev.concourse.internal.resourcetype.CancelSignal;
import dev.concourse.internal.resourcetype.ResolvedType;
import dev.concourse.internal.resourcetype.ResourceCall;
import dev.concourse.internal.resourcetype.ResourceCancelledException;
import dev.concourse.resource.ResourceResult;
import dev.concourse.resource.ResourceVersion;
import dev.concourse.spi.runtime.Container;
import dev.concourse.spi.runtime.Volume;
import dev.concourse.spi.runtime.Worker;
import dev.concourse.spi.scheduling.PlacementRequest;
import dev.concourse.spi.storage.BuildOutput;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One run of a {@code put} step ({@code atc/exec/put_step.go}): {@code initialize-put}; source and
 * params with vars resolved; the artifacts it sees ({@link PutInputs}); a worker, preferring those
 * that hold the artifacts ({@code selected-worker}); the resource's type ready;
 * {@code start-put}; the type's {@code out} with the artifacts under its directory; the created
 * version saved to the resource's history (on top when new), recorded as the build's output and
 * kept for the implicit get that follows; {@code finish-put} with the version and metadata.
 *
 * <p>Outcomes as for {@link GetExecution}: a non-zero exit is {@code finish-put} with that status
 * and a failed step; other problems are an {@code error} event naming the step and resource.
 *
 * <p>In a build resumed on another node ({@link ResumedSteps}), a put that finished before is not
 * run again (its result is its recorded version, which its implicit get fetches), and one whose
 * script was running re-attaches to it through its kept container and records its result.
 */
final class PutExecution {

    private final RunContext run;
    private final PlanNode.Put node;
    private final PutStep step;
    private final LogStream stderr;
    private final String label;
    private final ResourceStepGuard guard;

    PutExecution(RunContext run, PlanNode.Put node) {
        this.run = run;
        this.node = node;
        this.step = node.step();
        this.stderr = new LogStream(run, node.id(), Origin.Source.STDERR);
        this.label = step.label() + " of resource '" + step.resourceName() + "'";
        this.guard = new ResourceStepGuard(run, node.id(), stderr, label, step.timeout());
    }

    Result run(Cancellation ctx) {
        return guard.run(ctx, this::execute);
    }

    private Result execute(Cancellation buildCtx) {
        Optional<ResumedSteps.FinishedPut> finished = run.resumed.takeFinished(node.id(),
                ResumedSteps.FinishedPut.class);
        if (finished.isPresent()) {
            return finishedBeforeTakeover(finished.get());
        }
        Optional<Container> running = run.resumed.take(node.id());
        if (running.isEmpty()) {
            run.emit(new BuildEvent.InitializePut(run.now(), origin()));
        }
        EngineResources engine = ResourceSteps.engine(run, label);
        Pipeline pipeline = ResourceSteps.pipeline(run, engine, label);
        Resource resource = ResourceSteps.resource(engine, pipeline, step.resourceName(), label);
        ResourceConfig config = resource.config();
        Map<String, Object> source = ResourceSteps.vars(run).evaluate(config.source(),
                "the source of resource '" + config.name() + "' for " + step.label());
        if (running.isPresent()) {
            return reattach(running.get(), engine, resource, source, buildCtx);
        }
        Map<String, Object> params = ResourceSteps.vars(run).evaluate(step.params(), "the params of " + label);
        Map<String, Volume> inputs = PutInputs.find(step.inputs(), step.params(), run.artifacts, label);
        PlacementRequest request = new PlacementRequest(run.meta.team(), PlacementRequest.StepKind.PUT, null,
                node.tags(), List.copyOf(inputs.values()));
        try (WorkerSelection.Placed placed = WorkerSelection.select(run, node.id(), request, buildCtx);
                Cancellation ctx = ResourceSteps.withTimeout(run, buildCtx, step.timeout(), label)) {
            run.emit(new BuildEvent.SelectedWorker(run.now(), origin(), placed.worker().info().name()));
            try {
                return put(engine, pipeline, resource, source, params, inputs, placed.worker(), ctx);
            } catch (ResourceCancelledException e) {
                throw ResourceSteps.cancelled(run, ctx);
            }
        }
    }

    private Result put(EngineResources engine, Pipeline pipeline, Resource resource, Map<String, Object> source,
            Map<String, Object> params, Map<String, Volume> inputs, Worker worker, Cancellation ctx) {
        CancelSignal cancel = ResourceSteps.signal(ctx);
        ResolvedType type = engine.types().resolve(pipeline, resource.config().type(),
                pipeline.config().resourceTypes(), ResourceSteps.vars(run), worker, stderr, cancel);
        StepCancelled.check(ctx);
        run.emit(new BuildEvent.StartPut(run.now(), origin()));
        ResourceCall call = ResourceCall.put(source, params, ResourceSteps.environment(run, engine, pipeline), stderr,
                cancel).withContainerProperties(ResourceSteps.ownerProperties(run, node.id()))
                .withKeptContainers(run.keepStepContainers);
        return ResourceSteps.call(() -> engine.resources().put(type, call, worker, inputs), stderr, this::failed)
                .map(result -> created(engine, resource, source, result)).orElse(Result.FAILED);
    }

    /** The script exited non-zero: {@code finish-put} with that status. */
    private void failed(int exitStatus) {
        run.emit(new BuildEvent.FinishPut(run.now(), origin(), exitStatus, null, List.of()));
    }

    /** The put succeeded: its version saved, recorded as the build's output and kept for the implicit get. */
    private Result created(EngineResources engine, Resource resource, Map<String, Object> source,
            ResourceResult result) {
        long scopeId = engine.checker().assignScope(resource, source);
        ResourceVersion saved = engine.storage().versions().saveVersion(scopeId, result.version(), result.metadata(),
                run.now());
        if (run.meta.jobId() != 0) {
            engine.storage().builds().saveOutputs(run.meta.buildId(),
                    List.of(new BuildOutput(step.name(), resource.id(), saved.id())));
        }
        engine.scheduling().resource(resource.id());
        run.resources.storeResult(node.id(), result.version());
        stderr.close();
        run.emit(new BuildEvent.FinishPut(run.now(), origin(), 0, result.version(), result.metadata()));
        return Result.SUCCEEDED;
    }

    // --- a build taken over from a stopped node ----------------------------------------------------

    /** This put finished before the takeover: its outcome and version are the recorded ones; not run again. */
    private Result finishedBeforeTakeover(ResumedSteps.FinishedPut finished) {
        if (finished.exitStatus() != 0 || finished.version() == null) {
            line(label + " failed before " + run.resumed.takeover() + " (exit status " + finished.exitStatus()
                    + "); it is taken over as failed, not run again");
            return Result.FAILED;
        }
        run.resources.storeResult(node.id(), finished.version());
        line(label + " finished before " + run.resumed.takeover() + " (version " + finished.version() + "); it is"
                + " taken over as finished, not run again");
        return Result.SUCCEEDED;
    }

    /**
     * This put's script was running when the node that ran it stopped: re-attached to through its
     * kept container, its result read from the script's output (or the result it cached), then
     * recorded as a put's is.
     */
    private Result reattach(Container container, EngineResources engine, Resource resource,
            Map<String, Object> source, Cancellation buildCtx) {
        line(label + " was running when " + run.resumed.takeover() + "; re-attached to its script in container "
                + container.handle() + " on worker " + container.workerName());
        try (Cancellation ctx = ResourceSteps.withTimeout(run, buildCtx, step.timeout(), label)) {
            try {
                return ResourceSteps.call(() -> engine.resources().reattach(container, stderr,
                        ResourceSteps.signal(ctx)), stderr, this::failed)
                        .map(result -> created(engine, resource, source, result)).orElse(Result.FAILED);
            } catch (ResourceCancelledException e) {
                throw ResourceSteps.cancelled(run, ctx);
            }
        }
    }

    private void line(String text) {
        run.emit(new BuildEvent.Log(run.now(), new Origin(node.id(), Origin.Source.STDERR), text + "\n"));
    }

    private Origin origin() {
        return Origin.of(node.id());
    }
}
