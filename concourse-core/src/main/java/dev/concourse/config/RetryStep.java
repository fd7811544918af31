package dev.concourse.config;

import java.util.Objects;

/**
 * {@code attempts}: run the wrapped step up to this many times until it succeeds.
 *
 * @param step     the wrapped step
 * @param attempts how many tries in all
 */
public record RetryStep(Step step, int attempts) implements Step {
    public RetryStep {
        Objects.requireNonNull(step, "step");
    }

    @Override
    public String label() {
        return "attempts";
    }
}
