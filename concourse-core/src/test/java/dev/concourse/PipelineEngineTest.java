package dev.concourse;

import static dev.concourse.EventCollector.awaitFinished;
import static dev.concourse.EventCollector.log;
import static dev.concourse.EventCollector.types;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.concourse.config.ConfigException;
import dev.concourse.event.BuildEvent;
import dev.concourse.event.SequencedEvent;
import dev.concourse.runtime.LocalProcessRuntime;
import dev.concourse.storage.InMemoryStorage;
import dev.concourse.vars.StaticVariables;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The engine end to end through its public API, on the in-memory store and local processes. */
class PipelineEngineTest {
    private static final PipelineRef CI = PipelineRef.main("ci");

    @TempDir
    Path work;

    private PipelineEngine engine;

    @BeforeEach
    void startEngine() {
        engine = PipelineEngine.builder()
                .storage(new InMemoryStorage())
                .runtime(LocalProcessRuntime.builder().baseDirectory(work).build())
                .abortGracePeriod(Duration.ofSeconds(2))
                .build();
        engine.start();
    }

    @AfterEach
    void closeEngine() {
        engine.close();
    }

    private Build run(String yaml, String job) throws Exception {
        engine.pipelines().set(CI, yaml, StaticVariables.empty());
        return awaitFinished(engine, engine.jobs().trigger(CI.job(job)));
    }

