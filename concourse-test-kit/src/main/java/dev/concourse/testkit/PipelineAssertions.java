package dev.concourse.testkit;

/**
 * Entry points of the test kit's AssertJ assertions; import statically next to AssertJ's own.
 *
 * <pre>{@code
 * import static dev.concourse.testkit.PipelineAssertions.assertThat;
 *
 * assertThat(ci.job("unit").lastBuild()).succeeded().ranStepsInOrder("repo", "unit-tests");
 * assertThat(ci).hasNoSecretInLogs();
 * }</pre>
 */
public final class PipelineAssertions {

    private PipelineAssertions() {
    }

    /** Assertions on one build. */
    public static BuildAssert assertThat(BuildTrace build) {
        return new BuildAssert(build);
    }

    /** Assertions on a job: its builds, and why its next build is pending. */
    public static JobAssert assertThat(JobUnderTest job) {
        return new JobAssert(job);
    }

    /** Assertions on every build of a harness's pipeline. */
    public static HarnessAssert assertThat(PipelineHarness harness) {
        return new HarnessAssert(harness);
    }
}
