package dev.concourse.config;

import java.util.Objects;

/**
 * {@code try}: run a step and succeed whatever its outcome (an abort still aborts).
 *
 * @param step the step tried
 */
public record TryStep(Step step) implements Step {
    public TryStep {
        Objects.requireNonNull(step, "step");
    }

    @Override
    public String label() {
        return "try";
    }
}
