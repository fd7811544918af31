package dev.concourse.config;

import dev.concourse.internal.config.Frozen;
import java.util.List;

/**
 * {@code do}: steps in sequence, stopping at the first that does not succeed.
 *
 * @param steps the steps
 * @param tags  worker tags inherited by the steps
 */
public record DoStep(List<Step> steps, List<String> tags) implements Step {
    public DoStep {
        steps = Frozen.list(steps);
        tags = Frozen.list(tags);
    }

    @Override
    public String label() {
        return "do";
    }
}
