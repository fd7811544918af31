package dev.concourse.samples.pipelinetests;

import static dev.concourse.testkit.PipelineAssertions.assertThat;

import dev.concourse.testkit.PipelineHarness;
import dev.concourse.testkit.PipelineTest;
import org.junit.jupiter.api.Test;

/** samples/pipelines/hello.yml: one job, one task, no resources. */
@PipelineTest(pipeline = "../pipelines/hello.yml")
class HelloPipelineTest {

    @Test
    void helloSaysHello(PipelineHarness ci) {
        ci.task("say-hello").prints("hello world\n");

        assertThat(ci.trigger("hello")).succeeded().ranStepsInOrder("say-hello").logContains("hello world");
    }

    @Test
    @PipelineTest(pipeline = "../pipelines/hello.yml", runUnmockedTasks = true)
    void helloRunsForRealOnThisMachine(PipelineHarness ci) {
        // No mock: the task's `sh -c "echo hello world"` runs as a process of this machine.
        assertThat(ci.trigger("hello")).succeeded().stepLogContains("say-hello", "hello world");
    }
}
