package dev.concourse.internal.config.validate;

import static dev.concourse.internal.config.validate.Findings.nz;

import dev.concourse.config.GetStep;
import dev.concourse.config.JobConfig;
import dev.concourse.config.PutStep;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the {@code passed} checks need to know about the jobs, computed once per validation: which
 * jobs a pattern matches (in pipeline order), each job's gets, and the resources each job gets or
 * puts. Concourse recomputes these at every use, which is quadratic or worse in the number of jobs.
 */
final class JobGraph {
    private final List<JobConfig> jobs;
    private final Map<String, List<JobConfig>> byName = new HashMap<>();
    private final Map<String, List<JobConfig>> matches = new HashMap<>();
    private final Map<JobConfig, List<GetStep>> gets = new IdentityHashMap<>();
    private final Map<JobConfig, Set<String>> resources = new IdentityHashMap<>();
    private final boolean uniqueNames;

    JobGraph(List<JobConfig> jobs) {
        this.jobs = jobs;
        for (JobConfig job : jobs) {
            byName.computeIfAbsent(nz(job.name()), n -> new ArrayList<>()).add(job);
        }
        uniqueNames = byName.size() == jobs.size();
    }

    /** Whether no two jobs share a name (duplicates are an error of their own). */
    boolean hasUniqueNames() {
        return uniqueNames;
    }

    /** The jobs whose names {@code pattern} matches with Go's {@code path.Match}, in pipeline order. */
    List<JobConfig> matching(String pattern) {
        return matches.computeIfAbsent(pattern, p -> {
            if (!isPattern(p)) {
                return byName.getOrDefault(p, List.of());
            }
            return jobs.stream().filter(job -> PassedGlob.matches(p, nz(job.name()))).toList();
        });
    }

    /** The job's get steps, hooks included, in Concourse's visiting order. */
    List<GetStep> gets(JobConfig job) {
        return gets.computeIfAbsent(job, j -> {
            List<GetStep> found = new ArrayList<>();
            StepTree.forEachStep(j, step -> {
                if (step instanceof GetStep get) {
                    found.add(get);
                }
            });
            return List.copyOf(found);
        });
    }

    /** Whether the job gets or puts {@code resourceName} anywhere, hooks included. */
    boolean interactsWith(JobConfig job, String resourceName) {
        return resources.computeIfAbsent(job, j -> {
            Set<String> names = new HashSet<>();
            StepTree.forEachStep(j, step -> {
                if (step instanceof GetStep get) {
                    names.add(nz(get.resourceName()));
                } else if (step instanceof PutStep put) {
                    names.add(nz(put.resourceName()));
                }
            });
            return names;
        }).contains(resourceName);
    }

    private static boolean isPattern(String p) {
        return p.indexOf('*') >= 0 || p.indexOf('?') >= 0 || p.indexOf('[') >= 0 || p.indexOf('\\') >= 0;
    }
}
