package dev.concourse.internal.exec;

import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code in_parallel} ({@code atc/exec/in_parallel.go}): steps start in order, at most
 * {@code limit} at a time (all when 0); with {@code fail_fast} the first step that does not
 * succeed cancels the others and no further step starts. Cancellations of the branches are not
 * errors of the whole; it fails if any branch failed, errors if any branch errored, and is
 * cancelled when its own context is.
 */
final class ParallelSteps {
    private final StepRunner runner;
    private final RunContext run;

    ParallelSteps(StepRunner runner, RunContext run) {
        this.runner = runner;
        this.run = run;
    }

    Result run(PlanNode.InParallel node, Cancellation ctx) {
        List<PlanNode> steps = node.steps();
        int count = steps.size();
        int limit = node.limit() < 1 ? count : Math.min(node.limit(), count);
        Semaphore slots = new Semaphore(Math.max(limit, 1));
        BlockingQueue<Result> results = new ArrayBlockingQueue<>(Math.max(count, 1));
        AtomicInteger failures = new AtomicInteger();
        int started = 0;

        try (Cancellation branches = ctx.child()) {
            for (PlanNode step : steps) {
                Waits.acquire(slots, run);
                if (branches.isCancelled()) {
                    slots.release();
                    break;
                }
                try {
                    run.env.executor().execute(() -> {
                        Result result = Result.FAILED;
                        try {
                            result = runner.runGuarded(step, branches);
                        } finally {
                            if (result.hasError() || !result.ok()) {
                                failures.incrementAndGet();
                                if (node.failFast()) {
                                    branches.cancel(Cancellation.Cause.ABORTED);
                                }
                            }
                            slots.release();
                            results.add(result);
                        }
                    });
                } catch (RejectedExecutionException e) {
                    slots.release();
                    String message = "in_parallel could not start step " + step.id() + ": the engine's executor "
                            + "refused it (" + e.getMessage() + "); is the engine shutting down?";
                    run.errored(node.id(), message);
                    results.add(Result.error(StepError.message(message)));
                    failures.incrementAndGet();
                    if (node.failFast()) {
                        branches.cancel(Cancellation.Cause.ABORTED);
                    }
                }
                started++;
            }

            StepError errors = null;
            for (int i = 0; i < started; i++) {
                Result result = Waits.take(results, run);
                if (result.hasError() && !result.error().isAborted()) {
                    errors = StepError.combine(errors, result.error());
                }
            }
            if (ctx.isCancelled()) {
                return Result.cancelled(ctx.cause().orElseThrow());
            }
            if (errors != null) {
                return Result.error(errors);
            }
            return Result.of(failures.get() == 0);
        }
    }
}
