package dev.concourse.internal.config.validate;

import static dev.concourse.internal.config.validate.Fixtures.job;
import static org.assertj.core.api.Assertions.assertThat;

import dev.concourse.config.GroupConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

class GroupsValidationTest {

    @Test
    void theBasePipelineIsValid() {
        assertThat(Fixtures.base().findings()).isEmpty();
    }

    @Test
    void groupWithAnUnknownResource() {
        Fixtures f = Fixtures.base();
        f.groups.add(new GroupConfig("bogus", List.of("some-job"), List.of("bogus-resource")));

        assertThat(f.findings()).containsExactly(
                "error unknown_resource groups: group 'bogus' has unknown resource 'bogus-resource'");
    }

    @Test
    void groupGlobMatchingNoJob() {
        Fixtures f = Fixtures.base();
        f.groups.add(new GroupConfig("bogus", List.of("bogus-*"), List.of()));

        assertThat(f.findings()).containsExactly("error unknown_job groups: no jobs match 'bogus-*' for group 'bogus'");
    }

    @Test
    void jobsInNoGroup() {
        Fixtures f = Fixtures.base();
        f.jobs.add(job("stand-alone-job"));
        f.jobs.add(job("other-stand-alone-job"));

        assertThat(f.findings()).containsExactly(
                "error ungrouped_job groups: job 'stand-alone-job' belongs to no group",
                "error ungrouped_job groups: job 'other-stand-alone-job' belongs to no group");
    }

    @Test
    void jobsNeedNoGroupWhenThereAreNoGroups() {
        Fixtures f = Fixtures.base();
        f.groups.clear();
        f.jobs.add(job("stand-alone-job"));

        assertThat(f.findings()).isEmpty();
    }

    @Test
    void duplicateGroupNamesAreReportedOncePerName() {
        Fixtures f = Fixtures.base();
        for (int i = 0; i < 3; i++) {
            f.groups.add(new GroupConfig("some-group", List.of(), List.of()));
        }

        assertThat(f.findings()).containsExactly(
                "error duplicate_name groups: group 'some-group' appears 4 times. Duplicate names are not allowed.");
    }

    @Test
    void invalidGlobExpression() {
        Fixtures f = Fixtures.base();
        f.groups.add(new GroupConfig("a-group", List.of("some-bad-glob-[0-9"), List.of()));

        assertThat(f.findings()).containsExactly(
                "error invalid_glob groups: invalid glob expression 'some-bad-glob-[0-9' for group 'a-group'");
    }

    @Test
    void groupGlobsUseGobwasSyntax() {
        Fixtures f = Fixtures.base();
        f.groups.clear();
        f.jobs.add(job("deploy/prod"));
        f.groups.add(new GroupConfig("all", List.of("{some-job,some-empty-job}", "deploy*"), List.of()));

        // Unlike passed's path.Match, gobwas '*' crosses '/' when no separators are given.
        assertThat(f.findings()).containsExactly("warning invalid_identifier jobs.deploy/prod: "
                + "'deploy/prod' is not a valid identifier: illegal character '/'");
    }

    @Test
    void groupWithAnInvalidIdentifierIsAWarning() {
        Fixtures f = Fixtures.base();
        f.groups.add(new GroupConfig("_some-group", List.of("some-job"), List.of()));

        assertThat(f.findings()).containsExactly(
                "warning invalid_identifier groups._some-group: "
                        + "'_some-group' is not a valid identifier: must start with a lowercase letter or a number");
    }

    @Test
    void groupWithoutNameHasAnEmptyIdentifier() {
        Fixtures f = Fixtures.base();
        f.groups.add(new GroupConfig(null, List.of("some-job"), List.of()));

        assertThat(f.findings()).containsExactly(
                "error invalid_identifier groups[2]: identifier cannot be an empty string");
    }
}
