package dev.concourse.samples.pipelinetests;

import static dev.concourse.testkit.PipelineAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.concourse.Build;
import dev.concourse.testkit.BuildTrace;
import dev.concourse.testkit.PipelineHarness;
import dev.concourse.testkit.PipelineTest;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** samples/pipelines/hooks.yml: attempts, try, timeout and every hook. */
@PipelineTest(pipeline = "../pipelines/hooks.yml")
class HooksPipelineTest {
    private static final List<String> TASKS = List.of("flaky-tests", "optional-lint", "roll-out", "smoke-test",
            "roll-back", "report-error", "release-lock-early", "collect-logs", "announce-success",
            "announce-failure", "announce-error", "announce-abort", "unlock", "tidy-up");

    @BeforeEach
    void everyTaskSucceeds(PipelineHarness ci) {
        TASKS.forEach(t -> ci.task(t).returns(0));
    }

    @Test
    void aGoodDeploySmokeTestsAndAnnouncesSuccess(PipelineHarness ci) {
        BuildTrace build = ci.trigger("deploy");

        assertThat(build).succeeded()
                .ranStepsInOrder("flaky-tests", "optional-lint", "roll-out", "smoke-test", "collect-logs",
                        "announce-success", "unlock", "tidy-up")
                .didNotRunSteps("roll-back", "report-error", "announce-failure")
                .firedHook("on_success").firedHook("ensure").didNotFireHook("on_failure")
                .matchesSnapshot("deploy-succeeds");
    }

    @Test
    void flakyTestsAreRetriedUntilTheyPass(PipelineHarness ci) {
        ci.task("flaky-tests").returns(1, 1, 0);

        assertThat(ci.trigger("deploy")).succeeded();
        assertThat(ci.task("flaky-tests").runs()).hasSize(3);
    }

    @Test
    void aLintFailureDoesNotFailTheBuild(PipelineHarness ci) {
        ci.task("optional-lint").returns(1);

        assertThat(ci.trigger("deploy")).succeeded().stepEnded("optional-lint", "failed");
    }

    @Test
    void aFailedRollOutRollsBackAndAnnouncesTheFailure(PipelineHarness ci) {
        ci.task("roll-out").returns(1);

        assertThat(ci.trigger("deploy")).failed()
                .ranStepsInOrder("roll-out", "roll-back", "collect-logs", "announce-failure", "unlock", "tidy-up")
                .didNotRunSteps("smoke-test", "announce-success")
                .matchesSnapshot("roll-out-fails");
    }

    @Test
    void aRollOutPastItsTimeoutFailsAfterTenMinutesOfSimulatedTime(PipelineHarness ci) {
        ci.task("roll-out").takes(Duration.ofHours(1));

        BuildTrace build = ci.trigger("deploy");

        assertThat(build).failed().stepEnded("roll-out", "timed out").firedHook("on_failure")
                .ranSteps("roll-back", "announce-failure");
        assertThat(Duration.between(build.build().startTime(), build.build().endTime()))
                .isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void anAbortedRollOutReleasesTheLockEarly(PipelineHarness ci) {
        ci.task("roll-out").hangs();
        Build started = ci.job("deploy").trigger();
        ci.clock().schedule(Duration.ofMinutes(3), () -> ci.engine().builds().abort(started.id()));

        ci.runUntilIdle();

        BuildTrace build = ci.job("deploy").lastBuild();

        assertThat(build).aborted().stepEnded("roll-out", "aborted").firedHook("on_abort")
                .ranSteps("release-lock-early", "announce-abort", "unlock");
    }
}
