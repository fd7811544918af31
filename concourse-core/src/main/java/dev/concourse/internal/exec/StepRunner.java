package dev.concourse.internal.exec;

import dev.concourse.internal.config.GoDuration;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs plan nodes: dispatches core steps to their executions and runs {@code do}, {@code try},
 * {@code attempts} and {@code timeout} itself, with the semantics of Concourse's
 * {@code atc/exec} (files named on each method). Hooks, {@code in_parallel} and {@code across}
 * have classes of their own. A runner belongs to one scope of vars: {@code across} makes a runner
 * for each substep's scope.
 */
final class StepRunner {
    private static final Logger LOG = LoggerFactory.getLogger(StepRunner.class);

    private final RunContext run;
    private final HookSteps hooks;
    private final ParallelSteps parallel;

    StepRunner(RunContext run) {
        this.run = run;
        this.hooks = new HookSteps(this);
        this.parallel = new ParallelSteps(this, run);
    }

    /**
     * Runs a plan node; once the build was handed over to another engine node, nothing starts
     * here any more (no step, no hook), whatever the node.
     */
    Result run(PlanNode node, Cancellation ctx) {
        if (ctx.isHandedOver()) {
            return Result.cancelled(Cancellation.Cause.HANDED_OVER);
        }
        return switch (node) {
            case PlanNode.Task task -> new TaskExecution(run, task).run(ctx);
            case PlanNode.Get get -> new GetExecution(run, get).run(ctx);
            case PlanNode.Put put -> new PutExecution(run, put).run(ctx);
            case PlanNode.LoadVar loadVar -> new LoadVarExecution(run, loadVar).run(ctx);
            case PlanNode.SetPipeline setPipeline -> new SetPipelineExecution(run, setPipeline).run(ctx);
            case PlanNode.Across across -> new AcrossExecution(run, across, parallel).run(ctx);
            case PlanNode.Unsupported unsupported -> UnsupportedSteps.run(run, unsupported, ctx);
            case PlanNode.Do d -> runDo(d.steps(), ctx);
            case PlanNode.InParallel p -> parallel.run(p, ctx);
            case PlanNode.Try t -> runTry(t, ctx);
            case PlanNode.Retry r -> runRetry(r, ctx);
            case PlanNode.Timeout t -> runTimeout(t, ctx);
            case PlanNode.Hook h -> hooks.run(h, ctx);
        };
    }

    /**
     * {@code do}: each step after the previous one succeeded; the first that fails or errors
     * ends it with its result ({@code atc/engine/builder.go buildDoStep}: a chain of on_success).
     */
    private Result runDo(List<PlanNode> steps, Cancellation ctx) {
        for (PlanNode step : steps) {
            Result result = run(step, ctx);
            if (result.hasError() || !result.ok()) {
                return result;
            }
        }
        return Result.SUCCEEDED;
    }

    /**
     * {@code try}: succeeds whatever the step did, unless the build was aborted
     * ({@code atc/exec/try_step.go}: only {@code context.Canceled} propagates, so a timeout
     * inside a try is swallowed too).
     */
    private Result runTry(PlanNode.Try node, Cancellation ctx) {
        Result result = run(node.step(), ctx);
        if (result.isAborted()) {
            return result;
        }
        return Result.SUCCEEDED;
    }

    /**
     * {@code attempts}: the attempts in order until one succeeds; failures and errors are both
     * retried; once the context is cancelled no attempt follows and the cancellation is the
     * result ({@code atc/exec/retry_step.go}). The last attempt's result is the step's.
     */
    private Result runRetry(PlanNode.Retry node, Cancellation ctx) {
        Result last = Result.FAILED;
        for (PlanNode attempt : node.attempts()) {
            last = run(attempt, ctx);
            if (ctx.isCancelled()) {
                return Result.cancelled(ctx.cause().orElseThrow());
            }
            if (!last.hasError() && last.ok()) {
                break;
            }
        }
        return last;
    }

    /**
     * {@code timeout}: the step runs under a deadline; when it passes the step is cancelled and
     * the result is a failure, not an error ({@code atc/exec/timeout_step.go}). The duration may
     * be a {@code ((var))}, interpolated when the step starts. An invalid duration is an error
     * (reported here; Concourse returns it without an event).
     */
    private Result runTimeout(PlanNode.Timeout node, Cancellation ctx) {
        Duration duration;
        try {
            String text = StepVars.string(run, node.duration(), "the timeout");
            duration = GoDuration.parse(text);
        } catch (StepFailure e) {
            run.errored(node.id(), e.getMessage());
            return Result.error(StepError.message(e.getMessage()));
        } catch (IllegalArgumentException e) {
            String message = "invalid timeout '" + node.duration() + "': " + e.getMessage()
                    + "; write a duration such as 90s, 10m or 1h30m";
            run.errored(node.id(), message);
            return Result.error(StepError.message(message));
        }
        try (Cancellation deadline = ctx.withTimeout(run.env.clock(), duration)) {
            Result result = run(node.step(), deadline);
            if (result.hasError() && result.error().isDeadlineExceeded()) {
                return Result.FAILED;
            }
            return result;
        }
    }

    /**
     * Runs a step whose result is ignored for control flow but must not be lost, such as a hook
     * that throws because of a bug: the bug becomes an error of the step instead of killing the
     * build's thread.
     */
    Result runGuarded(PlanNode node, Cancellation ctx) {
        try {
            return run(node, ctx);
        } catch (RuntimeException e) {
            LOG.error("step {} of {} failed unexpectedly", node.id(), run.meta.describe(), e);
            String message = "internal error in step " + node.id() + ": " + e
                    + "; this is a bug in the build executor, please report it";
            run.errored(node.id(), message);
            return Result.error(StepError.message(message));
        }
    }
}
