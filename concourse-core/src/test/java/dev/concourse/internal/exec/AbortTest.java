package dev.concourse.internal.exec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.concourse.BuildStatus;
import dev.concourse.event.BuildEvent;
import dev.concourse.spi.runtime.Worker;
import dev.concourse.spi.scheduling.PlacementRequest;
import dev.concourse.spi.scheduling.PlacementStrategy;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AbortTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

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
    void abortBeforeTheRunEndsItAtOnceWithoutEvents() {
        ExecHarness.Build build = harness.build(1);
        build.run.abort();

        BuildStatus status = build.run(Jobs.plan(TaskStepTest.task("t", "echo never")).asStep());

        assertThat(status).isEqualTo(BuildStatus.ABORTED);
        assertThat(build.events.events()).isEmpty();
    }

    @Test
    void aProcessIgnoringTerminateIsKilledAfterTheGracePeriodAndHooksRun() throws InterruptedException {
        harness.grace = Duration.ofSeconds(1);
        ExecHarness.Build build = harness.build(1);
        Thread thread = build.start(Jobs.plan("""
                - task: stubborn
                  config:
                    platform: linux
                    run: {path: sh, args: [-c, 'trap "" TERM; echo $$; sleep 30; echo survived']}
                  on_abort:
                    task: cleanup
                    config: {platform: linux, run: {path: echo, args: [on_abort ran]}}
                - task: never
                  config: {platform: linux, run: {path: echo, args: [never]}}
                """).asStep());
        String id = build.id("stubborn");
        build.events.await(e -> e instanceof BuildEvent.Log l && l.origin().id().equals(id), WAIT);

        Instant abortedAt = harness.clock.now();
        build.run.abort();
        BuildStatus status = build.await(thread, WAIT);

        assertThat(status).isEqualTo(BuildStatus.ABORTED);
        assertThat(Duration.between(abortedAt, harness.clock.now())).isBetween(Duration.ofSeconds(1),
                Duration.ofSeconds(20));
        assertThat(build.events.typesOf(id)).endsWith("start-task", "error");
        assertThat(build.events.errors()).containsExactly("interrupted");
        long pid = Long.parseLong(build.events.output(id, dev.concourse.event.Origin.Source.STDOUT).strip());
        assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).isEmpty();
        assertThat(build.events.stdout()).doesNotContain("survived").endsWith("on_abort ran\n");
        assertThat(build.events.typesOf(build.id("never"))).isEmpty();
        assertThat(harness.worker().containers()).isEmpty();
    }

    @Test
    void aHandedOverBuildRunsNoHookStartsNoStepAndStopsAProcessTheRuntimeCannotDetach() throws InterruptedException {
        ExecHarness.Build build = harness.build(1);
        Thread thread = build.start(Jobs.plan("""
                - task: wait
                  config:
                    platform: linux
                    run: {path: sh, args: [-c, 'echo $$; sleep 30; echo survived']}
                  on_abort:
                    task: on-abort
                    config: {platform: linux, run: {path: echo, args: [on_abort ran]}}
                  on_failure:
                    task: on-failure
                    config: {platform: linux, run: {path: echo, args: [on_failure ran]}}
                  on_error:
                    task: on-error
                    config: {platform: linux, run: {path: echo, args: [on_error ran]}}
                  ensure:
                    task: ensure
                    config: {platform: linux, run: {path: echo, args: [ensure ran]}}
                - task: never
                  config: {platform: linux, run: {path: echo, args: [never]}}
                """).asStep());
        String id = build.id("wait");
        build.events.await(e -> e instanceof BuildEvent.Log l && l.origin().id().equals(id), WAIT);

        build.run.handOver();

        assertThat(build.await(thread, WAIT)).isEqualTo(BuildStatus.ABORTED);
        assertThat(build.run.isAborted()).isTrue();
        long pid = Long.parseLong(build.events.output(id, dev.concourse.event.Origin.Source.STDOUT).strip());
        assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).as("the local runtime cannot detach")
                .isEmpty();
        assertThat(build.events.typesOf(id)).as("quietly").contains("start-task")
                .doesNotContain("finish-task", "error");
        assertThat(build.events.errors()).isEmpty();
        assertThat(build.events.stdout()).doesNotContain("ran", "survived", "never");
        for (String step : List.of("on-abort", "on-failure", "on-error", "ensure", "never")) {
            assertThat(build.events.typesOf(build.id(step))).as(step).isEmpty();
        }
    }

    @Test
    void aBuildHandedOverWhileItsOnAbortHookRunsStopsTheHookAndRunsNoFurtherHook() throws InterruptedException {
        ExecHarness.Build build = harness.build(1);
        Thread thread = build.start(Jobs.plan("""
                - task: wait
                  config:
                    platform: linux
                    run: {path: sleep, args: ["30"]}
                  on_abort:
                    task: slow-cleanup
                    config: {platform: linux, run: {path: sh, args: [-c, 'echo $$; sleep 30; echo cleaned']}}
                  ensure:
                    task: ensure
                    config: {platform: linux, run: {path: echo, args: [ensure ran]}}
                """).asStep());
        build.events.await(e -> e instanceof BuildEvent.StartTask s && s.origin().id().equals(build.id("wait")), WAIT);
        build.run.abort();
        String hook = build.id("slow-cleanup");
        build.events.await(e -> e instanceof BuildEvent.Log l && l.origin().id().equals(hook), WAIT);

        build.run.handOver();

        assertThat(build.await(thread, WAIT)).isEqualTo(BuildStatus.ABORTED);
        long pid = Long.parseLong(build.events.output(hook, dev.concourse.event.Origin.Source.STDOUT).strip());
        assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).isEmpty();
        assertThat(build.events.stdout()).doesNotContain("cleaned", "ensure ran");
        assertThat(build.events.typesOf(build.id("ensure"))).isEmpty();
    }

    @Test
    void abortStopsEveryBranchOfInParallel() throws InterruptedException {
        ExecHarness.Build build = harness.build(1);
        Thread thread = build.start(Jobs.plan("""
                - in_parallel:
                  - task: a
                    config: {platform: linux, run: {path: sleep, args: ["30"]}}
                  - task: b
                    config: {platform: linux, run: {path: sleep, args: ["30"]}}
                """).asStep());
        for (String name : List.of("a", "b")) {
            String id = build.id(name);
            build.events.await(e -> e instanceof BuildEvent.StartTask s && s.origin().id().equals(id), WAIT);
        }

        build.run.abort();

        assertThat(build.await(thread, WAIT)).isEqualTo(BuildStatus.ABORTED);
        assertThat(build.events.errors()).containsExactly("interrupted", "interrupted");
    }

    @Test
    void abortWhileWaitingForAWorkerEndsTheWait() throws InterruptedException {
        harness.placement = List.of(new PlacementStrategy() {
            @Override
            public String name() {
                return "never";
            }

            @Override
            public List<Worker> order(PlacementRequest request, List<Worker> candidates) {
                return candidates;
            }

            @Override
            public boolean approve(Worker worker, PlacementRequest request) {
                return false;
            }
        });
        ExecHarness.Build build = harness.build(1);
        Thread thread = build.start(Jobs.plan(TaskStepTest.task("waits", "true")).asStep());
        String id = build.id("waits");
        build.events.await(e -> e instanceof BuildEvent.WaitingForWorker w && w.origin().id().equals(id), WAIT);

        build.run.abort();

        assertThat(build.await(thread, WAIT)).isEqualTo(BuildStatus.ABORTED);
        assertThat(build.events.typesOf(id)).containsExactly("initialize-task", "waiting-for-worker", "error");
    }

    @Test
    void interruptingTheRunningThreadAbortsTheBuild() throws InterruptedException {
        ExecHarness.Build build = harness.build(1);
        Thread thread = build.start(Jobs.plan(TaskStepTest.task("slow", "sleep 30")).asStep());
        String id = build.id("slow");
        build.events.await(e -> e instanceof BuildEvent.StartTask s && s.origin().id().equals(id), WAIT);

        thread.interrupt();

        assertThat(build.await(thread, WAIT)).isEqualTo(BuildStatus.ABORTED);
        assertThat(build.run.isAborted()).isTrue();
    }
}
