package dev.concourse.config;

import java.util.Objects;

/**
 * {@code timeout} on a step without a timeout field of its own (do, in_parallel, try,
 * set_pipeline, load_var): the step fails when the duration passes.
 *
 * @param step     the wrapped step
 * @param duration a Go-style duration such as {@code 1h30m}, kept as written so it may be a {@code ((var))}
 */
public record TimeoutStep(Step step, String duration) implements Step {
    public TimeoutStep {
        Objects.requireNonNull(step, "step");
    }

    @Override
    public String label() {
        return "timeout";
    }
}
