package dev.concourse.internal.config.validate;

import static dev.concourse.internal.config.validate.Findings.nz;

import dev.concourse.config.BuildLogRetention;
import dev.concourse.config.JobConfig;
import dev.concourse.config.PipelineConfig;
import dev.concourse.internal.config.SourceIndex;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code jobs}: at least one, names, log retention, then each job's steps. */
final class JobsValidator {
    private static final String SECTION = "jobs";

    private JobsValidator() {
    }

    static void validate(PipelineConfig config, JobGraph graph, SourceIndex sources, Findings findings) {
        if (config.jobs().isEmpty()) {
            findings.error("no_jobs", SECTION, sources.locate(config, "jobs"), "pipeline must contain at least one job");
            return;
        }
        Set<String> resourceNames = new HashSet<>();
        config.resources().forEach(r -> resourceNames.add(nz(r.name())));
        Map<String, Location> names = new HashMap<>();
        for (int i = 0; i < config.jobs().size(); i++) {
            JobConfig job = config.jobs().get(i);
            Location location = new Location(SECTION, i);
            String identifier = location.identifier(job.name());
            Identifiers.record(findings, job.name(), List.of(identifier), sources.locate(job, "name"));

            Location other = names.get(nz(job.name()));
            if (other != null) {
                findings.error("duplicate_name", SECTION, sources.locate(job, "name"),
                        other + " and " + location + " have the same name ('" + nz(job.name()) + "')");
            } else if (!nz(job.name()).isEmpty()) {
                names.put(job.name(), location);
            }
            if (nz(job.name()).isEmpty()) {
                findings.error("missing_name", identifier, sources.locate(job), "has no name");
            }

            retention(job, identifier, sources, findings);

            new StepValidator(config, graph, resourceNames, sources, findings, identifier).validate(job.asStep());
        }
    }

    private static void retention(JobConfig job, String identifier, SourceIndex sources, Findings findings) {
        BuildLogRetention retention = job.buildLogRetention();
        var deprecatedAt = sources.locate(job, "build_logs_to_retain");
        var retentionAt = sources.locate(job, "build_log_retention");
        if (job.buildLogsToRetain() != 0) {
            findings.warning("deprecated_field", identifier, deprecatedAt,
                    "build_logs_to_retain is deprecated. Use build_log_retention instead.");
        }
        if (retention != null && job.buildLogsToRetain() != 0) {
            findings.error("invalid_build_log_retention", identifier, retentionAt,
                    "can't use both build_log_retention and build_logs_to_retain");
        } else if (job.buildLogsToRetain() < 0) {
            findings.error("invalid_build_log_retention", identifier, deprecatedAt,
                    "has negative build_logs_to_retain: " + job.buildLogsToRetain());
        }
        if (retention == null) {
            return;
        }
        if (retention.builds() < 0) {
            findings.error("invalid_build_log_retention", identifier, sources.locate(retention, "builds"),
                    "has negative build_log_retention.builds: " + retention.builds());
        }
        if (retention.days() < 0) {
            findings.error("invalid_build_log_retention", identifier, sources.locate(retention, "days"),
                    "has negative build_log_retention.days: " + retention.days());
        }
        if (retention.minimumSucceededBuilds() < 0) {
            findings.error("invalid_build_log_retention", identifier,
                    sources.locate(retention, "minimum_succeeded_builds"),
                    "has negative build_log_retention.min_success_builds: " + retention.minimumSucceededBuilds());
        }
        if (retention.builds() > 0 && retention.minimumSucceededBuilds() > retention.builds()) {
            // Concourse prints min_success_builds twice here; the second is meant to be builds.
            findings.error("invalid_build_log_retention", identifier,
                    sources.locate(retention, "minimum_succeeded_builds"),
                    "has build_log_retention.min_success_builds: " + retention.minimumSucceededBuilds()
                            + " greater than build_log_retention.builds: " + retention.builds());
        }
    }
}
