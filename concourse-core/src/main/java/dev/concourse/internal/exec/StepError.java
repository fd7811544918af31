package dev.concourse.internal.exec;

import java.util.ArrayList;
import java.util.List;

/**
 * Why a step did not finish normally, modelled on Go's error values in Concourse's executor: an
 * abort ({@code context.Canceled}), an expired deadline ({@code context.DeadlineExceeded}) or
 * errors with messages. Like a Go multierror it may hold several causes, and
 * {@link #isAborted()} is true when any of them is an abort ({@code errors.Is}).
 *
 * @param aborted          one cause is a cancellation: the build was aborted (or handed over to
 *                         another engine node), or a fail-fast sibling failed
 * @param deadlineExceeded one cause is an expired timeout
 * @param messages         messages of real errors (already reported as error events)
 */
record StepError(boolean aborted, boolean deadlineExceeded, List<String> messages) {

    StepError {
        messages = List.copyOf(messages);
    }

    static StepError of(Cancellation.Cause cause) {
        return cause == Cancellation.Cause.DEADLINE_EXCEEDED
                ? new StepError(false, true, List.of())
                : new StepError(true, false, List.of());
    }

    static StepError message(String message) {
        return new StepError(false, false, List.of(message));
    }

    boolean isAborted() {
        return aborted;
    }

    boolean isDeadlineExceeded() {
        return deadlineExceeded;
    }

    /** Both errors, as {@code multierror.Append}; either may be null. */
    static StepError combine(StepError first, StepError second) {
        if (first == null) {
            return second;
        }
        if (second == null) {
            return first;
        }
        List<String> all = new ArrayList<>(first.messages);
        all.addAll(second.messages);
        return new StepError(first.aborted || second.aborted,
                first.deadlineExceeded || second.deadlineExceeded, all);
    }

    @Override
    public String toString() {
        if (!messages.isEmpty()) {
            return String.join("; ", messages);
        }
        return aborted ? "interrupted" : "timeout exceeded";
    }
}
