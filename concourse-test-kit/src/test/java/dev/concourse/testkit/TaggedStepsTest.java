package dev.concourse.testkit;

import static dev.concourse.testkit.PipelineAssertions.assertThat;

import org.junit.jupiter.api.Test;

@PipelineTest(pipeline = "src/test/resources/pipelines/tagged.yml")
class TaggedStepsTest {

    @Test
    void taggedAndUntaggedStepsBothFindAWorker(PipelineHarness ci) {
        ci.task("on-any-worker").returns(0);
        ci.task("on-a-gpu-worker").returns(0);

        assertThat(ci.trigger("build")).succeeded().ranStepsInOrder("on-any-worker", "on-a-gpu-worker");
    }
}
