package dev.concourse.internal.config.validate;

import static dev.concourse.internal.config.validate.Fixtures.job;
import static org.assertj.core.api.Assertions.assertThat;

import dev.concourse.config.BuildLogRetention;
import dev.concourse.config.JobConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

class JobsValidationTest {

    private static JobConfig retaining(String name, int buildLogsToRetain, BuildLogRetention retention) {
        return new JobConfig(name, null, false, false, false, false, false, List.of(), 0, List.of(),
                buildLogsToRetain, retention, List.of(), null, null, null, null, null);
    }

    private static Fixtures withJob(JobConfig job) {
        Fixtures f = Fixtures.base();
        f.groups.clear();
        f.jobs.add(job);
        return f;
    }

    @Test
    void pipelineWithoutJobs() {
        Fixtures f = new Fixtures();

        assertThat(f.findings()).containsExactly("error no_jobs jobs: pipeline must contain at least one job");
    }

    @Test
    void jobWithoutName() {
        assertThat(withJob(job(null)).findings()).containsExactly(
                "error invalid_identifier jobs[2]: identifier cannot be an empty string",
                "error missing_name jobs[2]: has no name");
    }

    @Test
    void jobsWithTheSameName() {
        assertThat(withJob(job("some-job")).findings()).containsExactly(
                "error duplicate_name jobs: jobs[0] and jobs[2] have the same name ('some-job')");
    }

    @Test
    void jobWithAnInvalidIdentifierIsAWarning() {
        assertThat(withJob(job("_some-job")).findings()).containsExactly(
                "warning invalid_identifier jobs._some-job: '_some-job' is not a valid identifier: "
                        + "must start with a lowercase letter or a number");
    }

    @Test
    void deprecatedBuildLogsToRetain() {
        assertThat(withJob(retaining("old", 10, null)).findings()).containsExactly(
                "warning deprecated_field jobs.old: build_logs_to_retain is deprecated. Use build_log_retention instead.");
    }

    @Test
    void negativeBuildLogsToRetain() {
        assertThat(withJob(retaining("old", -1, null)).findings()).containsExactly(
                "warning deprecated_field jobs.old: build_logs_to_retain is deprecated. Use build_log_retention instead.",
                "error invalid_build_log_retention jobs.old: has negative build_logs_to_retain: -1");
    }

    @Test
    void bothRetentionForms() {
        assertThat(withJob(retaining("both", 10, new BuildLogRetention(5, 0, 0))).findings()).containsExactly(
                "warning deprecated_field jobs.both: build_logs_to_retain is deprecated. Use build_log_retention instead.",
                "error invalid_build_log_retention jobs.both: can't use both build_log_retention and build_logs_to_retain");
    }

    @Test
    void negativeRetentionValues() {
        assertThat(withJob(retaining("neg", 0, new BuildLogRetention(-1, -1, -1))).findings()).containsExactly(
                "error invalid_build_log_retention jobs.neg: has negative build_log_retention.builds: -1",
                "error invalid_build_log_retention jobs.neg: has negative build_log_retention.days: -1",
                "error invalid_build_log_retention jobs.neg: has negative build_log_retention.min_success_builds: -1");
    }

    @Test
    void minimumSucceededBuildsAboveBuilds() {
        assertThat(withJob(retaining("few", 0, new BuildLogRetention(3, 5, 0))).findings()).containsExactly(
                "error invalid_build_log_retention jobs.few: has build_log_retention.min_success_builds: 5 "
                        + "greater than build_log_retention.builds: 3");
    }

    @Test
    void minimumSucceededBuildsWithoutBuildsLimitIsFine() {
        assertThat(withJob(retaining("days", 0, new BuildLogRetention(0, 5, 7))).findings()).isEmpty();
    }
}
