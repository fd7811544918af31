package dev.concourse.config;

import dev.concourse.internal.config.Frozen;
import java.util.List;
import java.util.Objects;

/**
 * {@code across}: run the wrapped step once for each combination of the vars' values.
 *
 * @param step     the wrapped step
 * @param vars     the vars and their values
 * @param failFast stop starting new combinations once one fails
 */
public record AcrossStep(Step step, List<AcrossVar> vars, boolean failFast) implements Step {
    public AcrossStep {
        Objects.requireNonNull(step, "step");
        vars = Frozen.list(vars);
    }

    @Override
    public String label() {
        return "across";
    }
}
