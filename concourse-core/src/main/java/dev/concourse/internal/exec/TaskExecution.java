package dev.concourse.internal.exec;

import dev.concourse.Pipeline;
import dev.concourse.config.ContainerLimits;
import dev.concourse.config.ResourceTypeConfig;
import dev.concourse.config.TaskConfig;
import dev.concourse.config.TaskStep;
import dev.concourse.event.BuildEvent;
import dev.concourse.event.Origin;
import dev.concourse.event.TaskSummary;
import dev.concourse.internal.config.GoDuration;
import dev.concourse.internal.resourcetype.ResourceCancelledException;
import dev.concourse.resource.ResourceException;
import dev.concourse.spi.runtime.Container;
import dev.concourse.spi.runtime.ContainerImage;
import dev.concourse.spi.runtime.ContainerProcess;
import dev.concourse.spi.runtime.ContainerSpec;
import dev.concourse.spi.runtime.ProcessIO;
import dev.concourse.spi.runtime.ProcessSpec;
import dev.concourse.spi.runtime.RuntimeOperationException;
import dev.concourse.spi.runtime.Volume;
import dev.concourse.spi.runtime.Worker;
import dev.concourse.spi.scheduling.PlacementRequest;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of a task step ({@code atc/exec/task_step.go}): resolve the config, emit
 * {@code initialize-task}, find the inputs, place the step on a worker ({@code selected-worker}),
 * fetch the config's {@code image_resource} there (a check, unless it pins a {@code version}, and a
 * get of a resource of its type, kept for the engine's life: {@code ResourceTypeImages#taskImage};
 * no {@code image-check}/{@code image-get} events, a line on the task's stderr instead), apply the
 * image's {@code metadata.json} env (under the task's params) and user (unless {@code run.user}),
 * create the container with its volumes, emit {@code start-task}, stream the output as
 * {@code log} events, register the outputs (whatever the exit status, as Concourse does), emit
 * {@code finish-task}. The step's own {@code timeout} runs from worker selection on, as
 * Concourse's {@code MaybeTimeout}; when it (or an enclosing timeout) expires the step emits
 * {@code error: timeout exceeded} and fails; when the build is aborted it emits
 * {@code error: interrupted} and is aborted. Other problems emit an {@code error} event and error.
 *
 * <p>The container is destroyed when the step ends, whatever the outcome (Concourse keeps failed
 * containers for a while so users can hijack them; there is no hijacking here yet), unless the
 * build keeps its steps' containers for a takeover ({@link BuildRun#keepStepContainers}); then the
 * engine destroys them when the build ends. In a build resumed on another node, a task that
 * finished before is not run again ({@link ResumedSteps}), and one that was running re-attaches.
 */
final class TaskExecution {
    private static final Logger LOG = LoggerFactory.getLogger(TaskExecution.class);
    static final String PROCESS_ID = "task";

    private final RunContext run;
    private final PlanNode.Task node;
    private final TaskStep step;
    private final LogStream stdout;
    private final LogStream stderr;

    TaskExecution(RunContext run, PlanNode.Task node) {
        this.run = run;
        this.node = node;
        this.step = node.step();
        this.stdout = new LogStream(run, node.id(), Origin.Source.STDOUT);
        this.stderr = new LogStream(run, node.id(), Origin.Source.STDERR);
    }

    Result run(Cancellation ctx) {
        if (ctx.isCancelled()) {
            return Result.cancelled(ctx.cause().orElseThrow());
        }
        try {
            return execute(ctx);
        } catch (StepCancelled e) {
            return cancelled(e.why());
        } catch (StepFailure e) {
            return errored(e.getMessage());
        } catch (RuntimeOperationException e) {
            return errored("task '" + step.name() + "' errored in the " + run.env.runtime().id() + " runtime: "
                    + e.getMessage());
        } catch (RuntimeException e) {
            // Anything else a runtime or the host throws is still the step's error, as in Concourse.
            LOG.warn("task '{}' of {} failed unexpectedly", step.name(), run.meta.describe(), e);
            return errored("task '" + step.name() + "' errored: " + e);
        } finally {
            stdout.close();
            stderr.close();
        }
    }

