package dev.concourse.testkit;

/**
 * One named step of a build as it ran ({@code get}, {@code put}, {@code task}, {@code load_var},
 * {@code set_pipeline}).
 *
 * @param id      the step's plan id, the origin of its events
 * @param kind    {@code get}, {@code put}, {@code task}, {@code load_var}, {@code set_pipeline}
 * @param name    the step's name
 * @param outcome {@code succeeded}, {@code failed}, {@code errored}, {@code aborted},
 *                {@code timed out} or {@code started} (no end seen)
 * @param detail  the exit status, version or error message behind the outcome, or empty
 * @param log     what the step wrote (stdout and stderr) and its error messages
 */
public record StepTrace(String id, String kind, String name, String outcome, String detail, String log) {

    /** Whether it succeeded. */
    public boolean succeeded() {
        return "succeeded".equals(outcome);
    }

    /** {@code task unit-tests: succeeded (exit 0)}. */
    public String describe() {
        return kind + " " + name + ": " + outcome + (detail.isEmpty() ? "" : " (" + detail + ")");
    }
}
