package dev.concourse.testkit;

import static dev.concourse.testkit.PipelineAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.concourse.BuildStatus;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

@PipelineTest(pipeline = "src/test/resources/pipelines/ci.yml")
class PipelineHarnessTest {

    @Test
    void aNewVersionRunsTheChain(PipelineHarness ci) {
        ci.resource("repo").emit(Map.of("ref", "abc"));
        ci.task("unit-tests").returns(0).prints("12 tests passed\n").writes("reports/junit.xml", "<ok/>");
        ci.task("build-image").returns(0).writes("built/image.tar", "tar");
        ci.secret("registry-token", "s3cr3t-token");

        ci.runUntilIdle();

        assertThat(ci.job("unit").lastBuild()).succeeded().usedInput("repo", Map.of("ref", "abc"))
                .ranStepsInOrder("repo", "unit-tests").logContains("12 tests passed").didNotFireHook("on_failure");
        assertThat(ci.job("deploy").lastBuild()).succeeded().ranStepsInOrder("repo", "build-image", "image");
        assertThat(ci.resource("image").puts()).containsExactly(Map.of("image", "built/image.tar"));
        assertThat(ci.task("build-image").runs()).singleElement()
                .satisfies(run -> assertThat(run.env()).containsEntry("TOKEN", "s3cr3t-token"));
        assertThat(ci).hasNoSecretInLogs().hasBuildCount(2);
    }

    @Test
    void aFailingTaskFiresItsHook(PipelineHarness ci) {
        ci.resource("repo").emit("ref", "abc");
        ci.task("unit-tests").returns(2).printsError("1 test failed\n");
        ci.task("notify").returns(0);

        ci.runUntilIdle();

        BuildTrace unit = ci.job("unit").lastBuild();
        assertThat(unit).failed().firedHook("on_failure").stepEnded("unit-tests", "failed")
                .stepLogContains("unit-tests", "1 test failed");
        assertThat(ci.job("deploy").buildCount()).isZero();
    }

    @Test
    void eachNewVersionGetsABuild(PipelineHarness ci) {
        ci.task("unit-tests").returns(0);
        ci.task("build-image").returns(0);
        for (int i = 1; i <= 3; i++) {
            ci.resource("repo").emit("ref", "v" + i);
            ci.runUntilIdle();
        }
        assertThat(ci.job("unit").builds()).extracting(BuildTrace::status).containsOnly(BuildStatus.SUCCEEDED)
                .hasSize(3);
        assertThat(ci.job("deploy").lastBuild()).usedInput("repo", Map.of("ref", "v3"));
    }

    @Test
    void aTimeoutStopsASlowTaskWithoutWaiting(PipelineHarness ci) {
        ci.resource("repo").emit("ref", "abc");
        ci.task("unit-tests").returns(0);
        ci.task("build-image").takes(Duration.ofMinutes(30));
        ci.secret("registry-token", "t");

        ci.runUntilIdle();

        assertThat(ci.job("deploy").lastBuild()).failed().stepEnded("build-image", "timed out")
                .didNotRunSteps("image");
        assertThat(ci.now()).isEqualTo(ManualClock.DEFAULT_START.plus(Duration.ofMinutes(10)));
    }

    @Test
    void anUnmockedTaskFailsTheRunNamingWhatToMock(PipelineHarness ci) {
        ci.resource("repo").emit("ref", "abc");
        assertThatThrownBy(ci::runUntilIdle).isInstanceOf(AssertionError.class)
                .hasMessageContaining("tasks ran without a mock: unit-tests")
                .hasMessageContaining("ci.task(\"unit-tests\").returns(0);");
    }

    @Test
    void aFailingCheckIsRecorded(PipelineHarness ci) {
        ci.resource("repo").failCheck("authentication failed");
        ci.runUntilIdle();
        assertThat(ci.engine().resources().get(ci.pipeline().resource("repo")).orElseThrow().checkError())
                .contains("authentication failed");
        assertThat(ci.builds()).isEmpty();
    }

    @Test
    void aJobSaysWhyItWaits(PipelineHarness ci) {
        ci.resource("repo").emit("ref", "abc");
        ci.task("unit-tests").returns(1);
        ci.task("notify").returns(0);

        ci.runUntilIdle();

        assertThat(ci.job("deploy")).hasNoBuild().isPendingBecause("no satisfiable builds from passed jobs");
        assertThatThrownBy(() -> assertThat(ci.job("deploy")).isPendingBecause("is paused"))
                .hasMessageContaining("expected job 'deploy' to wait because of \"is paused\"")
                .hasMessageContaining("no satisfiable builds from passed jobs");
        ci.engine().jobs().pause(ci.job("unit").ref());
        assertThat(ci.job("unit")).isPendingBecause("job 'unit' is paused");
    }

    @Test
    void aSecretPrintedByABuildThatFetchedItIsRedacted(PipelineHarness ci) {
        ci.resource("repo").emit("ref", "abc");
        ci.task("unit-tests").returns(0);
        ci.task("build-image").returns(0).prints("pushing with s3cr3t-token\n");
        ci.secret("registry-token", "s3cr3t-token");

        ci.runUntilIdle();

        assertThat(ci.job("deploy").lastBuild()).succeeded().logDoesNotContain("s3cr3t-token");
        assertThat(ci).hasNoSecretInLogs();
    }

    @Test
    void aSecretPrintedWhereNoBuildFetchedItIsCaught(PipelineHarness ci) {
        ci.resource("repo").emit("ref", "abc");
        ci.task("unit-tests").returns(0).prints("debug: token is s3cr3t-token\n");
        ci.task("build-image").returns(0);
        ci.secret("registry-token", "s3cr3t-token");

        ci.runUntilIdle();

        assertThatThrownBy(() -> assertThat(ci).hasNoSecretInLogs())
                .hasMessageContaining("main/ci/unit #1 shows secret ((registry-token))");
    }
}