    private Result execute(Cancellation buildCtx) {
        TaskConfig config = TaskConfigResolver.resolve(run, step);
        TaskSummary summary = TaskConfigResolver.summary(config);
        Optional<ResumedSteps.FinishedTask> finished = run.resumed.takeFinished(node.id(),
                ResumedSteps.FinishedTask.class);
        if (finished.isPresent()) {
            return finishedBeforeTakeover(finished.get(), config);
        }
        Optional<Container> previous = run.resumed.take(node.id());
        if (previous.isPresent()) {
            // Its initialize-task and start-task are in the log already, from the node that started it.
            return reattach(previous.get(), config, buildCtx);
        }
        run.emit(new BuildEvent.InitializeTask(run.now(), origin(), summary));

        Volume imageArtifact = null;
        if (step.image() != null && !step.image().isEmpty()) {
            imageArtifact = run.artifacts.find(step.image()).orElseThrow(() -> new StepFailure(
                    "missing image artifact source: " + step.image() + "; make sure there's a corresponding 'get' "
                            + "step, or a task that produces it as an output, before task '" + step.name() + "'"));
        }
        String workingDir = TaskPaths.workingDirectory(step.name());
        List<TaskInputs.Input> inputs = TaskInputs.resolve(run, step, config, workingDir);

        String platform = config.platform() == null || config.platform().isEmpty() ? null : config.platform();
        PlacementRequest request = new PlacementRequest(run.meta.team(), PlacementRequest.StepKind.TASK, platform,
                node.tags(), inputs.stream().map(TaskInputs.Input::artifact).toList());
        try (WorkerSelection.Placed placed = WorkerSelection.select(run, node.id(), request, buildCtx);
                Cancellation ctx = withStepTimeout(buildCtx)) {
            run.emit(new BuildEvent.SelectedWorker(run.now(), origin(), placed.worker().info().name()));
            Volume imageVolume = imageArtifact != null ? imageArtifact : fetchImage(config, placed, ctx);
            ContainerImage image = image(config, imageVolume);
            TaskEntrypoint.Image metadata = TaskEntrypoint.image(imageVolume, step.name());
            TaskConfig.TaskRunConfig command = TaskEntrypoint.command(config, metadata, imageVolume != null,
                    step.name());

            TaskMounts mounts = new TaskMounts(run, placed.worker(), step.privileged(), ownerProperties());
            Container container = null;
            try {
                mounts.create(step.name(), config, inputs, workingDir);
                StepCancelled.check(ctx);
                container = createContainer(placed, containerSpec(config, image, metadata, workingDir, mounts,
                        command));
                StepCancelled.check(ctx);
                run.emit(new BuildEvent.StartTask(run.now(), origin(), withCommand(summary, command)));
                ContainerProcess process = container.run(new ProcessSpec(PROCESS_ID, command.path(), command.args(),
                        Map.of(), TaskPaths.resolve(workingDir, command.dir()), command.user()),
                        new ProcessIO(null, stdout, stderr));
                int exitStatus = TaskProcess.await(run, process, ctx);
                mounts.registerOutputs(step.outputMapping());
                stdout.close();
                stderr.close();
                if (ctx.isCancelled()) {
                    return cancelled(ctx.cause().orElseThrow());
                }
                run.emit(new BuildEvent.FinishTask(run.now(), origin(), exitStatus));
                return Result.of(exitStatus == 0);
            } finally {
                if (!run.keepStepContainers) {
                    destroy(container);
                    mounts.destroyUnclaimed();
                }
            }
        }
    }

    /**
     * A build resumed after a takeover: follows the process the stopped node started in
     * {@code container} to its end, with its further output and exit status, and registers the
     * outputs of that container's volumes. A process that cannot be attached to is not started
     * again (it may have run part-way): the step errors.
     */
    private Result reattach(Container container, TaskConfig config, Cancellation buildCtx) {
        try (Cancellation ctx = withStepTimeout(buildCtx)) {
            ContainerProcess process = container.attach(PROCESS_ID, new ProcessIO(null, stdout, stderr))
                    .orElseThrow(() -> new StepFailure("task '" + step.name() + "' could not be re-attached after"
                            + " this build was taken over: its container " + container.handle() + " on worker "
                            + container.workerName() + " has no process '" + PROCESS_ID + "' the "
                            + run.env.runtime().id() + " runtime can attach to; it is not started again, as it may"
                            + " have run part-way. Trigger the job again"));
            int exitStatus = TaskProcess.await(run, process, ctx);
            registerOutputsOf(container, config);
            stdout.close();
            stderr.close();
            if (ctx.isCancelled()) {
                return cancelled(ctx.cause().orElseThrow());
            }
            run.emit(new BuildEvent.FinishTask(run.now(), origin(), exitStatus));
            return Result.of(exitStatus == 0);
        } finally {
            if (!run.keepStepContainers) {
                destroy(container);
                destroyStepVolumes(container.workerName());
            }
        }
    }

