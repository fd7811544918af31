package dev.concourse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.concourse.event.BuildEvent;
import dev.concourse.resource.Version;
import dev.concourse.runtime.LocalProcessRuntime;
import dev.concourse.storage.InMemoryStorage;
import dev.concourse.vars.StaticVariables;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Jobs#rerun}: {@code N.1}, {@code N.2} with the original's inputs, and {@code disable_reruns}. */
class RerunTest {
    private static final PipelineRef CI = PipelineRef.main("ci");
    private static final ResourceRef SOURCE = new ResourceRef(CI, "source");

    @TempDir
    Path work;

    private PipelineEngine engine;
    private BuildsSeen seen;

    @BeforeEach
    void startEngine() {
        engine = PipelineEngine.builder()
                .storage(new InMemoryStorage())
                .runtime(LocalProcessRuntime.builder().baseDirectory(work.resolve("runtime")).build())
                .abortGracePeriod(Duration.ofSeconds(2))
                .build();
        seen = BuildsSeen.listen(engine);
        engine.start();
    }

    @AfterEach
    void closeEngine() {
        engine.close();
    }

    private Version fetched(Build build) throws Exception {
        return EventCollector.all(engine, build.id()).stream().map(e -> e.event())
                .filter(BuildEvent.FinishGet.class::isInstance).map(BuildEvent.FinishGet.class::cast)
                .findFirst().orElseThrow().fetchedVersion();
    }

    private static final String PIPELINE = """
            resources:
            - name: source
              type: mock
              source: {initial_version: v1}
            jobs:
            - name: unit
              plan:
              - get: source
                trigger: true
              - task: show
                config:
                  platform: linux
                  inputs: [{name: source}]
                  run: {path: sh, args: [-c, "cat source/version"]}
            - name: frozen
              disable_reruns: true
              plan:
              - get: source
                trigger: true
            """;

    @Test
    void aRerunRunsWithTheOriginalsInputsAfterNewerVersionsArrived() throws Exception {
        engine.pipelines().set(CI, PIPELINE, StaticVariables.empty());
        engine.resources().check(SOURCE);
        Build first = seen.awaitFinished(engine, "unit", "1");
        engine.resources().check(SOURCE, Version.of("version", "v2"));
        assertThat(fetched(seen.awaitFinished(engine, "unit", "2"))).isEqualTo(Version.of("version", "v2"));

        Build rerun = EventCollector.awaitFinished(engine, engine.jobs().rerun(CI.job("unit"), "1"));
        Build rerunOfRerun = EventCollector.awaitFinished(engine, engine.jobs().rerun(CI.job("unit"), "1.1"));

        assertThat(rerun.name()).isEqualTo("1.1");
        assertThat(rerun.rerunOf()).isEqualTo(first.id());
        assertThat(rerun.manuallyTriggered()).isFalse();
        assertThat(rerun.status()).isEqualTo(BuildStatus.SUCCEEDED);
        assertThat(fetched(rerun)).isEqualTo(Version.of("version", "v1"));
        assertThat(EventCollector.log(EventCollector.all(engine, rerun.id()))).isEqualTo("v1");
        // A rerun of a rerun reruns the original.
        assertThat(rerunOfRerun.name()).isEqualTo("1.2");
        assertThat(rerunOfRerun.rerunOf()).isEqualTo(first.id());
        assertThat(fetched(rerunOfRerun)).isEqualTo(Version.of("version", "v1"));
        assertThat(engine.awaitIdle(Duration.ofSeconds(60))).isTrue();
        // Reruns use no build numbers and create no build of their own.
        assertThat(engine.jobs().builds(CI.job("unit"), 10)).extracting(Build::name)
                .containsExactly("1.2", "1.1", "2", "1");
    }

    @Test
    void disableRerunsArchivedPipelinesAndBuildsThatNeverStartedAreRefused() throws Exception {
        engine.pipelines().set(CI, PIPELINE, StaticVariables.empty());
        engine.jobs().pause(CI.job("unit"));
        engine.resources().check(SOURCE);
        seen.awaitFinished(engine, "frozen", "1");
        Build neverStarted = engine.jobs().trigger(CI.job("unit"));
        engine.builds().abort(neverStarted.id());

        assertThatThrownBy(() -> engine.jobs().rerun(CI.job("frozen"), "1"))
                .isInstanceOf(ConcourseException.class)
                .hasMessage("cannot rerun main/ci/frozen #1: the job has disable_reruns set");
        assertThatThrownBy(() -> engine.jobs().rerun(CI.job("unit"), "1"))
                .isInstanceOf(ConcourseException.class)
                .hasMessageContaining("it never started, so it has no inputs to rerun with");
        assertThatThrownBy(() -> engine.jobs().rerun(CI.job("unit"), "7"))
                .isInstanceOf(NotFoundException.class)
                .hasMessage("build '7' of job 'unit' in pipeline 'main/ci' does not exist");
        engine.pipelines().archive(CI);
        assertThatThrownBy(() -> engine.jobs().rerun(CI.job("unit"), "1"))
                .isInstanceOf(ConcourseException.class)
                .hasMessageContaining("the pipeline is archived");
    }
}
