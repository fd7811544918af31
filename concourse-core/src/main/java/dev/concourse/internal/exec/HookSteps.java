package dev.concourse.internal.exec;

/**
 * The hook modifiers, each as its file in Concourse's {@code atc/exec} has it. Hooks that run
 * because of an error or an abort get a fresh, detached context ({@code context.Background()}),
 * so they run to their end although the build is aborting; so does {@code ensure} when its
 * context is already cancelled. Once the build was handed over to another engine node no hook
 * runs here ({@link StepRunner#run} starts nothing), and hooks running then are cancelled with it.
 */
final class HookSteps {
    private final StepRunner runner;

    HookSteps(StepRunner runner) {
        this.runner = runner;
    }

    Result run(PlanNode.Hook node, Cancellation ctx) {
        return switch (node.kind()) {
            case ON_SUCCESS -> onSuccess(node, ctx);
            case ON_FAILURE -> onFailure(node, ctx);
            case ON_ERROR -> onError(node, ctx);
            case ON_ABORT -> onAbort(node, ctx);
            case ENSURE -> ensure(node, ctx);
        };
    }

    /** {@code on_success.go}: the hook runs after success and its result is the step's. */
    private Result onSuccess(PlanNode.Hook node, Cancellation ctx) {
        Result step = runner.run(node.step(), ctx);
        if (step.hasError() || !step.ok()) {
            return step;
        }
        return runner.run(node.hook(), ctx);
    }

    /** {@code on_failure.go}: the hook runs after a failure (not an error); the step stays failed. */
    private Result onFailure(PlanNode.Hook node, Cancellation ctx) {
        Result step = runner.run(node.step(), ctx);
        if (step.hasError()) {
            return step;
        }
        if (!step.ok()) {
            Result hook = runner.run(node.hook(), ctx);
            if (hook.hasError()) {
                return Result.error(hook.error());
            }
        }
        return step;
    }

    /**
     * {@code on_error.go}: the hook runs after an error that is not an abort, detached from the
     * build's context; the step's error stays, joined by the hook's.
     */
    private Result onError(PlanNode.Hook node, Cancellation ctx) {
        Result step = runner.run(node.step(), ctx);
        if (!step.hasError()) {
            return step;
        }
        StepError errors = step.error();
        if (!errors.isAborted()) {
            try (Cancellation detached = ctx.detachedFromAbort()) {
                Result hook = runner.run(node.hook(), detached);
                errors = StepError.combine(errors, hook.error());
            }
        }
        return new Result(step.ok(), errors);
    }

    /**
     * {@code on_abort.go}: the hook runs when the step was aborted (not on a timeout), detached
     * from the aborted context; its result is ignored and the step's abort stays.
     */
    private Result onAbort(PlanNode.Hook node, Cancellation ctx) {
        Result step = runner.run(node.step(), ctx);
        if (!step.hasError()) {
            return step;
        }
        if (step.error().isAborted()) {
            try (Cancellation detached = ctx.detachedFromAbort()) {
                runner.run(node.hook(), detached);
            }
        }
        return step;
    }

    /**
     * {@code ensure_step.go}: the hook always runs (detached if the context is already
     * cancelled); a cancelled context wins, then errors of either, then both must have succeeded.
     */
    private Result ensure(PlanNode.Hook node, Cancellation ctx) {
        Result step = runner.run(node.step(), ctx);
        Result hook;
        if (ctx.isCancelled()) {
            try (Cancellation detached = ctx.detachedFromAbort()) {
                hook = runner.run(node.hook(), detached);
            }
        } else {
            hook = runner.run(node.hook(), ctx);
        }
        if (ctx.isCancelled()) {
            return Result.cancelled(ctx.cause().orElseThrow());
        }
        StepError errors = StepError.combine(step.error(), hook.error());
        if (errors != null) {
            return Result.error(errors);
        }
        return Result.of(step.ok() && hook.ok());
    }
}
