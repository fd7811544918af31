package dev.concourse.internal.exec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.concourse.BuildStatus;
import dev.concourse.event.BuildEvent;
import dev.concourse.runtime.LocalProcessRuntime;
import dev.concourse.spi.runtime.ContainerRuntime;
import dev.concourse.spi.runtime.Volume;
import dev.concourse.spi.runtime.Worker;
import dev.concourse.spi.scheduling.PlacementStrategies;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlacementTest {
    @TempDir
    Path base;
    ExecHarness harness;
    LocalProcessRuntime other;

    @AfterEach
    void tearDown() {
        harness.close();
    }

    @Test
    void aStepWaitsForAWorkerTheStrategyRefusesAndRunsOnceAnotherStepReleasesIt() {
        harness = new ExecHarness(base);
        harness.placement = List.of(PlacementStrategies.limitActiveTasks(1));

        ExecHarness.Build build = harness.runJob(Jobs.plan("""
                - in_parallel:
                  - task: first
                    config: {platform: linux, run: {path: sh, args: [-c, 'sleep 0.3; echo one']}}
                  - task: second
                    config: {platform: linux, run: {path: sh, args: [-c, 'sleep 0.3; echo two']}}
                """));

        assertThat(build.status).isEqualTo(BuildStatus.SUCCEEDED);
        assertThat(build.events.ofType(BuildEvent.WaitingForWorker.class)).hasSize(1);
        List<String> order = build.events.events().stream()
                .filter(e -> e instanceof BuildEvent.StartTask || e instanceof BuildEvent.FinishTask)
                .map(BuildEvent::type).toList();
        assertThat(order).containsExactly("start-task", "finish-task", "start-task", "finish-task");
    }

    @Test
    void anInputOnAnotherWorkerIsStreamedToTheWorkerTheTagsChoose() {
        LocalProcessRuntime local = LocalProcessRuntime.builder().baseDirectory(base.resolve("a"))
                .workerName("local").build();
        other = LocalProcessRuntime.builder().baseDirectory(base.resolve("b")).workerName("gpu-box").tags("gpu")
                .build();
        harness = new ExecHarness(new TwoWorkers(local, other));
        Volume repo = harness.volume(Map.of("ci/data.txt", "streamed\n"));
        assertThat(repo.workerName()).isEqualTo("local");

        ExecHarness.Build build = harness.build(1, Map.of("repo", repo));
        build.run(Jobs.plan("""
                - task: crunch
                  tags: [gpu]
                  config:
                    platform: linux
                    inputs: [{name: repo}]
                    run: {path: cat, args: [repo/ci/data.txt]}
                """).asStep());

        assertThat(build.status).isEqualTo(BuildStatus.SUCCEEDED);
        assertThat(build.events.ofType(BuildEvent.SelectedWorker.class)).extracting(BuildEvent.SelectedWorker::worker)
                .containsExactly("gpu-box");
        assertThat(build.events.stdout()).isEqualTo("streamed\n");
        assertThat(other.workers().get(0).volumes()).as("the streamed copy goes with the step").isEmpty();
    }

    /** Two real local runtimes' workers as one runtime. */
    private record TwoWorkers(LocalProcessRuntime first, LocalProcessRuntime second) implements ContainerRuntime {
        @Override
        public String id() {
            return "two-local";
        }

        @Override
        public List<Worker> workers() {
            return Stream.concat(first.workers().stream(), second.workers().stream()).toList();
        }

        @Override
        public void close() {
            first.close();
            second.close();
        }
    }
}
