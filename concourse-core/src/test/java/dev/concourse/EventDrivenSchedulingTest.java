package dev.concourse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.concourse.event.BuildEvent;
import dev.concourse.resource.Version;
import dev.concourse.runtime.LocalProcessRuntime;
import dev.concourse.spi.scheduling.EngineClock;
import dev.concourse.storage.InMemoryStorage;
import dev.concourse.vars.StaticVariables;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Builds start from events alone: on a clock whose timers never fire (no periodic check, no
 * safety-net pass), new versions, a put's version, unpausing, pins and a config change still run
 * the jobs they affect.
 */
class EventDrivenSchedulingTest {
    private static final PipelineRef CI = PipelineRef.main("ci");
    private static final ResourceRef SOURCE = new ResourceRef(CI, "source");

    @TempDir
    Path work;

    private final FrozenClock clock = new FrozenClock();
    private PipelineEngine engine;
    private BuildsSeen seen;

    @BeforeEach
    void startEngine() {
        engine = PipelineEngine.builder()
                .storage(new InMemoryStorage())
                .runtime(LocalProcessRuntime.builder().baseDirectory(work.resolve("runtime")).build())
                .clock(clock)
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

    private Version fetched(Build build) throws Exception {
        return EventCollector.all(engine, build.id()).stream().map(e -> e.event())
                .filter(BuildEvent.FinishGet.class::isInstance).map(BuildEvent.FinishGet.class::cast)
                .findFirst().orElseThrow().fetchedVersion();
    }

    @Test
    void aPutsVersionStartsTheDownstreamBuildWhileTheUpstreamBuildStillRuns() throws Exception {
        Path go = work.resolve("go");
        set("""
                resources:
                - name: source
                  type: mock
                  source: {initial_version: v1}
                - name: artifact
                  type: mock
                  source: {no_initial_version: true}
                jobs:
                - name: build
                  plan:
                  - get: source
                    trigger: true
                  - put: artifact
                    params: {version: a1}
                  - task: linger
                    config:
                      platform: linux
                      run: {path: sh, args: [-c, "while [ ! -f '%s' ]; do sleep 0.05; done"]}
                - name: deploy
                  plan:
                  - get: artifact
                    trigger: true
                """.formatted(go));

        engine.resources().check(SOURCE);

        Build deploy = seen.awaitFinished(engine, "deploy", "1");
        Build upstream = seen.awaitCreated("build", "1");
        assertThat(deploy.status()).isEqualTo(BuildStatus.SUCCEEDED);
        assertThat(engine.builds().get(upstream.id()).orElseThrow().status()).isEqualTo(BuildStatus.STARTED);
        assertThat(fetched(deploy)).isEqualTo(Version.of("version", "a1"));
        Files.writeString(go, "go");
        assertThat(engine.awaitIdle(Duration.ofSeconds(60))).isTrue();
        assertThat(engine.builds().get(upstream.id()).orElseThrow().status()).isEqualTo(BuildStatus.SUCCEEDED);
    }

    @Test
    void unpausingPinningAndSettingThePipelineScheduleTheJobsTheyAffect() throws Exception {
        String pipeline = """
                resources:
                - name: source
                  type: mock
                  source: {initial_version: v1}
                jobs:
                - name: unit
                  plan:
                  - get: source
                    trigger: true
                """;
        set(pipeline);
        engine.jobs().pause(CI.job("unit"));
        engine.resources().check(SOURCE);
        engine.resources().check(SOURCE, Version.of("version", "v2"));
        assertThat(engine.awaitIdle(Duration.ofSeconds(60))).isTrue();
        // A paused job is not scheduled at all (as in Concourse): no build waits for it.
        assertThat(seen.exists("unit", "1")).isFalse();

        engine.jobs().unpause(CI.job("unit"));
        assertThat(fetched(seen.awaitFinished(engine, "unit", "1"))).isEqualTo(Version.of("version", "v2"));

        engine.resources().pin(SOURCE, Version.of("version", "v1"), "back to v1");
        assertThat(fetched(seen.awaitFinished(engine, "unit", "2"))).isEqualTo(Version.of("version", "v1"));

        set(pipeline + """
                - name: added
                  plan:
                  - get: source
                    trigger: true
                """);
        assertThat(fetched(seen.awaitFinished(engine, "added", "1"))).isEqualTo(Version.of("version", "v1"));
        assertThat(engine.awaitIdle(Duration.ofSeconds(60))).isTrue();
        assertThat(engine.jobs().builds(CI.job("unit"), 10)).hasSize(2);
    }

    /** A clock that stands still and never runs what is scheduled on it. */
    static final class FrozenClock implements EngineClock {
        private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

        @Override
        public Instant now() {
            return NOW;
        }

        @Override
        public Scheduled schedule(Duration delay, Runnable task) {
            return () -> {
            };
        }
    }
}
