package dev.concourse.internal.exec;

import dev.concourse.Pipeline;
import dev.concourse.Resource;
import dev.concourse.config.GetStep;
import dev.concourse.config.ResourceConfig;
import dev.concourse.config.VersionConfig;
import dev.concourse.event.BuildEvent;
import dev.concourse.event.Origin;
import dev.concourse.internal.check.CheckOutcome;
import dev.concourse.internal.resourcetype.CancelSignal;
import dev.concourse.internal.resourcetype.ResolvedType;
import dev.concourse.internal.resourcetype.ResourceCall;
import dev.concourse.internal.resourcetype.ResourceCancelledException;
import dev.concourse.resource.MetadataField;
import dev.concourse.resource.ResourceResult;
import dev.concourse.resource.ResourceVersion;
import dev.concourse.resource.Version;
import dev.concourse.spi.runtime.Container;
import dev.concourse.spi.runtime.Volume;
import dev.concourse.spi.runtime.VolumeSpec;
import dev.concourse.spi.runtime.Worker;
import dev.concourse.spi.scheduling.PlacementRequest;
import dev.concourse.spi.storage.BuildInput;
import dev.concourse.spi.storage.BuildCursor;
import dev.concourse.spi.storage.Storage;
import dev.concourse.spi.storage.VersionHistory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of a {@code get} step ({@code atc/exec/get_step.go}): {@code initialize-get}; the
 * resource's source and the step's params with vars resolved; a worker ({@code selected-worker});
 * the resource's type ready (its image fetched for a custom type); the version to fetch;
 * {@code start-get}; the type's {@code in} into a new volume, which becomes the artifact named after
 * the step; {@code finish-get} with the version and metadata.
 *
 * <p>Which version: the one the build was given for this input (the scheduler's); else the one a
 * put before it created (the implicit get of a put); else the step's {@code version:} (pinned
 * fields), the resource's pin, or the latest enabled version ({@code every}: the oldest one newer
 * than the newest the job has used, else the latest). When none is saved, the resource is checked
 * first, as Concourse checks the inputs of a manually triggered build, from the pinned version when
 * there is one.
 *
 * <p>After a successful get the version's metadata is saved, an explicit get of a job build is
 * recorded as the build's input (unless the scheduler recorded the inputs), and the metadata
 * becomes the local var {@code ((.:<step name>))}, as in Concourse.
 *
 * <p>In a build resumed on another node ({@link ResumedSteps}), a get that finished before is not
 * run again: its artifact is the volume it fetched into (kept until the build ends), or, when that
 * is gone, the recorded version is fetched again; one whose script was running re-attaches to it
 * through its kept container and reads its result.
 *
 * <p>Outcomes: the script exits non-zero: {@code finish-get} with its status, the step fails
 * (stderr explains); invalid output, an unknown resource or type, a failed check, no version:
 * an {@code error} event naming the step and resource, the step errors; the step's
 * {@code timeout} passes: {@code error: timeout exceeded...}, the step fails; abort:
 * {@code error: interrupted}.
 */
final class GetExecution {
    private static final Logger LOG = LoggerFactory.getLogger(GetExecution.class);
    /** The property naming the get step on the volume it fetches into. */
    static final String VOLUME_PROPERTY = "concourse:get";

    private final RunContext run;
    private final PlanNode.Get node;
    private final GetStep step;
    private final LogStream stderr;
    private final String label;
    private final ResourceStepGuard guard;
    /** The version this step fetched before a takeover, fetched again because its volume is gone. */
    private Version refetch;