    /**
     * A build resumed after a takeover, whose log says this task finished on the stopped node: it
     * is not run again. Its outcome is its recorded exit status and its outputs are the volumes it
     * left (kept until the build ends), found on the workers by their owner properties; if one is
     * gone the step errors, naming it.
     */
    private Result finishedBeforeTakeover(ResumedSteps.FinishedTask finished, TaskConfig config) {
        Map<String, Volume> outputs = new LinkedHashMap<>();
        for (TaskConfig.TaskOutputConfig output : config.outputs()) {
            Volume volume = keptOutput(output.name()).orElseThrow(() -> new StepFailure("task '" + step.name()
                    + "' finished (exit status " + finished.exitStatus() + ") before " + run.resumed.takeover()
                    + ", and the volume of its output '" + output.name() + "' it left is gone from the workers of"
                    + " the " + run.env.runtime().id() + " runtime; the task is not run again. Trigger the job"
                    + " again"));
            outputs.put(step.outputMapping().getOrDefault(output.name(), output.name()), volume);
        }
        outputs.forEach(run.artifacts::register);
        run.emit(new BuildEvent.Log(run.now(), new Origin(node.id(), Origin.Source.STDERR), "task '" + step.name()
                + "' finished before " + run.resumed.takeover() + " (exit status " + finished.exitStatus() + "); it is"
                + " taken over as finished, not run again" + (outputs.isEmpty() ? "" : "; its outputs are the volumes"
                + " it left") + "\n"));
        return Result.of(finished.exitStatus() == 0);
    }

    /** The volume of the output {@code name} this step made, on any worker. */
    private Optional<Volume> keptOutput(String name) {
        for (Worker worker : run.env.runtime().workers()) {
            Optional<Volume> found = stepVolumes(worker).stream()
                    .filter(v -> name.equals(v.properties().get("concourse:output")))
                    .findFirst();
            if (found.isPresent()) {
                return found;
            }
        }
        return Optional.empty();
    }

    /** The output volumes the stopped node made for this step (by their owner properties), as artifacts. */
    private void registerOutputsOf(Container container, TaskConfig config) {
        Worker worker = run.env.runtime().worker(container.workerName()).orElseThrow(() -> new StepFailure(
                "task '" + step.name() + "': worker " + container.workerName() + " of its re-attached container is"
                        + " gone, so its outputs cannot be found"));
        for (TaskConfig.TaskOutputConfig output : config.outputs()) {
            Volume volume = stepVolumes(worker).stream()
                    .filter(v -> output.name().equals(v.properties().get("concourse:output")))
                    .findFirst()
                    .orElseThrow(() -> new StepFailure("task '" + step.name() + "': the volume of its output '"
                            + output.name() + "' was not found on worker " + worker.info().name()
                            + " after re-attaching; trigger the job again"));
            run.artifacts.register(step.outputMapping().getOrDefault(output.name(), output.name()), volume);
        }
    }

    private List<Volume> stepVolumes(Worker worker) {
        Map<String, String> owner = ownerProperties();
        return worker.volumes().stream()
                .filter(v -> owner.entrySet().stream().allMatch(e -> e.getValue().equals(v.properties().get(e.getKey()))))
                .toList();
    }

