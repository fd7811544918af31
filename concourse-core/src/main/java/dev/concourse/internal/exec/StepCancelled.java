package dev.concourse.internal.exec;

import dev.concourse.ConcourseException;

/** A core step noticed at a checkpoint that its context was cancelled. Never leaves this package. */
final class StepCancelled extends ConcourseException {
    private static final long serialVersionUID = 1L;

    private final Cancellation.Cause cause;

    StepCancelled(Cancellation.Cause cause) {
        super("cancelled: " + cause, null);
        this.cause = cause;
    }

    Cancellation.Cause why() {
        return cause;
    }

    static void check(Cancellation ctx) {
        if (ctx.isCancelled()) {
            throw new StepCancelled(ctx.cause().orElseThrow());
        }
    }
}
