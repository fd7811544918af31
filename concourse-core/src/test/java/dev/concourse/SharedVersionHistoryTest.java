package dev.concourse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.concourse.event.BuildEvent;
import dev.concourse.resource.CheckResult;
import dev.concourse.resource.Version;
import dev.concourse.runtime.LocalProcessRuntime;
import dev.concourse.storage.InMemoryStorage;
import dev.concourse.vars.StaticVariables;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Resources of one team with the same base type and source share one version history (Concourse's
 * resource config scopes): a version one finds triggers the jobs of all. Other teams, other
 * sources and custom types keep their own.
 */
class SharedVersionHistoryTest {
    private static final PipelineRef FIRST = PipelineRef.main("first");
    private static final PipelineRef SECOND = PipelineRef.main("second");

    @TempDir
    Path work;

    private PipelineEngine engine;
    private BuildsSeen seen;

    @BeforeEach
    void startEngine() {
        engine = PipelineEngine.builder()
                .storage(new InMemoryStorage())
                .runtime(LocalProcessRuntime.builder().baseDirectory(work.resolve("runtime")).build())
                .build();
        seen = BuildsSeen.listen(engine);
        engine.start();
        engine.teams().create("other");
    }

    @AfterEach
    void closeEngine() {
        engine.close();
    }

    private static String pipeline(String job, String source) {
        return """
                resources:
                - name: repo
                  type: mock
                  source: %s
                jobs:
                - name: %s
                  plan:
                  - get: repo
                    trigger: true
                """.formatted(source, job);
    }

    private Version fetched(Build build) throws Exception {
        return EventCollector.all(engine, build.id()).stream().map(e -> e.event())
                .filter(BuildEvent.FinishGet.class::isInstance).map(BuildEvent.FinishGet.class::cast)
                .findFirst().orElseThrow().fetchedVersion();
    }

    private long scope(PipelineRef pipeline) {
        return engine.resources().get(pipeline.resource("repo")).orElseThrow().scopeId();
    }

    @Test
    void aVersionOneResourceFindsTriggersTheJobsOfEveryResourceSharingItsHistory() throws Exception {
        engine.pipelines().set(FIRST, pipeline("one", "{initial_version: v1}"), StaticVariables.empty());
        engine.pipelines().set(SECOND, pipeline("two", "{initial_version: v1}"), StaticVariables.empty());

        engine.resources().check(FIRST.resource("repo"));
        assertThat(fetched(seen.awaitFinished(engine, "one", "1"))).isEqualTo(Version.of("version", "v1"));
        // second's first check finds nothing new to the shared history, yet v1 is new to its job.
        engine.resources().check(SECOND.resource("repo"));
        assertThat(fetched(seen.awaitFinished(engine, "two", "1"))).isEqualTo(Version.of("version", "v1"));
        assertThat(scope(FIRST)).isPositive().isEqualTo(scope(SECOND));

        // v2 found through first alone reaches second's job without a check of second.
        engine.resources().check(FIRST.resource("repo"), Version.of("version", "v2"));

        assertThat(fetched(seen.awaitFinished(engine, "one", "2"))).isEqualTo(Version.of("version", "v2"));
        assertThat(fetched(seen.awaitFinished(engine, "two", "2"))).isEqualTo(Version.of("version", "v2"));
        assertThat(engine.resources().versions(SECOND.resource("repo"), 10)).extracting(v -> v.version())
                .containsExactly(Version.of("version", "v2"), Version.of("version", "v1"));
    }

    @Test
    void otherTeamsOtherSourcesAndCustomTypesKeepTheirOwnHistory() throws Exception {
        engine.pipelines().set(FIRST, pipeline("one", "{initial_version: v1}"), StaticVariables.empty());
        PipelineRef otherTeam = new PipelineRef("other", "first", Map.of());
        engine.pipelines().set(otherTeam, pipeline("one", "{initial_version: v1}"), StaticVariables.empty());
        engine.pipelines().set(SECOND, pipeline("two", "{initial_version: v9}"), StaticVariables.empty());
        Path image = work.resolve("image");
        Path scripts = Files.createDirectories(image.resolve("rootfs/opt/resource"));
        for (String script : List.of("check", "in", "out")) {
            Path file = Files.writeString(scripts.resolve(script),
                    "#!/bin/sh\ncat > /dev/null\necho '[{\"v\": \"1\"}]'\n");
            assertThat(file.toFile().setExecutable(true)).isTrue();
        }
        String customPipeline = """
                resource_types:
                - name: scripted
                  type: local-image
                  source: {path: %s}
                resources:
                - name: repo
                  type: scripted
                  source: {any: thing}
                jobs:
                - name: three
                  plan:
                  - get: repo
                """.formatted(image.resolve("rootfs"));
        PipelineRef customOne = PipelineRef.main("custom-one");
        PipelineRef customTwo = PipelineRef.main("custom-two");
        engine.pipelines().set(customOne, customPipeline, StaticVariables.empty());
        engine.pipelines().set(customTwo, customPipeline, StaticVariables.empty());

        for (PipelineRef p : List.of(FIRST, otherTeam, SECOND, customOne, customTwo)) {
            CheckResult result = engine.resources().check(p.resource("repo"));
            assertThat(result.succeeded()).as("check of %s: %s", p, result.error()).isTrue();
        }

        assertThat(Set.of(scope(FIRST), scope(otherTeam), scope(SECOND), scope(customOne), scope(customTwo)))
                .hasSize(5).doesNotContain(0L);
        assertThat(engine.resources().versions(customTwo.resource("repo"), 10)).extracting(v -> v.version())
                .containsExactly(Version.of("v", "1"));
        assertThat(engine.awaitIdle(Duration.ofSeconds(60))).isTrue();
    }
}