    GetExecution(RunContext run, PlanNode.Get node) {
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
        Optional<ResumedSteps.FinishedGet> finished = run.resumed.takeFinished(node.id(),
                ResumedSteps.FinishedGet.class);
        if (finished.isPresent()) {
            Optional<Result> taken = finishedBeforeTakeover(finished.get());
            if (taken.isPresent()) {
                return taken.get();
            }
            refetch = finished.get().version();
        }
        Optional<Container> running = run.resumed.take(node.id());
        if (running.isPresent()) {
            return reattach(running.get(), buildCtx);
        }
        run.emit(new BuildEvent.InitializeGet(run.now(), origin()));
        EngineResources engine = ResourceSteps.engine(run, label);
        Pipeline pipeline = ResourceSteps.pipeline(run, engine, label);
        Resource resource = ResourceSteps.resource(engine, pipeline, step.resourceName(), label);
        ResourceConfig config = resource.config();
        Map<String, Object> source = ResourceSteps.vars(run).evaluate(config.source(),
                "the source of resource '" + config.name() + "' for " + step.label());
        Map<String, Object> params = ResourceSteps.vars(run).evaluate(step.params(), "the params of " + label);
        PlacementRequest request = new PlacementRequest(run.meta.team(), PlacementRequest.StepKind.GET, null,
                node.tags(), List.of());
        try (WorkerSelection.Placed placed = WorkerSelection.select(run, node.id(), request, buildCtx);
                Cancellation ctx = ResourceSteps.withTimeout(run, buildCtx, step.timeout(), label)) {
            run.emit(new BuildEvent.SelectedWorker(run.now(), origin(), placed.worker().info().name()));
            try {
                return get(engine, pipeline, resource, source, params, placed.worker(), ctx);
            } catch (ResourceCancelledException e) {
                throw ResourceSteps.cancelled(run, ctx);
            }
        }
    }

    private Result get(EngineResources engine, Pipeline pipeline, Resource resource, Map<String, Object> source,
            Map<String, Object> params, Worker worker, Cancellation ctx) {
        CancelSignal cancel = ResourceSteps.signal(ctx);
        ResolvedType type = engine.types().resolve(pipeline, resource.config().type(),
                pipeline.config().resourceTypes(), ResourceSteps.vars(run), worker, stderr, cancel);
        Version version = version(engine, pipeline, resource, worker, cancel);
        StepCancelled.check(ctx);
        Map<String, String> owner = ResourceSteps.ownerProperties(run, node.id());
        Map<String, String> volumeProperties = new LinkedHashMap<>(owner);
        volumeProperties.put(VOLUME_PROPERTY, step.name());
        Volume volume = worker.createVolume(new VolumeSpec(null, null, false, volumeProperties));
        boolean registered = false;
        try {
            run.emit(new BuildEvent.StartGet(run.now(), origin()));
            ResourceCall call = ResourceCall.get(source, params, version,
                    ResourceSteps.environment(run, engine, pipeline), stderr, cancel).withContainerProperties(owner)
                    .withKeptContainers(run.keepStepContainers);
            Optional<ResourceResult> result = ResourceSteps.call(() -> engine.resources().get(type, call, worker,
                    volume), stderr, this::failed);
            if (result.isEmpty()) {
                return Result.FAILED;
            }
            registered = true;
            return fetched(engine, resource, volume, result.get());
        } finally {
            if (!registered) {
                destroy(volume);
            }
        }
    }

    /** The fetch succeeded: the volume becomes the artifact, the result is saved, {@code finish-get}. */
    private Result fetched(EngineResources engine, Resource resource, Volume volume, ResourceResult result) {
        run.artifacts.register(step.name(), volume);
        saveResult(engine, resource, result);
        run.vars.set(step.name(), metadataVar(result.metadata()), false);
        stderr.close();
        run.emit(new BuildEvent.FinishGet(run.now(), origin(), 0, result.version(), result.metadata()));
        return Result.SUCCEEDED;
    }

    // --- a build taken over from a stopped node ----------------------------------------------------

