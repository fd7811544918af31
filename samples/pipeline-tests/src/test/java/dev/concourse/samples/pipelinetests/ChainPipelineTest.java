package dev.concourse.samples.pipelinetests;

import static dev.concourse.testkit.PipelineAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.concourse.testkit.BuildTrace;
import dev.concourse.testkit.PipelineHarness;
import dev.concourse.testkit.PipelineTest;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** samples/pipelines/chain.yml: unit, then integration (passed unit), then ship (passed integration). */
@PipelineTest(pipeline = "../pipelines/chain.yml")
class ChainPipelineTest {

    @BeforeEach
    void tasksPass(PipelineHarness ci) {
        ci.task("unit-tests").returns(0);
        ci.task("integration-tests").returns(0);
    }

    @Test
    void aNewVersionGoesThroughEveryJobAndIsShipped(PipelineHarness ci) {
        ci.resource("source-code").emit("version", "42");

        ci.runUntilIdle();

        assertThat(ci.job("unit").lastBuild()).succeeded().usedInput("source-code", Map.of("version", "42"));
        assertThat(ci.job("integration").lastBuild()).succeeded().usedInput("source-code", Map.of("version", "42"));
        assertThat(ci.job("ship").lastBuild()).succeeded().ranStepsInOrder("source-code", "release")
                .firedHook("on_success");
        assertThat(ci.resource("release").puts()).containsExactly(Map.of("version", "2"));
    }

    @Test
    void aVersionThatFailsUnitIsNeverShipped(PipelineHarness ci) {
        ci.task("unit-tests").returns(1).printsError("expected 3 but was 4\n");
        ci.resource("source-code").emit("version", "43");

        ci.runUntilIdle();

        assertThat(ci.job("unit").lastBuild()).failed().stepEnded("unit-tests", "failed")
                .logContains("expected 3 but was 4");
        assertThat(ci.job("integration").buildCount()).isZero();
        assertThat(ci.job("ship").buildCount()).isZero();
        assertThat(ci.resource("release").puts()).isEmpty();
    }

    @Test
    void integrationTakesOnlyVersionsThatPassedUnit(PipelineHarness ci) {
        ci.resource("source-code").emit("version", "1");
        ci.runUntilIdle();
        ci.task("unit-tests").returns(1);
        ci.resource("source-code").emit("version", "2");
        ci.runUntilIdle();

        assertThat(ci.job("unit").builds()).extracting(BuildTrace::status).extracting(s -> s.wireName())
                .containsExactly("succeeded", "failed");
        assertThat(ci.job("integration").builds()).singleElement()
                .satisfies(b -> assertThat(b).usedInput("source-code", Map.of("version", "1")));
    }

    @Test
    void withoutAScriptTheMockTypeRunsForRealOnTheHarnessClock(PipelineHarness ci) {
        // source-code is not scripted: its type, Concourse's mock, reports initial_version "1".
        ci.runUntilIdle();
        assertThat(ci.job("ship").lastBuild()).succeeded().usedInput("source-code", Map.of("version", "1"));

        // check_every: 1m; an hour later nothing new was found, so nothing ran again.
        ci.advance(Duration.ofHours(1));
        assertThat(ci.job("unit").buildCount()).isEqualTo(1);
    }

    @Test
    void theShipBuildsStepTreeStaysAsRecorded(PipelineHarness ci) {
        ci.resource("source-code").emit("version", "7");
        ci.runUntilIdle();
        assertThat(ci.job("ship").lastBuild()).matchesSnapshot("ship");
    }
}
