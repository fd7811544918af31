package dev.concourse.testkit;

import static dev.concourse.testkit.PipelineAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.concourse.BuildStatus;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The scenario behind the test kit's speed target (a 20-job pipeline, 50 builds): two versions
 * through a chain of 20 jobs, then 10 manual triggers. {@link #scenario} is what a benchmark times.
 */
class TwentyJobPipelineTest {
    static final Path PIPELINE = Path.of("src/test/resources/pipelines/twenty-jobs.yml");

    /** Runs the scenario on a new harness and closes it; returns how many builds succeeded. */
    static long scenario() {
        try (PipelineHarness ci = PipelineHarness.builder(PIPELINE).build()) {
            for (int i = 1; i <= 20; i++) {
                ci.task("step-%02d".formatted(i)).returns(0);
            }
            ci.resource("repo").emit("ref", "v1");
            ci.runUntilIdle();
            ci.resource("repo").emit("ref", "v2");
            ci.runUntilIdle();
            for (int i = 1; i <= 10; i++) {
                ci.job("job-%02d".formatted(i)).trigger();
            }
            ci.runUntilIdle();
            return ci.engine().builds().list(100).stream().filter(b -> b.status() == BuildStatus.SUCCEEDED).count();
        }
    }

    @Test
    void fiftyBuildsOfTwentyJobsAllSucceed() {
        assertThat(scenario()).isEqualTo(50);
    }

    @Test
    void theLastJobOfTheChainSawBothVersionsInOrder() {
        try (PipelineHarness ci = PipelineHarness.builder(PIPELINE).build()) {
            for (int i = 1; i <= 20; i++) {
                ci.task("step-%02d".formatted(i)).returns(0);
            }
            ci.resource("repo").emit("ref", "v1");
            ci.runUntilIdle();
            ci.resource("repo").emit("ref", "v2");
            ci.runUntilIdle();
            assertThat(ci.job("job-20").builds()).hasSize(2);
            assertThat(ci.job("job-20").builds().get(0)).usedInput("repo", Map.of("ref", "v1"));
            assertThat(ci.job("job-20").builds().get(1)).usedInput("repo", Map.of("ref", "v2"));
            assertThat(ci).hasBuildCount(40);
        }
    }
}
