package dev.concourse;

import static dev.concourse.EventCollector.awaitFinished;
import static dev.concourse.EventCollector.log;
import static dev.concourse.EventCollector.types;
import static org.assertj.core.api.Assertions.assertThat;

import dev.concourse.event.BuildEvent;
import dev.concourse.event.SequencedEvent;
import dev.concourse.resource.MetadataField;
import dev.concourse.resource.ResourceVersion;
import dev.concourse.resource.Version;
import dev.concourse.runtime.LocalProcessRuntime;
import dev.concourse.spi.storage.BuildInput;
import dev.concourse.spi.storage.BuildOutput;
import dev.concourse.storage.InMemoryStorage;
import dev.concourse.vars.StaticVariables;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** get and put steps end to end through the public API, with the native {@code mock} type. */
class GetPutStepsTest {
    private static final PipelineRef CI = PipelineRef.main("ci");

    @TempDir
    Path work;

    private InMemoryStorage storage;
    private PipelineEngine engine;

    @BeforeEach
    void startEngine() {
        storage = new InMemoryStorage();
        engine = PipelineEngine.builder()
                .storage(storage)
                .runtime(LocalProcessRuntime.builder().baseDirectory(work).build())
                .abortGracePeriod(Duration.ofSeconds(2))
                .externalUrl("https://ci.example.com")
                .build();
        engine.start();
    }

    @AfterEach
    void closeEngine() {
        engine.close();
    }

    private Build run(String job) throws Exception {
        return awaitFinished(engine, engine.jobs().trigger(CI.job(job)));
    }

    private void set(String yaml) {
        engine.pipelines().set(CI, yaml, StaticVariables.empty());
    }

    private static <T extends BuildEvent> List<T> eventsOf(List<SequencedEvent> events, Class<T> type) {
        return events.stream().map(SequencedEvent::event).filter(type::isInstance).map(type::cast).toList();
    }

    @Test
    void aGetFetchesTheLatestVersionIntoAnArtifactTheNextTaskReads() throws Exception {
        set("""
                resources:
                - name: repo
                  type: mock
                  source:
                    initial_version: "1"
                    create_files: {greeting.txt: hello}
                    metadata: [{name: commit, value: abc123}]
                jobs:
                - name: unit
                  plan:
                  - get: repo
                  - task: show
                    config:
                      platform: linux
                      inputs: [{name: repo}]
                      run: {path: sh, args: [-c, "cat repo/version; echo; cat repo/greeting.txt"]}
                """);

        Build build = run("unit");

        assertThat(build.status()).isEqualTo(BuildStatus.SUCCEEDED);
        List<SequencedEvent> events = EventCollector.all(engine, build.id());
        assertThat(types(events)).containsSubsequence("initialize-get", "selected-worker", "start-get", "finish-get",
                "initialize-task");
        BuildEvent.FinishGet finish = eventsOf(events, BuildEvent.FinishGet.class).getFirst();
        assertThat(finish.exitStatus()).isZero();
        assertThat(finish.fetchedVersion()).isEqualTo(Version.of("version", "1"));
        assertThat(finish.metadata()).containsExactly(new MetadataField("commit", "abc123"));
        BuildPlan plan = engine.builds().plan(build.id()).orElseThrow();
        assertThat(finish.origin().id()).isEqualTo(plan.children().getFirst().id());
        assertThat(plan.children().getFirst().kind()).isEqualTo("get");
        assertThat(log(events)).isEqualTo("1\nhello");

        // No version was saved, so the get checked first, as a manual trigger does.
        Resource repo = engine.resources().get(CI.resource("repo")).orElseThrow();
        assertThat(repo.lastChecked()).isNotNull();
        assertThat(repo.checkError()).isNull();
        List<ResourceVersion> versions = engine.resources().versions(CI.resource("repo"), 10);
        assertThat(versions).extracting(ResourceVersion::version).containsExactly(Version.of("version", "1"));
        assertThat(versions.getFirst().metadata()).containsExactly(new MetadataField("commit", "abc123"));
        assertThat(storage.builds().inputs(build.id())).containsExactly(
                new BuildInput("repo", repo.id(), versions.getFirst().id(), true));
    }

