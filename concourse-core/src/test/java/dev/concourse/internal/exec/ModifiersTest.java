package dev.concourse.internal.exec;

import static dev.concourse.internal.exec.TaskStepTest.task;
import static org.assertj.core.api.Assertions.assertThat;

import dev.concourse.BuildStatus;
import dev.concourse.event.BuildEvent;
import dev.concourse.event.Origin;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModifiersTest {
    @TempDir
    Path base;
    ExecHarness harness;

    @BeforeEach
    void setUp() {
        harness = new ExecHarness(base);
    }

    @AfterEach
    void tearDown() {
        harness.close();
    }

    @Test
    void doStopsAtTheFirstStepThatDoesNotSucceed() {
        ExecHarness.Build build = harness.runJob(Jobs.plan(
                task("one", "echo one") + task("two", "exit 1") + task("three", "echo three")));

        assertThat(build.status).isEqualTo(BuildStatus.FAILED);
        assertThat(build.events.stdout()).isEqualTo("one\n");
        assertThat(build.events.typesOf(build.id("three"))).isEmpty();
    }

    @Test
    void tryTurnsFailuresAndErrorsIntoSuccess() {
        ExecHarness.Build build = harness.runJob(Jobs.plan("""
                - try:
                    task: fails
                    config: {platform: linux, run: {path: sh, args: [-c, exit 1]}}
                - try:
                    task: errors
                    config: {platform: linux, inputs: [{name: nothing}], run: {path: "true"}}
                """ + task("after", "echo after")));

        assertThat(build.status).isEqualTo(BuildStatus.SUCCEEDED);
        assertThat(build.events.errors()).singleElement().asString().startsWith("missing inputs: nothing");
        assertThat(build.events.stdout()).isEqualTo("after\n");
    }

    @Test
    void attemptsRetryUntilTheTaskSucceeds() {
        ExecHarness.Build build = harness.runJob(Jobs.plan("""
                - task: flaky
                  attempts: 5
                  config:
                    platform: linux
                    caches: [{path: state}]
                    run:
                      path: sh
                      args:
                      - -c
                      - 'n=$(cat state/n 2>/dev/null || echo 0); n=$((n+1)); echo $n > state/n; echo try $n; [ $n -ge 3 ]'
                """));

        assertThat(build.status).isEqualTo(BuildStatus.SUCCEEDED);
        assertThat(build.events.stdout()).isEqualTo("try 1\ntry 2\ntry 3\n");
        assertThat(build.events.ofType(BuildEvent.FinishTask.class)).extracting(BuildEvent.FinishTask::exitStatus)
                .containsExactly(1, 1, 0);
        assertThat(build.events.ofType(BuildEvent.InitializeTask.class))
                .extracting(e -> e.origin().id()).as("each attempt has its own plan id").doesNotHaveDuplicates();
    }

    @Test
    void attemptsRetryErrorsTooAndTheLastAttemptDecides() {
        ExecHarness.Build build = harness.runJob(Jobs.plan("""
                - task: broken
                  attempts: 2
                  config: {platform: linux, inputs: [{name: nothing}], run: {path: "true"}}
                """));

        assertThat(build.status).isEqualTo(BuildStatus.ERRORED);
        assertThat(build.events.errors()).hasSize(2);
    }

    @Test
    void aTimeoutFailsTheStepQuicklyAndItsProcessIsGone() throws Exception {
        Instant start = harness.clock.now();
        ExecHarness.Build build = harness.runJob(Jobs.plan("""
                - task: slow
                  timeout: 500ms
                  config:
                    platform: linux
                    run: {path: sh, args: [-c, 'echo $$; exec sleep 30']}
                """));

        assertThat(Duration.between(start, harness.clock.now())).isLessThan(Duration.ofSeconds(10));
        assertThat(build.status).isEqualTo(BuildStatus.FAILED);
        assertThat(build.events.typesOf(build.id("slow")))
                .containsExactly("initialize-task", "selected-worker", "start-task", "error");
        assertThat(build.events.errors()).containsExactly("timeout exceeded");
        long pid = Long.parseLong(build.events.stdout().strip());
        assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).isEmpty();
    }

    @Test
    void aTimeoutModifierCancelsEverythingInsideAndFails() {
        ExecHarness.Build build = harness.runJob(Jobs.plan("""
                - do:
                  - task: slow
                    config: {platform: linux, run: {path: sleep, args: ["30"]}}
                  - task: never
                    config: {platform: linux, run: {path: "true"}}
                  timeout: 300ms
                """));

        assertThat(build.status).isEqualTo(BuildStatus.FAILED);
        assertThat(build.events.errors()).containsExactly("timeout exceeded");
        assertThat(build.events.typesOf(build.id("never"))).isEmpty();
    }

    @Test
    void anInvalidTimeoutIsAnError() {
        ExecHarness.Build modifier = harness.runJob(Jobs.plan("""
                - do: [{task: t, config: {platform: linux, run: {path: "true"}}}]
                  timeout: soon
                """));
        ExecHarness.Build field = harness.runJob(Jobs.plan("""
                - task: t
                  timeout: 5 minutes
                  config: {platform: linux, run: {path: "true"}}
                """));

        assertThat(modifier.status).isEqualTo(BuildStatus.ERRORED);
        assertThat(modifier.events.errors()).singleElement().asString()
                .startsWith("invalid timeout 'soon': time: invalid duration \"soon\"");
        assertThat(field.status).isEqualTo(BuildStatus.ERRORED);
        assertThat(field.events.errors()).singleElement().asString()
                .startsWith("parse timeout: time: unknown unit \" minutes\" in duration \"5 minutes\"");
    }

    @Test
    void aTimeoutInsideTryIsSwallowedLikeAnyFailure() {
        ExecHarness.Build build = harness.runJob(Jobs.plan("""
                - try:
                    task: slow
                    timeout: 200ms
                    config: {platform: linux, run: {path: sleep, args: ["30"]}}
                """));

        assertThat(build.status).isEqualTo(BuildStatus.SUCCEEDED);
    }

    @Test
    void theRunDirectoryIsRelativeToTheWorkingDirectory() {
        ExecHarness.Build build = harness.runJob(Jobs.plan("""
                - task: make
                  config:
                    platform: linux
                    outputs: [{name: out}]
                    run: {path: sh, args: [-c, 'echo inside > file'], dir: out}
                - task: read
                  config:
                    platform: linux
                    inputs: [{name: out}]
                    run: {path: cat, args: [out/file]}
                """));

        assertThat(build.status).isEqualTo(BuildStatus.SUCCEEDED);
        assertThat(build.events.output(build.id("read"), Origin.Source.STDOUT)).isEqualTo("inside\n");
    }
}