    /**
     * This get finished before the takeover: its outcome is the recorded one, and its artifact the
     * volume it left (kept until the build ends), not fetched again. Empty when that volume is gone:
     * then the step fetches the recorded version again, saying so.
     */
    private Optional<Result> finishedBeforeTakeover(ResumedSteps.FinishedGet finished) {
        if (finished.exitStatus() != 0 || finished.version() == null) {
            line(label + " failed before " + run.resumed.takeover() + " (exit status " + finished.exitStatus()
                    + "); it is taken over as failed, not run again");
            return Optional.of(Result.FAILED);
        }
        Optional<Volume> kept = keptVolume(run.env.runtime().workers());
        if (kept.isEmpty()) {
            line(label + " finished before " + run.resumed.takeover() + " (version " + finished.version()
                    + "), and the volume it fetched into is gone; it is fetched again, the same version, so its"
                    + " events appear twice");
            return Optional.empty();
        }
        run.artifacts.register(step.name(), kept.get());
        run.vars.set(step.name(), metadataVar(finished.metadata()), false);
        line(label + " finished before " + run.resumed.takeover() + " (version " + finished.version() + "); it is"
                + " taken over as finished, not fetched again: its artifact is the volume it fetched into");
        return Optional.of(Result.SUCCEEDED);
    }

    /**
     * This get's script was running when the node that ran it stopped: re-attached to through its
     * kept container, its result read from the script's output, then recorded as a fetch is.
     */
    private Result reattach(Container container, Cancellation buildCtx) {
        EngineResources engine = ResourceSteps.engine(run, label);
        Pipeline pipeline = ResourceSteps.pipeline(run, engine, label);
        Resource resource = ResourceSteps.resource(engine, pipeline, step.resourceName(), label);
        Worker worker = run.env.runtime().worker(container.workerName()).orElseThrow(() -> new StepFailure(label
                + " was fetching when " + run.resumed.takeover() + ", and worker " + container.workerName()
                + " of its container is gone; it is not fetched again. Trigger the job again"));
        Volume volume = keptVolume(List.of(worker)).orElseThrow(() -> new StepFailure(label + " was fetching when "
                + run.resumed.takeover() + ", and the volume it fetched into is gone from worker "
                + worker.info().name() + "; it is not fetched again. Trigger the job again"));
        line(label + " was fetching when " + run.resumed.takeover() + "; re-attached to its script in container "
                + container.handle() + " on worker " + worker.info().name());
        try (Cancellation ctx = ResourceSteps.withTimeout(run, buildCtx, step.timeout(), label)) {
            try {
                return ResourceSteps.call(() -> engine.resources().reattach(container, stderr,
                        ResourceSteps.signal(ctx)), stderr, this::failed)
                        .map(result -> fetched(engine, resource, volume, result)).orElse(Result.FAILED);
            } catch (ResourceCancelledException e) {
                throw ResourceSteps.cancelled(run, ctx);
            }
        }
    }

    /** The script exited non-zero: {@code finish-get} with that status. */
    private void failed(int exitStatus) {
        run.emit(new BuildEvent.FinishGet(run.now(), origin(), exitStatus, null, List.of()));
    }

    /** The volume this step fetched into, on one of {@code workers}. */
    private Optional<Volume> keptVolume(List<Worker> workers) {
        Map<String, String> owner = ResourceSteps.ownerProperties(run, node.id());
        for (Worker worker : workers) {
            for (Volume volume : worker.volumes()) {
                Map<String, String> properties = volume.properties();
                if (step.name().equals(properties.get(VOLUME_PROPERTY))
                        && owner.entrySet().stream().allMatch(e -> e.getValue().equals(properties.get(e.getKey())))) {
                    return Optional.of(volume);
                }
            }
        }
        return Optional.empty();
    }

    private void line(String text) {
        run.emit(new BuildEvent.Log(run.now(), new Origin(node.id(), Origin.Source.STDERR), text + "\n"));
    }

    // --- which version ----------------------------------------------------------------------------