    @Test
    void aPutCreatesAVersionThatItsImplicitGetFetchesAndTheHistoryShows() throws Exception {
        set("""
                resources:
                - name: release
                  type: mock
                  source: {no_initial_version: true}
                jobs:
                - name: ship
                  plan:
                  - task: make
                    config:
                      platform: linux
                      outputs: [{name: built}]
                      run: {path: sh, args: [-c, "echo 2.0 > built/number"]}
                  - put: release
                    params: {file: built/number}
                  - task: show
                    config:
                      platform: linux
                      inputs: [{name: release}]
                      run: {path: cat, args: [release/version]}
                """);

        Build build = run("ship");

        assertThat(build.status()).isEqualTo(BuildStatus.SUCCEEDED);
        List<SequencedEvent> events = EventCollector.all(engine, build.id());
        assertThat(types(events)).containsSubsequence("finish-task", "initialize-put", "selected-worker", "start-put",
                "finish-put", "initialize-get", "start-get", "finish-get", "initialize-task");
        BuildEvent.FinishPut put = eventsOf(events, BuildEvent.FinishPut.class).getFirst();
        assertThat(put.createdVersion()).isEqualTo(Version.of("version", "2.0"));
        BuildEvent.FinishGet get = eventsOf(events, BuildEvent.FinishGet.class).getFirst();
        assertThat(get.fetchedVersion()).isEqualTo(Version.of("version", "2.0"));
        assertThat(log(events)).isEqualTo("2.0");
        BuildPlan hook = engine.builds().plan(build.id()).orElseThrow().children().get(1);
        assertThat(hook.kind()).isEqualTo("on_success");
        assertThat(hook.children()).extracting(BuildPlan::kind, BuildPlan::id)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("put", put.origin().id()),
                        org.assertj.core.groups.Tuple.tuple("get", get.origin().id()));

