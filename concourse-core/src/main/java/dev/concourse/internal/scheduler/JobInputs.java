package dev.concourse.internal.scheduler;

import dev.concourse.Job;
import dev.concourse.Resource;
import dev.concourse.config.AcrossStep;
import dev.concourse.config.DoStep;
import dev.concourse.config.GetStep;
import dev.concourse.config.HookStep;
import dev.concourse.config.InParallelStep;
import dev.concourse.config.RetryStep;
import dev.concourse.config.Step;
import dev.concourse.config.TimeoutStep;
import dev.concourse.config.TryStep;
import dev.concourse.config.VersionConfig;
import dev.concourse.internal.config.validate.PassedGlob;
import dev.concourse.internal.scheduler.algorithm.InputConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A job's inputs as the algorithm sees them (Concourse's {@code JobConfig.Inputs()} and
 * {@code job.AlgorithmInputs()}): every get step of the plan, nested ones and hooks included.
 */
final class JobInputs {
    private JobInputs() {
    }

    /** Every get step of the job, first of each name. */
    static List<GetStep> gets(Job job) {
        Map<String, GetStep> gets = new LinkedHashMap<>();
        collect(job.config().asStep(), gets);
        return List.copyOf(gets.values());
    }

    /** Whether one of the job's gets fetches the resource. */
    static boolean uses(Job job, String resourceName) {
        return gets(job).stream().anyMatch(g -> g.resourceName().equals(resourceName));
    }

    /** Whether one of the job's gets has {@code passed:} naming (or matching) the upstream job. */
    static boolean passesThrough(Job job, String upstreamJob) {
        return gets(job).stream().flatMap(g -> g.passed().stream())
                .anyMatch(p -> p.equals(upstreamJob) || PassedGlob.matches(p, upstreamJob));
    }

    /**
     * The inputs of the job; gets of resources the pipeline does not have are left out (validation
     * refuses them).
     */
    static List<InputConfig> of(Job job, List<Job> pipelineJobs, List<Resource> resources) {
        Map<String, Resource> byName = new LinkedHashMap<>();
        resources.forEach(r -> byName.put(r.ref().name(), r));
        Map<String, Long> jobIds = null;
        List<InputConfig> inputs = new ArrayList<>();
        for (GetStep get : gets(job)) {
            Resource resource = byName.get(get.resourceName());
            if (resource == null) {
                continue;
            }
            Set<Long> passed = new LinkedHashSet<>();
            for (String pattern : get.passed()) {
                if (isLiteral(pattern)) {
                    // A plain job name (nearly every pattern) matches only itself: look it up
                    // instead of glob-matching it against every job of the pipeline, which made a
                    // pass over all jobs quadratic in their number.
                    if (jobIds == null) {
                        jobIds = new HashMap<>();
                        for (Job upstream : pipelineJobs) {
                            jobIds.put(upstream.ref().name(), upstream.id());
                        }
                    }
                    Long id = jobIds.get(pattern);
                    if (id != null) {
                        passed.add(id);
                    }
                    continue;
                }
                for (Job upstream : pipelineJobs) {
                    String name = upstream.ref().name();
                    if (pattern.equals(name) || PassedGlob.matches(pattern, name)) {
                        passed.add(upstream.id());
                    }
                }
            }
            VersionConfig version = get.version();
            Map<String, String> pinned = null;
            if (version != null && version.mode() == VersionConfig.Mode.PINNED) {
                pinned = version.pinned();
            } else if (resource.isPinned()) {
                pinned = resource.pinnedVersion();
            }
            boolean every = version != null && version.mode() == VersionConfig.Mode.EVERY;
            inputs.add(new InputConfig(get.name(), resource.id(), passed, every, pinned, get.trigger(), job.id()));
        }
        return inputs;
    }

    /** Whether the pattern has none of {@code path.Match}'s special characters, so it matches only itself. */
    private static boolean isLiteral(String pattern) {
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '*' || c == '?' || c == '[' || c == '\\') {
                return false;
            }
        }
        return true;
    }

    private static void collect(Step step, Map<String, GetStep> gets) {
        switch (step) {
            case GetStep get -> gets.putIfAbsent(get.name(), get);
            case DoStep d -> d.steps().forEach(s -> collect(s, gets));
            case InParallelStep p -> p.steps().forEach(s -> collect(s, gets));
            case TryStep t -> collect(t.step(), gets);
            case AcrossStep a -> collect(a.step(), gets);
            case RetryStep r -> collect(r.step(), gets);
            case TimeoutStep t -> collect(t.step(), gets);
            case HookStep h -> {
                collect(h.step(), gets);
                collect(h.hook(), gets);
            }
            default -> {
            }
        }
    }
}
