package dev.concourse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.concourse.event.BuildEvent;
import dev.concourse.resource.ResourceException;
import dev.concourse.resource.ResourceResult;
import dev.concourse.resource.Version;
import dev.concourse.runtime.LocalProcessRuntime;
import dev.concourse.spi.resource.ResourceRequest;
import dev.concourse.spi.resource.ResourceType;
import dev.concourse.storage.InMemoryStorage;
import dev.concourse.vars.StaticVariables;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A manual trigger waits for fresh checks of its inputs without {@code passed}, as in Concourse. */
class ManualTriggerTest {
    private static final PipelineRef CI = PipelineRef.main("ci");

    @TempDir
    Path work;

    private final Remote remote = new Remote();
    private PipelineEngine engine;

    @BeforeEach
    void startEngine() {
        engine = PipelineEngine.builder()
                .storage(new InMemoryStorage())
                .runtime(LocalProcessRuntime.builder().baseDirectory(work.resolve("runtime")).build())
                .resourceType(remote)
                .build();
        engine.start();
    }

    @AfterEach
    void closeEngine() {
        engine.close();
    }

    @Test
    void theBuildGetsTheVersionAFreshCheckFoundNotTheOneTheLastCheckSaved() throws Exception {
        engine.pipelines().set(CI, """
                resources:
                - name: repo
                  type: remote
                  check_every: never
                  source: {}
                - name: pinned
                  type: remote
                  check_every: never
                  version: {v: "1"}
                  source: {}
                jobs:
                - name: unit
                  plan:
                  - get: repo
                  - get: pinned
                """, StaticVariables.empty());
        remote.versions.add("1");
        engine.resources().check(CI.resource("repo"));
        engine.resources().check(CI.resource("pinned"));
        remote.versions.add("2");
        int checksBefore = remote.checks.get();

        Build build = EventCollector.awaitFinished(engine, engine.jobs().trigger(CI.job("unit")));

        assertThat(build.status()).isEqualTo(BuildStatus.SUCCEEDED);
        assertThat(EventCollector.all(engine, build.id()).stream().map(e -> e.event())
                .filter(BuildEvent.FinishGet.class::isInstance).map(BuildEvent.FinishGet.class::cast)
                .map(BuildEvent.FinishGet::fetchedVersion).toList())
                .containsExactlyInAnyOrder(Version.of("v", "2"), Version.of("v", "1"));
        // repo was checked again for the build; the pinned resource was not.
        assertThat(remote.checks.get()).isEqualTo(checksBefore + 1);
    }

    @Test
    void disableManualTriggerRefusesTheTrigger() {
        engine.pipelines().set(CI, """
                jobs:
                - name: unit
                  disable_manual_trigger: true
                  plan:
                  - task: t
                    config:
                      platform: linux
                      run: {path: "true"}
                """, StaticVariables.empty());

        assertThatThrownBy(() -> engine.jobs().trigger(CI.job("unit")))
                .isInstanceOf(ConcourseException.class)
                .hasMessage("cannot trigger main/ci/unit: the job has disable_manual_trigger set");
        assertThat(engine.jobs().builds(CI.job("unit"), 10)).isEmpty();
    }

    /** A native type whose repository the test fills: a check finds every version after {@code from}. */
    static final class Remote implements ResourceType {
        final List<String> versions = new CopyOnWriteArrayList<>();
        final AtomicInteger checks = new AtomicInteger();

        @Override
        public String name() {
            return "remote";
        }

        @Override
        public List<Version> check(ResourceRequest request) {
            checks.incrementAndGet();
            List<Version> all = versions.stream().map(v -> Version.of("v", v)).toList();
            int from = request.version() == null ? -1 : all.indexOf(request.version());
            return all.subList(Math.max(0, from), all.size());
        }

        @Override
        public ResourceResult get(ResourceRequest request, Path directory) {
            return ResourceResult.of(request.version());
        }

        @Override
        public ResourceResult put(ResourceRequest request, Path directory) {
            throw new ResourceException("remote: put is not supported");
        }
    }
}