        Resource release = engine.resources().get(CI.resource("release")).orElseThrow();
        List<ResourceVersion> versions = engine.resources().versions(CI.resource("release"), 10);
        assertThat(versions).extracting(ResourceVersion::version).containsExactly(Version.of("version", "2.0"));
        assertThat(storage.builds().outputs(build.id())).containsExactly(
                new BuildOutput("release", release.id(), versions.getFirst().id()));
        // The implicit get is no input of the build.
        assertThat(storage.builds().inputs(build.id())).isEmpty();
    }

    @Test
    void aNewPutVersionGoesOnTopAndLaterGetsFetchIt() throws Exception {
        set("""
                resources:
                - name: counter
                  type: mock
                  source: {initial_version: "1"}
                jobs:
                - name: bump
                  plan:
                  - put: counter
                    params: {version: "2"}
                    no_get: true
                - name: read
                  plan:
                  - get: counter
                  - task: show
                    config:
                      platform: linux
                      inputs: [{name: counter}]
                      run: {path: cat, args: [counter/version]}
                """);
        assertThat(engine.resources().check(CI.resource("counter")).succeeded()).isTrue();

        Build bump = run("bump");
        Build read = run("read");

        assertThat(bump.status()).isEqualTo(BuildStatus.SUCCEEDED);
        assertThat(types(EventCollector.all(engine, bump.id()))).contains("finish-put").doesNotContain("initialize-get");
        assertThat(engine.resources().versions(CI.resource("counter"), 10)).extracting(ResourceVersion::version)
                .containsExactly(Version.of("version", "2"), Version.of("version", "1"));
        assertThat(read.status()).isEqualTo(BuildStatus.SUCCEEDED);
        assertThat(log(EventCollector.all(engine, read.id()))).isEqualTo("2");
    }

    @Test
    void putInputsAreDetectedFromParamsOrListedOrAll() throws Exception {
        set("""
                resources:
                - name: out
                  type: mock
                  source: {no_initial_version: true}
                jobs:
                - name: detect
                  plan:
                  - task: make
                    config:
                      platform: linux
                      outputs: [{name: a}, {name: b}]
                      run: {path: sh, args: [-c, "echo 1 > a/v; echo 2 > b/v"]}
                  - put: out
                    params: {file: ./b/v, unrelated: [x, {y: a-not-an-artifact}]}
                - name: listed
                  plan:
                  - task: make
                    config:
                      platform: linux
                      outputs: [{name: a}]
                      run: {path: sh, args: [-c, "echo 3 > a/v"]}
                  - put: out
                    inputs: [a, missing]
                    params: {file: a/v}
                """);

        Build detected = run("detect");
        Build listed = run("listed");

        // b/v was found through the detected input b (./ skipped), so the put created version 2.
        assertThat(detected.status()).isEqualTo(BuildStatus.SUCCEEDED);
        assertThat(eventsOf(EventCollector.all(engine, detected.id()), BuildEvent.FinishPut.class).getFirst()
                .createdVersion()).isEqualTo(Version.of("version", "2"));
        assertThat(listed.status()).isEqualTo(BuildStatus.ERRORED);
        assertThat(eventsOf(EventCollector.all(engine, listed.id()), BuildEvent.Error.class))
                .extracting(BuildEvent.Error::message).singleElement().asString()
                .startsWith("put(out) of resource 'out': input not found: missing");
    }

    @Test
    void aPinnedGetAndAPinnedResourceFetchThePinAndDisabledVersionsAreSkipped() throws Exception {
        set("""
                resources:
                - name: lib
                  type: mock
                  source: {initial_version: "1"}
                jobs:
                - name: publish
                  plan:
                  - put: lib
                    params: {version: "2"}
                    no_get: true
                  - put: lib
                    params: {version: "3"}
                    no_get: true
                - name: pinned-step
                  plan:
                  - get: lib
                    version: {version: "2"}
                - name: latest
                  plan:
                  - get: lib
                """);
        engine.resources().check(CI.resource("lib"));
        assertThat(run("publish").status()).isEqualTo(BuildStatus.SUCCEEDED);

        assertThat(fetched(run("pinned-step"))).isEqualTo(Version.of("version", "2"));
        assertThat(fetched(run("latest"))).isEqualTo(Version.of("version", "3"));

        engine.resources().pin(CI.resource("lib"), Version.of("version", "1"), "known good");
        assertThat(engine.resources().get(CI.resource("lib")).orElseThrow().pinComment()).isEqualTo("known good");
        assertThat(fetched(run("latest"))).isEqualTo(Version.of("version", "1"));

        engine.resources().unpin(CI.resource("lib"));
        assertThat(engine.resources().disable(CI.resource("lib"), Version.of("version", "3"))).isTrue();
        assertThat(fetched(run("latest"))).isEqualTo(Version.of("version", "2"));
        assertThat(engine.resources().enable(CI.resource("lib"), Version.of("version", "3"))).isTrue();
        assertThat(fetched(run("latest"))).isEqualTo(Version.of("version", "3"));
    }

    private Version fetched(Build build) throws Exception {
        assertThat(build.status()).isEqualTo(BuildStatus.SUCCEEDED);
        return eventsOf(EventCollector.all(engine, build.id()), BuildEvent.FinishGet.class).getFirst().fetchedVersion();
    }

    @Test
    void getAndPutSeeTheBuildMetadataAndTheGetsMetadataIsALocalVar() throws Exception {
        set("""
                resources:
                - name: repo
                  type: mock
                  source:
                    initial_version: "1"
                    metadata: [{name: commit, value: abc123}]
                - name: out
                  type: mock
                jobs:
                - name: meta
                  plan:
                  - get: repo
                  - task: show
                    config:
                      platform: linux
                      params: {COMMIT: ((.:repo.commit))}
                      run: {path: sh, args: [-c, "echo commit=$COMMIT"]}
                  - put: out
                    params: {version: "9", print_env: true}
                    no_get: true
                """);

        Build build = run("meta");

        assertThat(build.status()).isEqualTo(BuildStatus.SUCCEEDED);
        String log = log(EventCollector.all(engine, build.id()));
        assertThat(log).contains("commit=abc123\n",
                "BUILD_ID=" + build.id() + "\n",
                "BUILD_JOB_NAME=meta\n",
                "BUILD_NAME=1\n",
                "BUILD_PIPELINE_NAME=ci\n",
                "BUILD_TEAM_NAME=main\n",
                "BUILD_URL=https://ci.example.com/teams/main/pipelines/ci/jobs/meta/builds/1\n")
                .doesNotContain("BUILD_CREATED_BY");
    }

    @Test
    void aResourceTheBuildCannotResolveErrorsTheStepNamingIt() throws Exception {
        set("""
                resources:
                - name: broken
                  type: mock
                  source: {check_failure: "the server said no"}
                - name: secret
                  type: mock
                  source: {initial_version: ((token))}
                jobs:
                - name: failing-check
                  plan:
                  - get: broken
                - name: missing-var
                  plan:
                  - get: secret
                """);

        Build failingCheck = run("failing-check");
        Build missingVar = run("missing-var");

        assertThat(failingCheck.status()).isEqualTo(BuildStatus.ERRORED);
        assertThat(eventsOf(EventCollector.all(engine, failingCheck.id()), BuildEvent.Error.class))
                .extracting(BuildEvent.Error::message).containsExactly("get(broken) of resource 'broken': checking "
                        + "resource 'broken' of pipeline 'main/ci' failed: the server said no");
        assertThat(engine.resources().get(CI.resource("broken")).orElseThrow().checkError())
                .isEqualTo("checking resource 'broken' of pipeline 'main/ci' failed: the server said no");
        assertThat(missingVar.status()).isEqualTo(BuildStatus.ERRORED);
        assertThat(eventsOf(EventCollector.all(engine, missingVar.id()), BuildEvent.Error.class))
                .extracting(BuildEvent.Error::message).singleElement().asString()
                .startsWith("failed to interpolate the source of resource 'secret' for get(secret): "
                        + "undefined vars: token");
    }
}
