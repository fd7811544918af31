package dev.concourse.config;

import dev.concourse.internal.config.Frozen;
import java.util.List;

/**
 * {@code in_parallel}: steps at the same time. Written either as a list of steps or as
 * {@code {steps, limit, fail_fast}}; both forms give this record.
 *
 * @param steps    the steps
 * @param limit    how many run at once, 0 for all
 * @param failFast abort the others as soon as one fails
 * @param tags     worker tags inherited by the steps
 */
public record InParallelStep(List<Step> steps, int limit, boolean failFast, List<String> tags) implements Step {
    public InParallelStep {
        steps = Frozen.list(steps);
        tags = Frozen.list(tags);
    }

    /** Steps in parallel without tags. */
    public InParallelStep(List<Step> steps, int limit, boolean failFast) {
        this(steps, limit, failFast, List.of());
    }

    @Override
    public String label() {
        return "in_parallel";
    }
}
