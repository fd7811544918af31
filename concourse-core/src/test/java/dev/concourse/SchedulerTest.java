package dev.concourse;

import static dev.concourse.EventCollector.awaitFinished;
import static org.assertj.core.api.Assertions.assertThat;

import dev.concourse.event.BuildEvent;
import dev.concourse.resource.Version;
import dev.concourse.runtime.LocalProcessRuntime;
import dev.concourse.storage.InMemoryStorage;
import dev.concourse.vars.StaticVariables;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scheduler end to end: builds created and started from new versions, passed, serial and pausing. */
class SchedulerTest {
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

    /** Waits for the job's build with this name (1, 2, …) to exist, then for it to finish. */
    private Build awaitBuild(String job, int number) throws InterruptedException {
        return seen.awaitFinished(engine, job, String.valueOf(number));
    }

    private Version fetched(Build build) throws Exception {
        return EventCollector.all(engine, build.id()).stream().map(e -> e.event())
                .filter(BuildEvent.FinishGet.class::isInstance).map(BuildEvent.FinishGet.class::cast)
                .findFirst().orElseThrow().fetchedVersion();
    }

    private static final String CHAIN = """
            resources:
            - name: source
              type: mock
              source: {initial_version: v1}
            jobs:
            - name: quiet
              plan:
              - get: source
            - name: unit
              plan:
              - get: source
                trigger: true
            - name: integration
              plan:
              - in_parallel:
                - get: source
                  passed: [unit]
                  trigger: true
              - task: show
                config:
                  platform: linux
                  inputs: [{name: source}]
                  run: {path: sh, args: [-c, "cat source/version"]}
            """;

    @Test
    void aNewVersionRunsTheChainWithTheVersionUpstreamUsed() throws Exception {
        set(CHAIN);

        engine.resources().check(SOURCE);

        Build unit = awaitBuild("unit", 1);
        Build integration = awaitBuild("integration", 1);
        assertThat(unit.status()).isEqualTo(BuildStatus.SUCCEEDED);
        assertThat(unit.manuallyTriggered()).isFalse();
        assertThat(integration.status()).isEqualTo(BuildStatus.SUCCEEDED);
        assertThat(fetched(unit)).isEqualTo(Version.of("version", "v1"));
        assertThat(fetched(integration)).isEqualTo(Version.of("version", "v1"));
        assertThat(EventCollector.log(EventCollector.all(engine, integration.id()))).isEqualTo("v1");

        engine.resources().check(SOURCE, Version.of("version", "v2"));

        assertThat(fetched(awaitBuild("unit", 2))).isEqualTo(Version.of("version", "v2"));
        assertThat(fetched(awaitBuild("integration", 2))).isEqualTo(Version.of("version", "v2"));
        // quiet has no trigger: its passes ran before unit's (queue order), and created nothing.
        assertThat(engine.jobs().builds(CI.job("quiet"), 10)).isEmpty();
        assertThat(engine.jobs().builds(CI.job("unit"), 10)).hasSize(2);
    }

    @Test
    void aManualTriggerUsesTheResolvedInputsNotTheLatestVersion() throws Exception {
        set(CHAIN);
        engine.resources().check(SOURCE);
        awaitBuild("integration", 1);
        engine.jobs().pause(CI.job("unit"));
        engine.resources().check(SOURCE, Version.of("version", "v2"));

        Build manual = awaitFinished(engine, engine.jobs().trigger(CI.job("integration")));

        assertThat(manual.status()).isEqualTo(BuildStatus.SUCCEEDED);
        assertThat(manual.name()).isEqualTo("2");
        // v2 is the latest, but unit has not passed it yet.
        assertThat(fetched(manual)).isEqualTo(Version.of("version", "v1"));
    }

    @Test
    void aSerialJobRunsItsPendingBuildsOneAfterAnother() throws Exception {
        Path go = work.resolve("go");
        set("""
                jobs:
                - name: slow
                  serial: true
                  plan:
                  - task: wait
                    config:
                      platform: linux
                      run: {path: sh, args: [-c, "while [ ! -f '%s' ]; do sleep 0.05; done"]}
                """.formatted(go));

        Build first = engine.jobs().trigger(CI.job("slow"));
        Build second = engine.jobs().trigger(CI.job("slow"));

        assertThat(first.status()).isEqualTo(BuildStatus.STARTED);
        assertThat(second.status()).isEqualTo(BuildStatus.PENDING);
        Files.writeString(go, "go");
        Build firstDone = awaitFinished(engine, first);
        Build secondDone = awaitFinished(engine, second);
        assertThat(List.of(firstDone.status(), secondDone.status())).containsOnly(BuildStatus.SUCCEEDED);
        assertThat(secondDone.startTime()).isAfterOrEqualTo(firstDone.endTime());
    }

    @Test
    void aPausedJobKeepsItsBuildsPendingUntilUnpaused() throws Exception {
        set(CHAIN);
        engine.jobs().pause(CI.job("unit"));

        Build manual = engine.jobs().trigger(CI.job("unit"));
        engine.resources().check(SOURCE);

        assertThat(engine.builds().get(manual.id()).orElseThrow().status()).isEqualTo(BuildStatus.PENDING);
        engine.jobs().unpause(CI.job("unit"));
        assertThat(awaitFinished(engine, manual).status()).isEqualTo(BuildStatus.SUCCEEDED);
        assertThat(fetched(manual)).isEqualTo(Version.of("version", "v1"));
        assertThat(awaitBuild("integration", 1).status()).isEqualTo(BuildStatus.SUCCEEDED);
        // The manual build was the pending one: the new version created no second build.
        assertThat(engine.jobs().builds(CI.job("unit"), 10)).hasSize(1);
    }
}
