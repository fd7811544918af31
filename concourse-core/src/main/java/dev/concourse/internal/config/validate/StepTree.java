package dev.concourse.internal.config.validate;

import dev.concourse.config.AcrossStep;
import dev.concourse.config.DoStep;
import dev.concourse.config.HookStep;
import dev.concourse.config.InParallelStep;
import dev.concourse.config.JobConfig;
import dev.concourse.config.RetryStep;
import dev.concourse.config.Step;
import dev.concourse.config.TimeoutStep;
import dev.concourse.config.TryStep;
import java.util.function.Consumer;

/**
 * Walks every step of a job, hooks included, in Concourse's {@code StepRecursor} order: a
 * hook's step before the hook itself, job hooks after the plan.
 */
final class StepTree {
    private StepTree() {
    }

    static void forEachStep(JobConfig job, Consumer<Step> action) {
        forEachStep(job.asStep(), action);
    }

    static void forEachStep(Step step, Consumer<Step> action) {
        switch (step) {
            case DoStep s -> s.steps().forEach(sub -> forEachStep(sub, action));
            case InParallelStep s -> s.steps().forEach(sub -> forEachStep(sub, action));
            case TryStep s -> forEachStep(s.step(), action);
            case AcrossStep s -> forEachStep(s.step(), action);
            case RetryStep s -> forEachStep(s.step(), action);
            case TimeoutStep s -> forEachStep(s.step(), action);
            case HookStep s -> {
                forEachStep(s.step(), action);
                forEachStep(s.hook(), action);
            }
            default -> action.accept(step);
        }
    }
}
