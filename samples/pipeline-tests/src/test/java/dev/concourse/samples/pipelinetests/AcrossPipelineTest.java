package dev.concourse.samples.pipelinetests;

import static dev.concourse.testkit.PipelineAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.concourse.testkit.BuildTrace;
import dev.concourse.testkit.PipelineHarness;
import dev.concourse.testkit.PipelineTest;
import dev.concourse.testkit.StepTrace;
import dev.concourse.testkit.TaskMock;
import org.junit.jupiter.api.Test;

/** samples/pipelines/across.yml: a build matrix and a loop over regions. */
@PipelineTest(pipeline = "../pipelines/across.yml")
class AcrossPipelineTest {

    @Test
    void theMatrixBuildsEveryOperatingSystemWithEveryJdk(PipelineHarness ci) {
        ci.task("build").returns(0);

        BuildTrace build = ci.trigger("build-matrix");

        assertThat(build).succeeded();
        assertThat(build.steps()).filteredOn(s -> s.name().equals("build")).hasSize(6).allMatch(StepTrace::succeeded);
        assertThat(ci.task("build").runs()).extracting(r -> r.env().get("TARGET_OS") + "/" + r.env().get("JDK_VERSION"))
                .containsExactlyInAnyOrder("linux/21", "linux/25", "darwin/21", "darwin/25", "windows/21", "windows/25");
    }

    @Test
    void eachRegionIsDeployedThenVerifiedWithItsOwnValues(PipelineHarness ci) {
        ci.task("deploy").returns(0);
        ci.task("verify").returns(0);

        assertThat(ci.trigger("deploy-regions")).succeeded()
                .ranStepsInOrder("deploy", "verify", "deploy", "verify")
                .matchesSnapshot("deploy-regions");
        assertThat(ci.task("deploy").runs()).extracting(r -> r.env().get("REGION") + ":" + r.env().get("REPLICAS"))
                .containsExactly("eu-west:3", "us-east:5");
    }

    @Test
    void aFailedVerificationFailsTheBuildAfterEveryRegionRan(PipelineHarness ci) {
        ci.task("deploy").returns(0);
        TaskMock verify = ci.task("verify").returns(1, 0);

        // No fail_fast on this across: the second region still runs, the build fails.
        assertThat(ci.trigger("deploy-regions")).failed();
        assertThat(verify.runs()).extracting(r -> r.env().get("REGION")).containsExactly("eu-west", "us-east");
    }
}
