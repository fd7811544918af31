package dev.concourse.testkit;

import dev.concourse.config.AcrossStep;
import dev.concourse.config.DoStep;
import dev.concourse.config.HookStep;
import dev.concourse.config.InParallelStep;
import dev.concourse.config.JobConfig;
import dev.concourse.config.PipelineConfig;
import dev.concourse.config.RetryStep;
import dev.concourse.config.Step;
import dev.concourse.config.TaskStep;
import dev.concourse.config.TimeoutStep;
import dev.concourse.config.TryStep;
import java.util.Set;
import java.util.TreeSet;

/** The names of a pipeline's task steps, hooks included. */
final class TaskNames {

    private TaskNames() {
    }

    static Set<String> of(PipelineConfig config) {
        Set<String> names = new TreeSet<>();
        for (JobConfig job : config.jobs()) {
            collect(job.asStep(), names);
        }
        return names;
    }

    private static void collect(Step step, Set<String> names) {
        switch (step) {
            case TaskStep t -> names.add(t.name());
            case DoStep s -> s.steps().forEach(sub -> collect(sub, names));
            case InParallelStep s -> s.steps().forEach(sub -> collect(sub, names));
            case TryStep s -> collect(s.step(), names);
            case AcrossStep s -> collect(s.step(), names);
            case RetryStep s -> collect(s.step(), names);
            case TimeoutStep s -> collect(s.step(), names);
            case HookStep s -> {
                collect(s.step(), names);
                collect(s.hook(), names);
            }
            default -> {
            }
        }
    }
}