    private Version version(EngineResources engine, Pipeline pipeline, Resource resource, Worker worker,
            CancelSignal cancel) {
        if (refetch != null) {
            return refetch;
        }
        if (node.versionFrom() != null) {
            return run.resources.result(node.versionFrom()).orElseThrow(() -> new StepFailure(label
                    + ": the version is missing from the put step before it"));
        }
        Optional<Version> resolved = run.resources.resolvedInput(step.name());
        if (resolved.isPresent()) {
            return resolved.get();
        }
        Map<String, String> pinned = step.version() != null && step.version().mode() == VersionConfig.Mode.PINNED
                ? step.version().pinned() : resource.pinnedVersion();
        Optional<ResourceVersion> found = saved(engine.storage(), resource, pinned);
        if (found.isEmpty()) {
            // No version yet: check, as Concourse checks the inputs of a manually triggered build.
            CheckOutcome outcome = engine.checker().check(pipeline, resource,
                    pinned.isEmpty() ? null : new Version(pinned), ResourceSteps.vars(run), worker, stderr, cancel);
            if (!outcome.succeeded()) {
                throw new StepFailure(label + ": " + outcome.error());
            }
            found = saved(engine.storage(), resource, pinned);
        }
        return found.map(ResourceVersion::version).orElseThrow(() -> new StepFailure(label + ": resource '"
                + resource.ref().name() + "' has no " + (pinned.isEmpty() ? "" : "enabled ") + "version"
                + (pinned.isEmpty() ? "" : " matching " + new Version(pinned)) + " even after a check; "
                + (pinned.isEmpty() ? "its check found none (is its source right?), or all its versions are disabled"
                        : "pin a version the resource has")));
    }

    private Optional<ResourceVersion> saved(Storage storage, Resource resource, Map<String, String> pinned) {
        VersionHistory history = storage.history();
        long id = resource.id();
        if (!pinned.isEmpty()) {
            return history.findVersion(id, pinned).filter(v -> !history.isDisabled(id, v.id()));
        }
        if (step.version() != null && step.version().mode() == VersionConfig.Mode.EVERY && run.meta.jobId() != 0) {
            Optional<ResourceVersion> next = history.latestUse(run.meta.jobId(), id)
                    .flatMap(use -> history.versionsAbove(id, use.version().checkOrder(), 1).stream().findFirst());
            if (next.isPresent()) {
                return next;
            }
        }
        return history.latestVersion(id);
    }

    // --- recording ---------------------------------------------------------------------------------

    private void saveResult(EngineResources engine, Resource stale, ResourceResult result) {
        Storage storage = engine.storage();
        Optional<Resource> current = storage.pipelines().resource(stale.id());
        long scopeId = current.map(Resource::scopeId).orElse(0L);
        if (scopeId == 0) {
            return;
        }
        storage.versions().updateMetadata(scopeId, result.version(), result.metadata());
        if (node.versionFrom() != null || run.meta.jobId() == 0 || run.resources.hasResolvedInputs()) {
            return;
        }
        storage.history().findVersion(stale.id(), result.version().fields())
                .ifPresent(version -> recordInput(storage, stale.id(), version.id()));
    }

    /** Adds this input to the build's recorded inputs (replacing one of the same name), keeping its pipes. */
    private void recordInput(Storage storage, long resourceId, long versionId) {
        synchronized (run.resources.inputsLock()) {
            long buildId = run.meta.buildId();
            List<BuildInput> inputs = new ArrayList<>();
            for (BuildInput input : storage.builds().inputs(buildId)) {
                if (!input.name().equals(step.name())) {
                    inputs.add(input);
                }
            }
            boolean first = storage.history().isFirstOccurrence(run.meta.jobId(), step.name(), resourceId, versionId);
            inputs.add(new BuildInput(step.name(), resourceId, versionId, first));
            List<Long> pipes = storage.history().pipesTo(buildId).stream().map(BuildCursor::id).toList();
            storage.builds().saveInputs(buildId, inputs, pipes);
        }
    }

    /** The metadata as the local var Concourse sets: a map of name to value. */
    private static Map<String, Object> metadataVar(List<MetadataField> metadata) {
        Map<String, Object> fields = new LinkedHashMap<>();
        for (MetadataField field : metadata) {
            fields.put(field.name(), field.value());
        }
        return fields;
    }

    // --- outcomes ----------------------------------------------------------------------------------

    private void destroy(Volume volume) {
        try {
            volume.destroy();
        } catch (RuntimeException e) {
            LOG.warn("could not destroy volume {} of {} in {}: {}", volume.handle(), label, run.meta.describe(),
                    e.toString());
        }
    }

    private Origin origin() {
        return Origin.of(node.id());
    }
}
