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

/** What the harness needs to know of a pipeline's steps: task names and worker tags, hooks included. */
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

    /** Every worker tag of the pipeline's jobs, steps and resources. */
    static Set<String> tags(PipelineConfig config) {
        Set<String> tags = new TreeSet<>();
        config.resources().forEach(r -> tags.addAll(r.tags()));
        for (JobConfig job : config.jobs()) {
            tags.addAll(job.tags());
            collectTags(job.asStep(), tags);
        }
        return tags;
    }

    private static void collectTags(Step step, Set<String> tags) {
        switch (step) {
            case TaskStep t -> tags.addAll(t.tags());
            case dev.concourse.config.GetStep g -> tags.addAll(g.tags());
            case dev.concourse.config.PutStep p -> tags.addAll(p.tags());
            case DoStep s -> {
                tags.addAll(s.tags());
                s.steps().forEach(sub -> collectTags(sub, tags));
            }
            case InParallelStep s -> {
                tags.addAll(s.tags());
                s.steps().forEach(sub -> collectTags(sub, tags));
            }
            case TryStep s -> collectTags(s.step(), tags);
            case AcrossStep s -> collectTags(s.step(), tags);
            case RetryStep s -> collectTags(s.step(), tags);
            case TimeoutStep s -> collectTags(s.step(), tags);
            case HookStep s -> {
                collectTags(s.step(), tags);
                collectTags(s.hook(), tags);
            }
            default -> {
            }
        }
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