    /** Destroys the re-attached step's volumes the build did not take as outputs. */
    private void destroyStepVolumes(String workerName) {
        Optional<Worker> worker = run.env.runtime().worker(workerName);
        if (worker.isEmpty()) {
            return;
        }
        try {
            Set<String> artifacts = new HashSet<>();
            run.artifacts.snapshot().values().forEach(v -> artifacts.add(v.workerName() + "/" + v.handle()));
            for (Volume volume : stepVolumes(worker.get())) {
                if (!artifacts.contains(volume.workerName() + "/" + volume.handle())) {
                    volume.destroy();
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("could not destroy the volumes of re-attached task '{}' in {}: {}", step.name(),
                    run.meta.describe(), e.toString());
        }
    }

    /** The summary as Concourse's {@code start-task} shows it: with the command actually run. */
    private static TaskSummary withCommand(TaskSummary summary, TaskConfig.TaskRunConfig command) {
        return new TaskSummary(summary.platform(), summary.image(), command.path(), command.args(), summary.dir(),
                summary.inputs());
    }

    private Cancellation withStepTimeout(Cancellation ctx) {
        if (step.timeout() == null || step.timeout().isEmpty()) {
            return ctx.child();
        }
        Duration timeout;
        try {
            timeout = GoDuration.parse(StepVars.string(run, step.timeout(), "the timeout of task '" + step.name()
                    + "'"));
        } catch (IllegalArgumentException e) {
            throw new StepFailure("parse timeout: " + e.getMessage() + "; task '" + step.name()
                    + "' needs a duration such as 90s, 10m or 1h30m");
        }
        return ctx.withTimeout(run.env.clock(), timeout);
    }

    private static ContainerImage image(TaskConfig config, Volume imageVolume) {
        if (imageVolume != null) {
            return ContainerImage.fromVolume(imageVolume);
        }
        if (config.rootfsUri() != null && !config.rootfsUri().isEmpty()) {
            return ContainerImage.rootfs(config.rootfsUri());
        }
        return ContainerImage.NONE;
    }

    /**
     * The config's {@code image_resource} fetched on the task's worker (or reused, engine-wide), as
     * a get step would fetch a resource of its type: null when there is none.
     */
    private Volume fetchImage(TaskConfig config, WorkerSelection.Placed placed, Cancellation ctx) {
        TaskConfig.ImageResource imageResource = config.imageResource();
        if (imageResource == null) {
            return null;
        }
        String label = "task '" + step.name() + "'";
        EngineResources engine = run.env.resources();
        if (engine == null) {
            throw new StepFailure(label + " has an image_resource, which needs an engine to fetch it, and this "
                    + "executor runs without one; run the build through PipelineEngine, or use 'image:' with an "
                    + "artifact");
        }
        Pipeline pipeline = run.meta.pipeline() == null
                ? null
                : run.resources.pipeline(engine.storage(), run.meta.buildId()).orElse(null);
        List<ResourceTypeConfig> resourceTypes = pipeline == null ? List.of() : pipeline.config().resourceTypes();
        // image_resource's source and params had their vars resolved with the rest of the config
        // (TaskConfigResolver); the vars passed on are for the sources of custom types.
        try {
            return engine.types().taskImage(pipeline, step.name(), imageResource.type(), resourceTypes,
                    imageResource.source(), imageResource.params(),
                    imageResource.version(), step.privileged(), ResourceSteps.vars(run), placed.worker(), stderr,
                    ResourceSteps.signal(ctx));
        } catch (ResourceCancelledException e) {
            throw ResourceSteps.cancelled(run, ctx);
        } catch (ResourceException e) {
            // Its messages name the task and the image resource.
            throw new StepFailure(e.getMessage(), e);
        }
    }

    private ContainerSpec containerSpec(TaskConfig config, ContainerImage image, TaskEntrypoint.Image metadata,
            String workingDir, TaskMounts mounts, TaskConfig.TaskRunConfig command) {
        // As Concourse's workers: the image's env first, the task's params over it.
        Map<String, String> env = new LinkedHashMap<>(metadata.env());
        if (run.env.externalUrl() != null && !run.env.externalUrl().isEmpty()) {
            env.put("ATC_EXTERNAL_URL", run.env.externalUrl());
        }
        env.putAll(config.params());
        ContainerLimits limits = config.containerLimits();
        ContainerSpec.Limits specLimits = limits == null
                ? ContainerSpec.Limits.NONE
                : new ContainerSpec.Limits(limits.cpu(), limits.memory());
        Map<String, String> properties = new LinkedHashMap<>(ownerProperties());
        properties.put("concourse:type", "task");
        properties.put("concourse:step-name", step.name());
        return new ContainerSpec(null, image, env, command.user(), workingDir, mounts.mounts(), specLimits,
                step.privileged(), properties);
    }

    private Container createContainer(WorkerSelection.Placed placed, ContainerSpec spec) {
        try {
            return placed.worker().createContainer(spec);
        } catch (RuntimeOperationException e) {
            if (spec.image().isNone() && placed.worker().info().isolated()) {
                throw new StepFailure("task '" + step.name() + "': " + e.getMessage() + "; no image specified for "
                        + "the task? Make sure to specify 'image' on your task step or 'image_resource' or "
                        + "'rootfs_uri' in your task config", e);
            }
            throw e;
        }
    }

    private Map<String, String> ownerProperties() {
        return Map.of(
                "concourse:build-id", Long.toString(run.meta.buildId()),
                "concourse:plan-id", node.id());
    }

    private void destroy(Container container) {
        if (container == null) {
            return;
        }
        try {
            container.destroy();
        } catch (RuntimeException e) {
            LOG.warn("could not destroy container {} of task '{}' in {}: {}", container.handle(), step.name(),
                    run.meta.describe(), e.toString());
        }
    }

    /**
     * As Concourse's task step and {@code LogErrorStep}: a timeout fails, an abort is an abort. A
     * hand-over to another engine node ends the step quietly (that node reports how it ends).
     */
    private Result cancelled(Cancellation.Cause cause) {
        stdout.close();
        stderr.close();
        if (cause == Cancellation.Cause.HANDED_OVER) {
            return Result.cancelled(cause);
        }
        if (cause == Cancellation.Cause.DEADLINE_EXCEEDED) {
            run.errored(node.id(), "timeout exceeded");
            return Result.FAILED;
        }
        run.errored(node.id(), "interrupted");
        return Result.cancelled(cause);
    }

    private Result errored(String message) {
        stdout.close();
        stderr.close();
        run.errored(node.id(), message);
        return Result.error(StepError.message(message));
    }

    private Origin origin() {
        return Origin.of(node.id());
    }
}
