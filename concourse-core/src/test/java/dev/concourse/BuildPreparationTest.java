package dev.concourse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.concourse.JobPreparation.InputStatus;
import dev.concourse.resource.Version;
import dev.concourse.runtime.LocalProcessRuntime;
import dev.concourse.storage.InMemoryStorage;
import dev.concourse.vars.StaticVariables;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** "Why is my build pending?": {@link Jobs#preparation} after the engine went idle. */
class BuildPreparationTest {
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

    private void set(String yaml) {
        engine.pipelines().set(CI, yaml, StaticVariables.empty());
    }

    private void awaitIdle() throws InterruptedException {
        assertThat(engine.awaitIdle(Duration.ofSeconds(60))).as("engine idle within 60s").isTrue();
    }

    private JobPreparation.Input input(String job, String name) {
        return engine.jobs().preparation(CI.job(job)).inputs().stream().filter(i -> i.name().equals(name))
                .findFirst().orElseThrow();
    }

    @Test
    void aDownstreamJobWaitsForItsUpstreamToPassAVersionOnAndSaysSo() throws Exception {
        set("""
                resources:
                - name: source
                  type: mock
                  source: {initial_version: v1}
                jobs:
                - name: unit
                  plan:
                  - get: source
                    trigger: true
                  - task: fail
                    config:
                      platform: linux
                      run: {path: sh, args: [-c, "exit 1"]}
                - name: deploy
                  plan:
                  - get: source
                    passed: [unit]
                    trigger: true
                - name: manual
                  plan:
                  - get: source
                """);

        engine.resources().check(SOURCE);
        awaitIdle();

        assertThat(engine.builds().await(seen.awaitCreated("unit", "1").id(), Duration.ofSeconds(1)).status())
                .isEqualTo(BuildStatus.FAILED);
        JobPreparation deploy = engine.jobs().preparation(CI.job("deploy"));
        assertThat(deploy.pendingBuild()).isNull();
        assertThat(deploy.inputsSatisfied()).isFalse();
        assertThat(deploy.inputs()).singleElement().satisfies(i -> {
            assertThat(i.status()).isEqualTo(InputStatus.UNSATISFIED);
            assertThat(i.reason()).isEqualTo("no satisfiable builds from passed jobs found for set of inputs"
                    + " (passed: unit)");
        });
        assertThat(deploy.reasons()).containsExactly("input 'source': no satisfiable builds from passed jobs found"
                + " for set of inputs (passed: unit)");
        JobPreparation unit = engine.jobs().preparation(CI.job("unit"));
        assertThat(unit.inputs()).singleElement().satisfies(i -> {
            assertThat(i.status()).isEqualTo(InputStatus.SATISFIED);
            assertThat(i.version()).isEqualTo(Version.of("version", "v1"));
            assertThat(i.newVersion()).isFalse();
        });
        assertThat(unit.reasons()).containsExactly(
                "waiting for a new version of 'source' (its builds used the current ones)");
        assertThat(engine.jobs().preparation(CI.job("manual")).reasons())
                .containsExactly("no input has trigger: true; it runs only when triggered");
        assertThat(seen.exists("deploy", "1")).isFalse();
    }

    @Test
    void aPinToAMissingVersionAndAResourceNeverCheckedAreReportedPerInput() throws Exception {
        set("""
                resources:
                - name: source
                  type: mock
                  version: {version: v9}
                  source: {initial_version: v1}
                - name: quiet
                  type: mock
                  check_every: never
                  source: {initial_version: q1}
                jobs:
                - name: unit
                  plan:
                  - get: source
                    trigger: true
                  - get: other
                    resource: quiet
                """);

        engine.resources().check(SOURCE);
        awaitIdle();

        assertThat(input("unit", "source").status()).isEqualTo(InputStatus.UNSATISFIED);
        assertThat(input("unit", "source").reason()).isEqualTo("pinned version version:v9 not found");
        assertThat(input("unit", "other").status()).isEqualTo(InputStatus.WAITING_FOR_CHECK);
        assertThat(input("unit", "other").reason()).isEqualTo("latest version of resource not found: resource"
                + " 'quiet' was never checked; it has check_every: never, so check it through the API");
        assertThat(engine.jobs().preparation(CI.job("unit")).reasons()).containsExactly(
                "input 'source': pinned version version:v9 not found",
                "input 'other' (resource 'quiet'): latest version of resource not found: resource 'quiet' was never"
                        + " checked; it has check_every: never, so check it through the API");
    }

    @Test
    void aFailingCheckIsTheReasonAnInputHasNoVersion() throws Exception {
        set("""
                resources:
                - name: source
                  type: mock
                  source: {check_failure: "the repository is gone"}
                jobs:
                - name: unit
                  plan:
                  - get: source
                    trigger: true
                """);

        engine.resources().check(SOURCE);
        awaitIdle();

        assertThat(input("unit", "source").status()).isEqualTo(InputStatus.UNSATISFIED);
        assertThat(input("unit", "source").reason()).startsWith("latest version of resource not found: the last"
                + " check of resource 'source' failed: ").contains("the repository is gone");
    }

    @Test
    void pausedPipelineAndJobKeepAManualBuildPending() throws Exception {
        set("""
                jobs:
                - name: unit
                  plan:
                  - task: hello
                    config:
                      platform: linux
                      run: {path: sh, args: [-c, "echo hi"]}
                """);
        engine.jobs().pause(CI.job("unit"));
        engine.pipelines().pause(CI);

        Build pending = engine.jobs().trigger(CI.job("unit"));
        awaitIdle();

        JobPreparation preparation = engine.jobs().preparation(CI.job("unit"));
        assertThat(preparation.pendingBuild().id()).isEqualTo(pending.id());
        assertThat(preparation.pipelinePaused()).isTrue();
        assertThat(preparation.jobPaused()).isTrue();
        assertThat(preparation.reasons()).containsExactly("pipeline 'main/ci' is paused", "job 'unit' is paused");

        engine.pipelines().unpause(CI);
        assertThat(engine.jobs().preparation(CI.job("unit")).reasons()).containsExactly("job 'unit' is paused");
        engine.jobs().unpause(CI.job("unit"));
        assertThat(EventCollector.awaitFinished(engine, pending).status()).isEqualTo(BuildStatus.SUCCEEDED);
        assertThat(engine.jobs().preparation(CI.job("unit")).pendingBuild()).isNull();
    }

    @Test
    void maxInFlightNamesTheBuildsThatReachIt() throws Exception {
        Path go = work.resolve("go");
        set("""
                jobs:
                - name: slow
                  max_in_flight: 1
                  plan:
                  - task: wait
                    config:
                      platform: linux
                      run: {path: sh, args: [-c, "while [ ! -f '%s' ]; do sleep 0.05; done"]}
                """.formatted(go));

        Build first = engine.jobs().trigger(CI.job("slow"));
        Build second = engine.jobs().trigger(CI.job("slow"));

        JobPreparation preparation = engine.jobs().preparation(CI.job("slow"));
        assertThat(engine.isIdle()).isFalse();
        assertThat(preparation.pendingBuild().id()).isEqualTo(second.id());
        assertThat(preparation.maxInFlight()).isEqualTo(1);
        assertThat(preparation.maxInFlightHolders()).extracting(Build::id).containsExactly(first.id());
        assertThat(preparation.runningBuilds()).extracting(Build::id).containsExactly(first.id());
        assertThat(preparation.reasons()).containsExactly("max in flight (1) reached by slow #1 (started)");

        Files.writeString(go, "go");
        awaitIdle();
        assertThat(engine.builds().get(second.id()).orElseThrow().status()).isEqualTo(BuildStatus.SUCCEEDED);
        assertThat(engine.jobs().preparation(CI.job("slow")).maxInFlightReached()).isFalse();
    }
}
