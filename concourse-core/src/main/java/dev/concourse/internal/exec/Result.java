package dev.concourse.internal.exec;

/**
 * What running a step gave, as Concourse's {@code (ok bool, err error)}: {@code ok} says whether
 * it succeeded; {@code error}, when not null, says it errored or was cancelled.
 */
record Result(boolean ok, StepError error) {

    static final Result SUCCEEDED = new Result(true, null);
    static final Result FAILED = new Result(false, null);

    static Result of(boolean ok) {
        return ok ? SUCCEEDED : FAILED;
    }

    static Result error(StepError error) {
        return new Result(false, error);
    }

    static Result cancelled(Cancellation.Cause cause) {
        return error(StepError.of(cause));
    }

    boolean hasError() {
        return error != null;
    }

    boolean isAborted() {
        return error != null && error.isAborted();
    }
}
