package dev.concourse.internal.exec;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Concourse's {@code parallelExecutor} ({@code atc/exec/in_parallel.go}), behind
 * {@code in_parallel} and each level of {@code across}: branches start in order, at most
 * {@code limit} at a time; with {@code fail_fast} the first branch that does not succeed cancels
 * the others and no further branch starts. Cancellations of the branches are not errors of the
 * whole; it fails if any branch failed, errors if any branch errored, and is cancelled when its
 * own context is.
 */
final class ParallelSteps {
    private final StepRunner runner;
    private final RunContext run;

    /** One branch: runs with the context it is given (cancelled by fail-fast siblings). */
    interface Branch {
        Result run(int index, Cancellation ctx);
    }

    ParallelSteps(StepRunner runner, RunContext run) {
        this.runner = runner;
        this.run = run;
    }

    /** {@code in_parallel}: all steps at once when {@code limit} is 0. */
    Result run(PlanNode.InParallel node, Cancellation ctx) {
        int count = node.steps().size();
        int limit = node.limit() < 1 ? count : node.limit();
        return run("in_parallel", node.id(), count, limit, node.failFast(),
                (i, branches) -> runner.runGuarded(node.steps().get(i), branches), ctx);
    }

    /**
     * Runs {@code count} branches.
     *
     * @param kind   the step kind, for messages
     * @param nodeId the plan id of the step, the origin of an error starting a branch
     * @param limit  how many run at once (at least one)
     */
    Result run(String kind, String nodeId, int count, int limit, boolean failFast, Branch branch,
            Cancellation ctx) {
        Semaphore slots = new Semaphore(Math.max(1, Math.min(limit, count)));
        BlockingQueue<Result> results = new ArrayBlockingQueue<>(Math.max(count, 1));
        AtomicInteger failures = new AtomicInteger();
        int started = 0;

        try (Cancellation branches = ctx.child()) {
            for (int i = 0; i < count; i++) {
                int index = i;
                Waits.acquire(slots, run);
                if (branches.isCancelled()) {
                    slots.release();
                    break;
                }
                try {
                    run.env.executor().execute(() -> {
                        Result result = Result.FAILED;
                        try {
                            result = branch.run(index, branches);
                        } finally {
                            if (result.hasError() || !result.ok()) {
                                failures.incrementAndGet();
                                if (failFast) {
                                    branches.cancel(Cancellation.Cause.ABORTED);
                                }
                            }
                            slots.release();
                            results.add(result);
                        }
                    });
                } catch (RejectedExecutionException e) {
                    slots.release();
                    String message = kind + " could not start step " + (index + 1) + " of " + count + ": the "
                            + "engine's executor refused it (" + e.getMessage() + "); is the engine shutting down?";
                    run.errored(nodeId, message);
                    results.add(Result.error(StepError.message(message)));
                    failures.incrementAndGet();
                    if (failFast) {
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
