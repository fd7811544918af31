package dev.concourse;

import static dev.concourse.EventCollector.awaitFinished;
import static dev.concourse.EventCollector.log;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.concourse.config.PipelineLoader;
import dev.concourse.runtime.LocalProcessRuntime;
import dev.concourse.vars.StaticVariables;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pipelines and jobs through their whole life, and the remaining hooks, through the public API. */
class PipelineLifecycleTest {
    private static final String PIPELINE = """
            jobs:
            - name: j
              plan:
              - task: t
                config: {platform: linux, run: {path: sh, args: [-c, "echo ((greeting))"]}}
            """;

    @TempDir
    Path work;

    private PipelineEngine engine;

    @BeforeEach
    void startEngine() {
        engine = PipelineEngine.builder()
                .runtime(LocalProcessRuntime.builder().baseDirectory(work).build())
                .abortGracePeriod(Duration.ofSeconds(1))
                .build();
        engine.start();
    }

    @AfterEach
    void closeEngine() {
        engine.close();
    }

    @Test
    void setUpdatePauseExposeRenameArchiveAndDestroy() throws Exception {
        PipelineRef ref = PipelineRef.main("greeter");
        SetPipelineResult first = engine.pipelines().set(ref, PIPELINE, StaticVariables.of(Map.of("greeting", "hi")));
        assertThat(first.created()).isTrue();
        SetPipelineResult second = engine.pipelines().set(ref, PIPELINE, StaticVariables.of(Map.of("greeting", "hello")));
        assertThat(second.created()).isFalse();
        assertThat(second.pipeline().configVersion()).isGreaterThan(first.pipeline().configVersion());

        assertThat(engine.pipelines().pause(ref).paused()).isTrue();
        Build pending = engine.jobs().trigger(ref.job("j"));
        assertThat(engine.builds().get(pending.id()).orElseThrow().status()).isEqualTo(BuildStatus.PENDING);
        assertThat(engine.pipelines().unpause(ref).paused()).isFalse();
        Build ran = awaitFinished(engine, pending);
        assertThat(ran.status()).isEqualTo(BuildStatus.SUCCEEDED);
        assertThat(log(EventCollector.all(engine, ran.id()))).isEqualTo("hello\n");

        assertThat(engine.pipelines().expose(ref).isPublic()).isTrue();
        assertThat(engine.pipelines().hide(ref).isPublic()).isFalse();

        engine.pipelines().rename(ref, "welcomer");
        PipelineRef renamed = PipelineRef.main("welcomer");
        assertThat(engine.pipelines().get(ref)).isEmpty();
        assertThat(engine.jobs().builds(renamed.job("j"), 10)).extracting(Build::id).containsExactly(ran.id());

        engine.pipelines().pause(renamed);
        Build waiting = engine.jobs().trigger(renamed.job("j"));
        Pipeline archived = engine.pipelines().archive(renamed);
        assertThat(archived.archived()).isTrue();
        assertThat(awaitFinished(engine, waiting).status()).isEqualTo(BuildStatus.ABORTED);
        assertThatThrownBy(() -> engine.jobs().trigger(renamed.job("j"))).isInstanceOf(ConcourseException.class);

        engine.pipelines().destroy(renamed);
        assertThat(engine.pipelines().get(renamed)).isEmpty();
        assertThat(engine.pipelines().list(Team.MAIN)).isEmpty();
    }

    @Test
    void pipelinesSetFromAModelAndInstancedPipelinesAreDistinct() {
        var config = PipelineLoader.create().load("p.yml", PIPELINE.replace("((greeting))", "model")).orThrow();
        PipelineRef a = new PipelineRef(Team.MAIN, "deploy", Map.of("env", "staging"));
        PipelineRef b = new PipelineRef(Team.MAIN, "deploy", Map.of("env", "prod"));
        engine.pipelines().set(a, config);
        engine.pipelines().set(b, config);

        assertThat(engine.pipelines().list(Team.MAIN)).extracting(Pipeline::ref).containsExactlyInAnyOrder(a, b);
        assertThat(engine.jobs().list(a)).extracting(j -> j.ref().name()).containsExactly("j");
    }

    @Test
    void instanceVarsAreVarsWhenSettingFromYaml() throws Exception {
        PipelineRef ref = new PipelineRef(Team.MAIN, "greeter", Map.of("greeting", "from-instance"));
        engine.pipelines().set(ref, PIPELINE, StaticVariables.empty());

        Build build = awaitFinished(engine, engine.jobs().trigger(ref.job("j")));

        assertThat(log(EventCollector.all(engine, build.id()))).isEqualTo("from-instance\n");
    }

    @Test
    void onErrorHooksRunWhenAStepErrorsAndFailFastStopsSiblings() throws Exception {
        PipelineRef ref = PipelineRef.main("hooks");
        engine.pipelines().set(ref, """
                jobs:
                - name: errors
                  on_error:
                    task: job-on-error
                    config: {platform: linux, run: {path: sh, args: [-c, "echo job saw the error"]}}
                  plan:
                  - task: needs-input
                    config: {platform: linux, inputs: [{name: missing}], run: {path: "true"}}
                    on_error:
                      task: step-on-error
                      config: {platform: linux, run: {path: sh, args: [-c, "echo step saw the error"]}}
                - name: fail-fast
                  plan:
                  - in_parallel:
                      fail_fast: true
                      steps:
                      - task: fails
                        config: {platform: linux, run: {path: sh, args: [-c, "exit 1"]}}
                      - task: long
                        config: {platform: linux, run: {path: sh, args: [-c, "sleep 60; echo finished"]}}
                """, StaticVariables.empty());

        Build errored = awaitFinished(engine, engine.jobs().trigger(ref.job("errors")));
        assertThat(errored.status()).isEqualTo(BuildStatus.ERRORED);
        assertThat(log(EventCollector.all(engine, errored.id()))).isEqualTo("step saw the error\njob saw the error\n");

        Build failed = awaitFinished(engine, engine.jobs().trigger(ref.job("fail-fast")));
        assertThat(failed.status()).isEqualTo(BuildStatus.FAILED);
        assertThat(Duration.between(failed.startTime(), failed.endTime())).isLessThan(Duration.ofSeconds(30));
        assertThat(log(EventCollector.all(engine, failed.id()))).doesNotContain("finished");
    }

    @Test
    void closingTheEngineAbortsRunningBuilds() throws Exception {
        PipelineRef ref = PipelineRef.main("long");
        engine.pipelines().set(ref, """
                jobs:
                - name: j
                  plan:
                  - task: t
                    config: {platform: linux, run: {path: sh, args: [-c, "echo started; sleep 60"]}}
                """, StaticVariables.empty());
        Build build = engine.jobs().trigger(ref.job("j"));
        EventCollector collector = new EventCollector();
        engine.builds().events(build.id(), 1).subscribe(collector);
        assertThat(collector.awaitLog("started", Duration.ofSeconds(30))).isTrue();

        engine.close();

        assertThat(collector.done.get(30, java.util.concurrent.TimeUnit.SECONDS).getLast().event())
                .isInstanceOfSatisfying(dev.concourse.event.BuildEvent.Status.class,
                        s -> assertThat(s.status()).isEqualTo(BuildStatus.ABORTED));
    }
}