    @Test
    void helloWorldRunsAndStreamsItsEvents() throws Exception {
        Build build = run("""
                jobs:
                - name: hello
                  plan:
                  - task: say-hello
                    config:
                      platform: linux
                      run: {path: sh, args: [-c, "echo hello world"]}
                """, "hello");

        assertThat(build.status()).isEqualTo(BuildStatus.SUCCEEDED);
        assertThat(build.name()).isEqualTo("1");
        List<SequencedEvent> events = EventCollector.all(engine, build.id());
        assertThat(events).extracting(SequencedEvent::sequence)
                .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, events.size()).boxed().toList());
        assertThat(types(events)).startsWith("status").endsWith("finish-task", "status")
                .containsSubsequence("initialize-task", "selected-worker", "start-task", "log", "finish-task");
        assertThat(log(events)).isEqualTo("hello world\n");
        assertThat(events.getLast().event()).isEqualTo(new BuildEvent.Status(
                events.getLast().event().time(), BuildStatus.SUCCEEDED));
        BuildPlan plan = engine.builds().plan(build.id()).orElseThrow();
        assertThat(plan.kind()).isEqualTo("do");
        BuildEvent.StartTask start = events.stream().map(SequencedEvent::event)
                .filter(BuildEvent.StartTask.class::isInstance).map(BuildEvent.StartTask.class::cast)
                .findFirst().orElseThrow();
        assertThat(start.config().path()).isEqualTo("sh");
        assertThat(plan.children().getFirst().id()).isEqualTo(start.origin().id());
    }

    @Test
    void nonZeroExitFailsTheBuildAndFiresTheFailureHooks() throws Exception {
        Build build = run("""
                jobs:
                - name: unit
                  on_failure:
                    task: job-failed
                    config: {platform: linux, run: {path: sh, args: [-c, "echo job hook"]}}
                  plan:
                  - task: test
                    config: {platform: linux, run: {path: sh, args: [-c, "echo testing; exit 3"]}}
                    on_failure:
                      task: step-failed
                      config: {platform: linux, run: {path: sh, args: [-c, "echo step hook"]}}
                  - task: never
                    config: {platform: linux, run: {path: sh, args: [-c, "echo never"]}}
                """, "unit");

        assertThat(build.status()).isEqualTo(BuildStatus.FAILED);
        List<SequencedEvent> events = EventCollector.all(engine, build.id());
        assertThat(log(events)).isEqualTo("testing\nstep hook\njob hook\n");
        assertThat(events).extracting(SequencedEvent::event).filteredOn(BuildEvent.FinishTask.class::isInstance)
                .extracting(e -> ((BuildEvent.FinishTask) e).exitStatus()).containsExactly(3, 0, 0);
    }

    @Test
    void outputsOfOneTaskAreInputsOfTheNext() throws Exception {
        Build build = run("""
                jobs:
                - name: pass-artifacts
                  plan:
                  - task: produce
                    config:
                      platform: linux
                      outputs: [{name: out}]
                      run: {path: sh, args: [-c, "echo built > out/artifact.txt"]}
                  - task: consume
                    input_mapping: {in: out}
                    config:
                      platform: linux
                      inputs: [{name: in}]
                      run: {path: sh, args: [-c, "cat in/artifact.txt"]}
                """, "pass-artifacts");

        assertThat(build.status()).isEqualTo(BuildStatus.SUCCEEDED);
        assertThat(log(EventCollector.all(engine, build.id()))).isEqualTo("built\n");
    }

    @Test
    void missingInputsErrorTheBuildNamingThem() throws Exception {
        Build build = run("""
                jobs:
                - name: broken
                  plan:
                  - task: needs-inputs
                    config:
                      platform: linux
                      inputs: [{name: source}, {name: tools}, {name: extra, optional: true}]
                      run: {path: "true"}
                """, "broken");

        assertThat(build.status()).isEqualTo(BuildStatus.ERRORED);
        List<SequencedEvent> events = EventCollector.all(engine, build.id());
        assertThat(events).extracting(SequencedEvent::event).filteredOn(BuildEvent.Error.class::isInstance)
                .singleElement().satisfies(e -> assertThat(((BuildEvent.Error) e).message())
                        .contains("source").contains("tools").doesNotContain("extra"));
    }

    @Test
    void modifiersAndCompositesBehaveAsInConcourse() throws Exception {
        Build build = run("""
                jobs:
                - name: everything
                  plan:
                  - in_parallel:
                      limit: 2
                      steps:
                      - task: a
                        config: {platform: linux, run: {path: sh, args: [-c, "echo a"]}}
                      - task: b
                        config: {platform: linux, run: {path: sh, args: [-c, "echo b"]}}
                  - try:
                      task: allowed-to-fail
                      config: {platform: linux, run: {path: sh, args: [-c, "exit 1"]}}
                  - do:
                    - task: with-ensure
                      config: {platform: linux, run: {path: sh, args: [-c, "echo body"]}}
                      ensure:
                        task: cleanup
                        config: {platform: linux, run: {path: sh, args: [-c, "echo cleanup"]}}
                      on_success:
                        task: celebrate
                        config: {platform: linux, run: {path: sh, args: [-c, "echo success"]}}
                  - task: flaky
                    attempts: 3
                    config:
                      platform: linux
                      caches: [{path: counter}]
                      run: {path: sh, args: [-c, "n=$(cat counter/n 2>/dev/null || echo 0); n=$((n+1)); echo $n > counter/n; echo attempt $n; [ $n -ge 2 ]"]}
                """, "everything");

        assertThat(build.status()).isEqualTo(BuildStatus.SUCCEEDED);
        String log = log(EventCollector.all(engine, build.id()));
        assertThat(log).contains("a\n", "b\n", "body\n", "success\n", "cleanup\n", "attempt 1\n", "attempt 2\n")
                .doesNotContain("attempt 3");
        assertThat(log.indexOf("success")).isLessThan(log.indexOf("cleanup"));
    }

    @Test
    void aTimeoutFailsTheStepAndStopsItsProcess() throws Exception {
        Build build = run("""
                jobs:
                - name: slow
                  plan:
                  - task: sleep
                    timeout: 1s
                    config: {platform: linux, run: {path: sh, args: [-c, "echo start; sleep 60; echo never"]}}
                """, "slow");

        assertThat(build.status()).isEqualTo(BuildStatus.FAILED);
        assertThat(Duration.between(build.startTime(), build.endTime())).isLessThan(Duration.ofSeconds(30));
        assertThat(log(EventCollector.all(engine, build.id()))).isEqualTo("start\n");
    }

    @Test
    void abortingARunningBuildTerminatesItsProcessAndRunsOnAbortHooks() throws Exception {
        engine.pipelines().set(CI, """
                jobs:
                - name: long
                  on_abort:
                    task: aborted-hook
                    config: {platform: linux, run: {path: sh, args: [-c, "echo on_abort ran"]}}
                  plan:
                  - task: wait
                    config:
                      platform: linux
                      run: {path: sh, args: [-c, "trap '' TERM; echo waiting; while true; do sleep 1; done"]}
                """, StaticVariables.empty());
        Build build = engine.jobs().trigger(CI.job("long"));
        EventCollector collector = new EventCollector();
        engine.builds().events(build.id(), 1).subscribe(collector);
        assertThat(collector.awaitLog("waiting", Duration.ofSeconds(30))).isTrue();

        engine.builds().abort(build.id());
        Build aborted = awaitFinished(engine, build);

        assertThat(aborted.status()).isEqualTo(BuildStatus.ABORTED);
        assertThat(log(collector.done.get(30, java.util.concurrent.TimeUnit.SECONDS))).contains("on_abort ran");
    }

    @Test
    void invalidPipelinesAreRejectedWithEveryFinding() {
        assertThatThrownBy(() -> engine.pipelines().set(CI, """
                jobs:
                - name: j
                  plan:
                  - get: nowhere
                """, StaticVariables.empty()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("unknown resource 'nowhere'");
    }

    @Test
    void pausedJobsKeepTheirBuildsPendingUntilUnpaused() throws Exception {
        engine.pipelines().set(CI, """
                jobs:
                - name: j
                  plan:
                  - task: t
                    config: {platform: linux, run: {path: "true"}}
                """, StaticVariables.empty());
        engine.jobs().pause(CI.job("j"));
        Build build = engine.jobs().trigger(CI.job("j"));
        assertThat(engine.builds().get(build.id()).orElseThrow().status()).isEqualTo(BuildStatus.PENDING);

        engine.jobs().unpause(CI.job("j"));

        assertThat(awaitFinished(engine, build).status()).isEqualTo(BuildStatus.SUCCEEDED);
    }

    @Test
    void buildsAreNamedPerJobAndListedNewestFirst() throws Exception {
        engine.pipelines().set(CI, """
                jobs:
                - name: j
                  plan:
                  - task: t
                    config: {platform: linux, run: {path: "true"}}
                """, StaticVariables.empty());
        for (int i = 0; i < 3; i++) {
            awaitFinished(engine, engine.jobs().trigger(CI.job("j")));
        }
        assertThat(engine.jobs().builds(CI.job("j"), 10)).extracting(Build::name).containsExactly("3", "2", "1");
    }

    @Test
    void disableManualTriggerIsRespected() {
        engine.pipelines().set(CI, """
                jobs:
                - name: j
                  disable_manual_trigger: true
                  plan:
                  - task: t
                    config: {platform: linux, run: {path: "true"}}
                """, StaticVariables.empty());
        assertThatThrownBy(() -> engine.jobs().trigger(CI.job("j")))
                .isInstanceOf(ConcourseException.class).hasMessageContaining("disable_manual_trigger");
    }

    @Test
    void unknownThingsAreNotFound() {
        assertThatThrownBy(() -> engine.jobs().trigger(CI.job("nope"))).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> engine.builds().abort(12345)).isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> engine.pipelines().set(PipelineRef.of("nobody", "p"), "jobs: []", StaticVariables.empty()))
                .isInstanceOf(ConcourseException.class);
    }

    @Test
    void teamsAndWorkersAreListed() {
        engine.teams().create("platform");
        assertThat(engine.teams().list()).extracting(Team::name).containsExactly("main", "platform");
        assertThat(engine.workers().list()).hasSize(1);
        assertThatThrownBy(() -> engine.teams().create("Bad Name!")).isInstanceOf(ConcourseException.class);
    }

    @Test
    void oneOffBuildsRunATaskWithLocalInputsAndCopyOutputsBack(@TempDir Path input, @TempDir Path output)
            throws Exception {
        java.nio.file.Files.writeString(input.resolve("greeting.txt"), "hi");
        dev.concourse.config.TaskConfig task = dev.concourse.config.TaskConfigLoader.create().load("task.yml", """
                platform: linux
                inputs: [{name: src}]
                outputs: [{name: result}]
                run: {path: sh, args: [-c, "cat src/greeting.txt; cp src/greeting.txt result/copy.txt"]}
                """).orThrow();

        Build build = engine.builds().execute(new OneOffBuild(Team.MAIN, "one-off", task,
                Map.of("src", input), Map.of("result", output), false));
        Build done = awaitFinished(engine, build);

        assertThat(done.status()).isEqualTo(BuildStatus.SUCCEEDED);
        assertThat(done.isOneOff()).isTrue();
        assertThat(log(EventCollector.all(engine, build.id()))).isEqualTo("hi");
        assertThat(output.resolve("copy.txt")).hasContent("hi");
    }
}
