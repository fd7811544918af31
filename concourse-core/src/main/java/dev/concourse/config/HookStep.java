package dev.concourse.config;

import java.util.Objects;

/**
 * A hook modifier ({@code on_success}, {@code on_failure}, {@code on_error}, {@code on_abort},
 * {@code ensure}) around a step.
 *
 * @param step the step the hook watches
 * @param kind when the hook runs
 * @param hook the step run as the hook
 */
public record HookStep(Step step, HookKind kind, Step hook) implements Step {
    public HookStep {
        Objects.requireNonNull(step, "step");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(hook, "hook");
    }

    @Override
    public String label() {
        return kind.key();
    }
}
