package dev.concourse.samples.pipelinetests;

import static dev.concourse.testkit.PipelineAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.concourse.testkit.PipelineHarness;
import dev.concourse.testkit.PipelineTest;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * samples/pipelines/vars.yml: static vars from a file and a nightly time trigger. The credential
 * in app-image's source (((registry_password))) is not needed: scripted resources drop their source.
 */
@PipelineTest(pipeline = "../pipelines/vars.yml", vars = "../pipelines/vars/vars.yml")
class VarsPipelineTest {

    @Test
    void theTestsRunEveryNightWithTheVarsOfTheFile(PipelineHarness ci) {
        ci.task("integration-tests").returns(0);
        ci.resource("app-image").emit("digest", "sha256:1");

        ci.advance(Duration.ofDays(2));

        String job = ci.config().jobs().getFirst().name();
        assertThat(job).isEqualTo("test-payments");
        assertThat(ci.job(job).buildCount()).isBetween(2, 3);
        assertThat(ci.job(job).lastBuild()).succeeded().ranStepsInOrder("every-night", "app-image",
                "integration-tests");
        assertThat(ci.task("integration-tests").runs().getFirst().env())
                .containsEntry("ENVIRONMENT", "staging").containsEntry("REPLICAS", "3");
    }
}
