package dev.concourse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.concourse.runtime.LocalProcessRuntime;
import dev.concourse.spi.scheduling.EngineClock;
import dev.concourse.storage.InMemoryStorage;
import dev.concourse.vars.StaticVariables;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Build log retention: old builds lose their events and keep their rows, on a clock the test sets
 * (its timers never fire: the scheduling passes that follow finished builds do the reaping).
 */
class BuildLogRetentionTest {
    private static final PipelineRef CI = PipelineRef.main("ci");

    @TempDir
    Path work;

    private final SettableClock clock = new SettableClock();
    private final InMemoryStorage storage = new InMemoryStorage();
    private PipelineEngine engine;

    @BeforeEach
    void startEngine() {
        engine = PipelineEngine.builder()
                .storage(storage)
                .runtime(LocalProcessRuntime.builder().baseDirectory(work.resolve("runtime")).build())
                .clock(clock)
                .build();
        engine.start();
    }

    @AfterEach
    void closeEngine() {
        engine.close();
    }

    private String pipeline(String retention) {
        return """
                jobs:
                - name: unit
                  %s
                  plan:
                  - task: test
                    config:
                      platform: linux
                      run: {path: sh, args: [-c, "echo testing; test ! -f '%s'"]}
                """.formatted(retention, work.resolve("fail"));
    }

    private Build run(boolean fail) throws Exception {
        if (fail) {
            Files.writeString(work.resolve("fail"), "");
        } else {
            Files.deleteIfExists(work.resolve("fail"));
        }
        Build build = EventCollector.awaitFinished(engine, engine.jobs().trigger(CI.job("unit")));
        assertThat(engine.awaitIdle(Duration.ofSeconds(60))).isTrue();
        return build;
    }

    private boolean hasLog(Build build) {
        return storage.events().lastSequence(build.id()) > 0;
    }

    @Test
    void buildsAndMinimumSucceededBuildsKeepTheNewestAndTheLastSuccessTheRestLoseTheirEventsOnly()
            throws Exception {
        engine.pipelines().set(CI, pipeline("build_log_retention: {builds: 2, minimum_succeeded_builds: 1}"),
                StaticVariables.empty());

        Build first = run(false);
        Build second = run(true);
        assertThat(List.of(hasLog(first), hasLog(second))).containsOnly(true);
        Build third = run(true);
        Build fourth = run(true);

        assertThat(first.status()).isEqualTo(BuildStatus.SUCCEEDED);
        assertThat(fourth.status()).isEqualTo(BuildStatus.FAILED);
        // #4 is the newest, #1 the last success; #2 and #3 go.
        assertThat(hasLog(fourth)).isTrue();
        assertThat(hasLog(first)).isTrue();
        assertThat(hasLog(second)).isFalse();
        assertThat(hasLog(third)).isFalse();
        assertThat(EventCollector.log(EventCollector.all(engine, first.id()))).isEqualTo("testing\n");
        assertThat(EventCollector.all(engine, third.id())).isEmpty();
        assertThat(engine.jobs().builds(CI.job("unit"), 10)).extracting(Build::name)
                .containsExactly("4", "3", "2", "1");
        assertThat(engine.builds().get(third.id()).orElseThrow().status()).isEqualTo(BuildStatus.FAILED);
    }

    @Test
    void theOlderBuildLogsToRetainKeepsThatManyBuilds() throws Exception {
        engine.pipelines().set(CI, pipeline("build_logs_to_retain: 1"), StaticVariables.empty());

        Build first = run(false);
        Build second = run(false);

        assertThat(hasLog(first)).isFalse();
        assertThat(hasLog(second)).isTrue();
    }

    @Test
    void daysKeepTheBuildsThatEndedWithinThatManyDays() throws Exception {
        engine.pipelines().set(CI, pipeline("build_log_retention: {days: 1}"), StaticVariables.empty());

        Build old = run(false);
        clock.advance(Duration.ofHours(23));
        Build recent = run(false);
        assertThat(hasLog(old)).isTrue();
        clock.advance(Duration.ofHours(2));
        Build latest = run(false);

        assertThat(hasLog(old)).isFalse();
        assertThat(hasLog(recent)).isTrue();
        assertThat(hasLog(latest)).isTrue();
    }

    @Test
    void withoutRetentionEveryLogStays() throws Exception {
        engine.pipelines().set(CI, pipeline(""), StaticVariables.empty());

        Build first = run(false);
        run(false);
        run(false);

        assertThat(hasLog(first)).isTrue();
    }

    /** A clock the test moves by hand; what is scheduled on it never runs. */
    static final class SettableClock implements EngineClock {
        private Instant now = Instant.parse("2026-01-01T00:00:00Z");

        @Override
        public synchronized Instant now() {
            return now;
        }

        synchronized void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Scheduled schedule(Duration delay, Runnable task) {
            return () -> {
            };
        }
    }
}
