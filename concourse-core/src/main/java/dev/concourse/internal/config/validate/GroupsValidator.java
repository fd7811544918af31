package dev.concourse.internal.config.validate;

import static dev.concourse.internal.config.validate.Findings.nz;

import dev.concourse.config.GroupConfig;
import dev.concourse.config.JobConfig;
import dev.concourse.config.PipelineConfig;
import dev.concourse.internal.config.SourceIndex;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** {@code groups}: names, job globs, resources, duplicates and jobs left out of every group. */
final class GroupsValidator {
    private static final String SECTION = "groups";

    private GroupsValidator() {
    }

    static void validate(PipelineConfig config, SourceIndex sources, Findings findings) {
        Map<String, Boolean> jobsGrouped = new LinkedHashMap<>();
        for (JobConfig job : config.jobs()) {
            jobsGrouped.put(nz(job.name()), false);
        }
        Map<String, List<JobConfig>> jobsByName = new HashMap<>();
        for (JobConfig job : config.jobs()) {
            jobsByName.computeIfAbsent(nz(job.name()), n -> new ArrayList<>()).add(job);
        }
        Set<String> resourceNames = new HashSet<>();
        config.resources().forEach(r -> resourceNames.add(nz(r.name())));
        Map<String, Integer> counts = new LinkedHashMap<>();
        Map<String, GroupConfig> lastOfName = new LinkedHashMap<>();

        for (int i = 0; i < config.groups().size(); i++) {
            GroupConfig group = config.groups().get(i);
            Location location = new Location(SECTION, i);
            Identifiers.record(findings, group.name(), List.of(location.identifier(group.name())),
                    sources.locate(group, "name"));
            counts.merge(nz(group.name()), 1, Integer::sum);
            lastOfName.put(nz(group.name()), group);

            for (int j = 0; j < group.jobs().size(); j++) {
                String jobGlob = group.jobs().get(j);
                List<JobConfig> matches;
                if (GroupGlob.isLiteral(jobGlob)) {
                    matches = jobsByName.getOrDefault(jobGlob, List.of());
                } else {
                    Optional<Pattern> glob = GroupGlob.compile(jobGlob);
                    if (glob.isEmpty()) {
                        findings.error("invalid_glob", SECTION, sources.locate(group, "jobs[" + j + "]"),
                                "invalid glob expression '" + jobGlob + "' for group '" + nz(group.name()) + "'");
                        continue;
                    }
                    matches = config.jobs().stream().filter(job -> glob.get().matcher(nz(job.name())).matches()).toList();
                }
                matches.forEach(job -> jobsGrouped.put(nz(job.name()), true));
                if (matches.isEmpty()) {
                    findings.error("unknown_job", SECTION, sources.locate(group, "jobs[" + j + "]"),
                            "no jobs match '" + jobGlob + "' for group '" + nz(group.name()) + "'");
                }
            }

            for (int j = 0; j < group.resources().size(); j++) {
                String resource = group.resources().get(j);
                if (!resourceNames.contains(resource)) {
                    findings.error("unknown_resource", SECTION, sources.locate(group, "resources[" + j + "]"),
                            "group '" + nz(group.name()) + "' has unknown resource '" + resource + "'");
                }
            }
        }

        counts.forEach((name, count) -> {
            if (count > 1) {
                findings.error("duplicate_name", SECTION, sources.locate(lastOfName.get(name), "name"),
                        "group '" + name + "' appears " + count + " times. Duplicate names are not allowed.");
            }
        });

        if (!config.groups().isEmpty()) {
            for (JobConfig job : config.jobs()) {
                if (!jobsGrouped.getOrDefault(nz(job.name()), true)) {
                    findings.error("ungrouped_job", SECTION, sources.locate(job, "name"),
                            "job '" + nz(job.name()) + "' belongs to no group");
                    jobsGrouped.put(nz(job.name()), true); // once per name, as Concourse's map does
                }
            }
        }
    }
}
