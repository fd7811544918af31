package dev.concourse.internal.exec;

import dev.concourse.resource.ResourceException;
import dev.concourse.spi.runtime.RuntimeOperationException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a get or put step ends, the same for both: an abort is {@code error: interrupted}, a passed
 * timeout fails the step, anything else that goes wrong is an {@code error} event naming the step
 * and resource and errors the step.
 */
final class ResourceStepGuard {
    private static final Logger LOG = LoggerFactory.getLogger(ResourceStepGuard.class);

    private final RunContext run;
    private final String planId;
    private final LogStream stderr;
    private final String label;
    private final String timeout;

    ResourceStepGuard(RunContext run, String planId, LogStream stderr, String label, String timeout) {
        this.run = run;
        this.planId = planId;
        this.stderr = stderr;
        this.label = label;
        this.timeout = timeout;
    }

    /** Runs the step's body and turns what it throws into the step's outcome. */
    Result run(Cancellation ctx, Function<Cancellation, Result> body) {
        if (ctx.isCancelled()) {
            return Result.cancelled(ctx.cause().orElseThrow());
        }
        try {
            return body.apply(ctx);
        } catch (StepCancelled e) {
            return cancelled(e.why());
        } catch (StepFailure e) {
            return errored(e.getMessage());
        } catch (ResourceException | RuntimeOperationException e) {
            return errored(label + ": " + e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("{} of {} failed unexpectedly", label, run.meta.describe(), e);
            return errored(label + " errored: " + e);
        } finally {
            stderr.close();
        }
    }

    Result cancelled(Cancellation.Cause cause) {
        stderr.close();
        if (cause == Cancellation.Cause.HANDED_OVER) {
            // Another engine node owns the build now and reports how the step ends.
            return Result.cancelled(cause);
        }
        if (cause == Cancellation.Cause.DEADLINE_EXCEEDED) {
            run.errored(planId, "timeout exceeded: " + label + " was stopped"
                    + (timeout == null ? "" : " after its timeout of " + timeout));
            return Result.FAILED;
        }
        run.errored(planId, "interrupted");
        return Result.cancelled(cause);
    }

    Result errored(String message) {
        stderr.close();
        run.errored(planId, message);
        return Result.error(StepError.message(message));
    }
}
