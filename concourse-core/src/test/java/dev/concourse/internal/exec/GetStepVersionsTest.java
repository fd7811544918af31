package dev.concourse.internal.exec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.concourse.Build;
import dev.concourse.BuildStatus;
import dev.concourse.Job;
import dev.concourse.Pipeline;
import dev.concourse.PipelineRef;
import dev.concourse.Resource;
import dev.concourse.config.PipelineLoader;
import dev.concourse.event.BuildEvent;
import dev.concourse.internal.check.ResourceChecker;
import dev.concourse.internal.check.ResourceTypeImages;
import dev.concourse.internal.resourcetype.ResourceTypeRegistry;
import dev.concourse.internal.resourcetype.Resources;
import dev.concourse.resource.ResourceVersion;
import dev.concourse.resource.Version;
import dev.concourse.spi.storage.BuildInput;
import dev.concourse.storage.InMemoryStorage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which version a get fetches when the scheduler gave the build its inputs ({@link BuildRun#useInputs})
 * and with {@code version: every}, on the executor with a real store and the {@code mock} type.
 */
class GetStepVersionsTest {
    private static final PipelineRef CI = PipelineRef.main("ci");

    @TempDir
    Path base;

    private ExecHarness harness;
    private InMemoryStorage storage;
    private ExecEnvironment env;
    private Job job;

    @BeforeEach
    void setUp() {
        harness = new ExecHarness(base);
        storage = new InMemoryStorage();
        Resources facade = new Resources(harness.clock, Duration.ofSeconds(1));
        ResourceTypeImages types = new ResourceTypeImages(ResourceTypeRegistry.withBuiltIns(harness.clock::now), facade,
                storage, harness.clock);
        ResourceChecker checker = new ResourceChecker(storage, types, facade, harness.runtime, harness.clock);
        env = new ExecEnvironment(harness.runtime, List.of(), harness.clock, harness.executor, Duration.ofSeconds(1),
                null, PipelineSetter.UNAVAILABLE, new EngineResources(storage, checker, types, facade,
                        dev.concourse.internal.scheduler.ScheduleRequests.NONE));
        storage.teams().createIfAbsent("main");
        Pipeline pipeline = storage.pipelines().save(CI, PipelineLoader.create().load("ci.yml", """
                resources:
                - name: repo
                  type: mock
                  source: {initial_version: "1"}
                jobs:
                - name: unit
                  plan:
                  - get: repo
                    version: every
                """).orThrow(), -1, false, harness.clock.now());
        job = storage.pipelines().jobs(pipeline.id()).getFirst();
    }

    @AfterEach
    void tearDown() {
        harness.close();
    }

    /** Runs a build of the job, given these inputs (none: the gets pick), and returns its events. */
    private CollectingSink run(Map<String, Version> inputs, long[] buildId) {
        Build build = storage.builds().createJobBuild(job.id(), true, 0, harness.clock.now());
        storage.builds().start(build.id(), "{}", harness.clock.now());
        buildId[0] = build.id();
        CollectingSink events = new CollectingSink();
        try (BuildRun run = new BuildRun(env, new BuildMetadata(build.id(), build.name(), "main", "ci", "unit",
                job.id()), events, Map.of())) {
            run.useInputs(inputs);
            assertThat(run.run(BuildPlanner.plan(job.config().asStep()))).isEqualTo(BuildStatus.SUCCEEDED);
        }
        storage.builds().finish(build.id(), BuildStatus.SUCCEEDED, harness.clock.now());
        return events;
    }

    private static Version fetched(CollectingSink events) {
        return events.ofType(BuildEvent.FinishGet.class).getFirst().fetchedVersion();
    }

    private static Version v(String n) {
        return Version.of("version", n);
    }

    @Test
    void inputsGivenToTheBuildAreFetchedAsTheyAreWithoutACheckAndWithoutRecordingThem() {
        long[] build = new long[1];

        CollectingSink events = run(Map.of("repo", v("7")), build);

        assertThat(fetched(events)).isEqualTo(v("7"));
        Resource repo = storage.pipelines().resource(CI.resource("repo")).orElseThrow();
        assertThat(repo.lastChecked()).as("no check ran").isNull();
        assertThat(storage.builds().inputs(build[0])).as("the scheduler records them").isEmpty();
    }

    @Test
    void everyFetchesTheVersionAfterTheNewestTheJobUsedThenStaysOnTheLatest() {
        long[] build = new long[1];
        Resource repo = storage.pipelines().resource(CI.resource("repo")).orElseThrow();
        long scope = storage.versions().assignScope(repo.id(), "test");
        storage.versions().saveVersions(scope, List.of(v("1"), v("2")), harness.clock.now());

        assertThat(fetched(run(Map.of(), build))).as("nothing used yet: the latest").isEqualTo(v("2"));
        ResourceVersion two = storage.versions().find(scope, v("2")).orElseThrow();
        assertThat(storage.builds().inputs(build[0])).containsExactly(new BuildInput("repo", repo.id(), two.id(), true));

        storage.versions().saveVersions(scope, List.of(v("3"), v("4")), harness.clock.now());
        assertThat(fetched(run(Map.of(), build))).isEqualTo(v("3"));
        assertThat(fetched(run(Map.of(), build))).isEqualTo(v("4"));
        assertThat(fetched(run(Map.of(), build))).as("none newer: the latest again").isEqualTo(v("4"));
        assertThat(storage.builds().inputs(build[0])).extracting(BuildInput::firstOccurrence).containsExactly(false);
    }
}
