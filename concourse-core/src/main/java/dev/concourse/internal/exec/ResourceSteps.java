package dev.concourse.internal.exec;

import dev.concourse.Pipeline;
import dev.concourse.Resource;
import dev.concourse.Team;
import dev.concourse.internal.check.SourceEvaluator;
import dev.concourse.internal.config.GoDuration;
import dev.concourse.internal.resourcetype.BuildEnvironment;
import dev.concourse.internal.resourcetype.CancelSignal;
import dev.concourse.internal.resourcetype.ResourceCancelledException;
import dev.concourse.resource.ResourceException;
import dev.concourse.resource.ResourceResult;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntConsumer;
import java.util.function.Supplier;

/**
 * What the {@code get} and {@code put} executions share: finding the step's pipeline and resource,
 * resolving vars, the build metadata environment, the step's own {@code timeout}, and the
 * executor's cancellation as the resource facade's {@link CancelSignal}.
 */
final class ResourceSteps {

    private ResourceSteps() {
    }

    static EngineResources engine(RunContext run, String label) {
        EngineResources engine = run.env.resources();
        if (engine == null) {
            throw new StepFailure(label + ": this executor runs without an engine, so it has no resources; run the "
                    + "build through PipelineEngine");
        }
        return engine;
    }

    /** The build's pipeline; a one-off build has none, so it cannot get or put. */
    static Pipeline pipeline(RunContext run, EngineResources engine, String label) {
        if (run.meta.pipeline() == null) {
            throw new StepFailure(label + ": a one-off build has no pipeline and so no resources; run the step in a "
                    + "job of a pipeline that declares the resource, or pass the files as an input of the build");
        }
        return run.resources.pipeline(engine.storage(), run.meta.buildId()).orElseThrow(() -> new StepFailure(
                label + ": the build's pipeline '" + run.meta.pipeline() + "' no longer exists"));
    }

    /** The resource as stored now (its scope and pin change as checks and puts run). */
    static Resource resource(EngineResources engine, Pipeline pipeline, String name, String label) {
        return engine.storage().pipelines().resource(pipeline.ref().resource(name)).orElseThrow(() -> new StepFailure(
                label + ": pipeline '" + pipeline.ref() + "' has no resource '" + name + "' (any more); declare it "
                        + "under resources: and set the pipeline again"));
    }

    /** Resolves vars with the build's vars (credentials, var_sources, local vars); every var must be defined. */
    static SourceEvaluator vars(RunContext run) {
        return new SourceEvaluator() {
            @Override
            public Map<String, Object> evaluate(Map<String, Object> tree, String what) {
                return tree.isEmpty() ? tree : SourceEvaluator.asMap(StepVars.tree(run, tree, what), what);
            }

            @Override
            public String redact(String text) {
                return text == null ? null : run.vars.tracker().redact(text);
            }
        };
    }

    /**
     * Concourse's {@code StepMetadata.Env()} for this build: {@code BUILD_CREATED_BY} only when the
     * resource has {@code expose_build_created_by} (builds record no creator yet, so it is never
     * set), {@code BUILD_STATUS} never (Concourse sets it only inside hooks).
     */
    static Map<String, String> environment(RunContext run, EngineResources engine, Pipeline pipeline) {
        long teamId = engine.storage().teams().find(run.meta.team()).map(Team::id).orElse(0L);
        return new BuildEnvironment(run.meta.buildId(), run.meta.buildName(), teamId, run.meta.team(),
                run.meta.jobId(), run.meta.job(), pipeline.id(), pipeline.ref().name(), pipeline.ref().instanceVars(),
                run.env.externalUrl(), null, null).variables();
    }

    /** A child of {@code ctx} that ends with a deadline after the step's own {@code timeout}, if it has one. */
    static Cancellation withTimeout(RunContext run, Cancellation ctx, String timeout, String label) {
        if (timeout == null || timeout.isEmpty()) {
            return ctx.child();
        }
        Duration duration;
        try {
            duration = GoDuration.parse(StepVars.string(run, timeout, "the timeout of " + label));
        } catch (IllegalArgumentException e) {
            throw new StepFailure("parse timeout: " + e.getMessage() + "; " + label
                    + " needs a duration such as 90s, 10m or 1h30m");
        }
        return ctx.withTimeout(run.env.clock(), duration);
    }

    /**
     * A resource call ended cancelled: because the step's context was (abort, timeout, a hand-over to
     * another engine node: then with that cause, whatever cancelled the context first), or because
     * the thread running the step was interrupted, which means what it means to the host, an abort
     * of the build (as for tasks).
     */
    static StepCancelled cancelled(RunContext run, Cancellation ctx) {
        if (!ctx.isCancelled() && Thread.currentThread().isInterrupted()) {
            run.interrupted();
        }
        if (ctx.isHandedOver()) {
            return new StepCancelled(Cancellation.Cause.HANDED_OVER);
        }
        return new StepCancelled(ctx.cause().orElse(Cancellation.Cause.ABORTED));
    }

    /** The executor's cancellation as the resource facade sees it. */
    static CancelSignal signal(Cancellation ctx) {
        return new CancelSignal() {
            @Override
            public boolean isCancelled() {
                return ctx.isCancelled();
            }

            @Override
            public Registration onCancel(Runnable listener) {
                Cancellation.Registration registration = ctx.onCancel(listener);
                return registration::close;
            }

            @Override
            public boolean isHandedOver() {
                return ctx.isHandedOver();
            }

            @Override
            public Registration onHandOver(Runnable listener) {
                Cancellation.Registration registration = ctx.onHandOver(listener);
                return registration::close;
            }
        };
    }

    /**
     * Makes a resource call of a get or put: its result, or empty when its script exited non-zero,
     * after closing {@code stderr} and handing that exit status to {@code failed} (which emits the
     * step's {@code finish-get} or {@code finish-put} with it). Other failures and a cancellation
     * are thrown as they are.
     */
    static Optional<ResourceResult> call(Supplier<ResourceResult> call, LogStream stderr, IntConsumer failed) {
        try {
            return Optional.of(call.get());
        } catch (ResourceCancelledException e) {
            throw e;
        } catch (ResourceException e) {
            if (e.exitStatus().isEmpty()) {
                throw e;
            }
            stderr.close();
            failed.accept(e.exitStatus().getAsInt());
            return Optional.empty();
        }
    }

    /** Properties naming the owner of containers and volumes: the build and the step's plan id. */
    static Map<String, String> ownerProperties(RunContext run, String planId) {
        return Map.of(
                "concourse:build-id", Long.toString(run.meta.buildId()),
                "concourse:plan-id", planId);
    }
}
