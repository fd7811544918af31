package dev.concourse;

import static dev.concourse.EventCollector.awaitFinished;
import static dev.concourse.EventCollector.log;
import static org.assertj.core.api.Assertions.assertThat;

import dev.concourse.event.BuildEvent;
import dev.concourse.event.SequencedEvent;
import dev.concourse.resource.CheckResult;
import dev.concourse.resource.MetadataField;
import dev.concourse.resource.ResourceVersion;
import dev.concourse.resource.Version;
import dev.concourse.runtime.LocalProcessRuntime;
import dev.concourse.storage.InMemoryStorage;
import dev.concourse.vars.StaticVariables;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Custom resource types ({@code resource_types}) whose images come from the {@code local-image}
 * type, with real shell scripts written the way Concourse resources are
 * ({@code src/test/resources/resource-types}): a git resource over a local repository, and one
 * that misbehaves on request.
 */
class CustomResourceTypesTest {
    private static final PipelineRef CI = PipelineRef.main("ci");

    @TempDir
    Path work;

    private LocalProcessRuntime runtime;
    private PipelineEngine engine;

    @BeforeAll
    static void toolsAreThere() {
        ResourceScripts.requireOnPath("jq", "git");
    }

    @BeforeEach
    void startEngine() {
        runtime = LocalProcessRuntime.builder().baseDirectory(work.resolve("runtime")).build();
        engine = PipelineEngine.builder()
                .storage(new InMemoryStorage())
                .runtime(runtime)
                .abortGracePeriod(Duration.ofSeconds(2))
                .build();
        engine.start();
    }

    @AfterEach
    void closeEngine() {
        engine.close();
        runtime.close();
    }

    private Build run(String job) throws Exception {
        return awaitFinished(engine, engine.jobs().trigger(CI.job(job)));
    }

    private static <T extends BuildEvent> List<T> eventsOf(List<SequencedEvent> events, Class<T> type) {
        return events.stream().map(SequencedEvent::event).filter(type::isInstance).map(type::cast).toList();
    }

    @Test
    void aGitResourceGetsAndPutsAndItsChecksSaveCommitsInOrder() throws Exception {
        Path rootfs = ResourceScripts.rootfs("git", work.resolve("images/git/rootfs"));
        Path bare = work.resolve("repo.git");
        List<String> commits = ResourceScripts.gitRepository(bare, work.resolve("clone"), "one", "two", "three");
        engine.pipelines().set(CI, """
                resource_types:
                - name: git
                  type: local-image
                  source: {path: %s}
                resources:
                - name: repo
                  type: git
                  source: {uri: %s}
                jobs:
                - name: build
                  plan:
                  - get: repo
                  - task: read
                    config:
                      platform: linux
                      inputs: [{name: repo}]
                      outputs: [{name: notes}]
                      run: {path: sh, args: [-c, "cat repo/file.txt; echo; echo hello from the build > notes/hello.txt"]}
                  - put: repo
                    params: {from: notes/hello.txt, to: hello.txt}
                  - task: after
                    config:
                      platform: linux
                      inputs: [{name: repo}]
                      run: {path: cat, args: [repo/hello.txt]}
                """.formatted(rootfs, bare), StaticVariables.empty());

        Build build = run("build");

        assertThat(build.status()).isEqualTo(BuildStatus.SUCCEEDED);
        List<SequencedEvent> events = EventCollector.all(engine, build.id());
        String pushed = ResourceScripts.git(work, "--git-dir=" + bare, "rev-parse", "main");
        assertThat(eventsOf(events, BuildEvent.FinishGet.class)).extracting(BuildEvent.FinishGet::fetchedVersion)
                .containsExactly(Version.of("ref", commits.get(2)), Version.of("ref", pushed));
        assertThat(eventsOf(events, BuildEvent.FinishGet.class).getFirst().metadata())
                .containsExactly(new MetadataField("message", "three"));
        assertThat(eventsOf(events, BuildEvent.FinishPut.class).getFirst().createdVersion())
                .isEqualTo(Version.of("ref", pushed));
        // The put's script saw the build's metadata: its commit message names the build.
        assertThat(ResourceScripts.git(work, "--git-dir=" + bare, "log", "-1", "--format=%s", "main"))
                .isEqualTo("put hello.txt from build 1");
        assertThat(log(events)).contains("fetched " + commits.get(2) + "\n", "three\n", "hello from the build\n");
        ResourceRef repo = CI.resource("repo");
        assertThat(engine.resources().versions(repo, 10)).extracting(ResourceVersion::version)
                .containsExactly(Version.of("ref", pushed), Version.of("ref", commits.get(2)));

        CheckResult fromFirst = engine.resources().check(repo, Version.of("ref", commits.get(0)));

        assertThat(fromFirst.found()).extracting(v -> v.fields().get("ref"))
                .containsExactly(commits.get(0), commits.get(1), commits.get(2), pushed);
        assertThat(fromFirst.saved()).extracting(v -> v.version().fields().get("ref"))
                .containsExactly(commits.get(0), commits.get(1));
        assertThat(engine.resources().versions(repo, 10)).extracting(v -> v.version().fields().get("ref"))
                .containsExactly(pushed, commits.get(2), commits.get(1), commits.get(0));
        assertThat(runtime.workers().getFirst().containers()).as("containers left behind").isEmpty();
    }

    @Test
    void misbehavingScriptsFailOrErrorTheirStepNamingItAndTheEngineGoesOn() throws Exception {
        Path rootfs = ResourceScripts.rootfs("faulty", work.resolve("images/faulty/rootfs"));
        engine.pipelines().set(CI, """
                resource_types:
                - name: faulty
                  type: local-image
                  source: {path: %s}
                resources:
                - name: bad
                  type: faulty
                jobs:
                - name: exit
                  plan: [{get: bad, params: {mode: exit}}]
                - name: invalid
                  plan: [{get: bad, params: {mode: invalid}}]
                - name: null-version
                  plan: [{get: bad, params: {mode: null-version}}]
                - name: empty
                  plan: [{put: bad, params: {mode: empty}}]
                - name: put-exit
                  plan: [{put: bad, params: {mode: exit}}]
                - name: hang
                  plan: [{get: bad, params: {mode: hang}, timeout: 2s}]
                - name: fine
                  plan: [{get: bad}, {put: bad}]
                """.formatted(rootfs), StaticVariables.empty());

        // A non-zero exit: finish-get with that status, the step fails, stderr says why.
        Build exit = run("exit");
        assertThat(exit.status()).isEqualTo(BuildStatus.FAILED);
        List<SequencedEvent> exitEvents = EventCollector.all(engine, exit.id());
        assertThat(eventsOf(exitEvents, BuildEvent.FinishGet.class)).singleElement()
                .isEqualTo(new BuildEvent.FinishGet(eventsOf(exitEvents, BuildEvent.FinishGet.class).getFirst().time(),
                        eventsOf(exitEvents, BuildEvent.FinishGet.class).getFirst().origin(), 3, null, List.of()));
        assertThat(eventsOf(exitEvents, BuildEvent.Error.class)).isEmpty();
        assertThat(log(exitEvents)).contains("something went wrong\n");
        Build putExit = run("put-exit");
        assertThat(putExit.status()).isEqualTo(BuildStatus.FAILED);
        assertThat(eventsOf(EventCollector.all(engine, putExit.id()), BuildEvent.FinishPut.class))
                .extracting(BuildEvent.FinishPut::exitStatus).containsExactly(3);

        // Output that breaks the protocol: an error naming the step, the resource and the script.
        assertThat(errorOf(run("invalid"))).startsWith("get(bad) of resource 'bad': resource script "
                + "'/opt/resource/in /tmp/build/get' printed invalid JSON (").endsWith("its output began: \"not json {\\n\"");
        assertThat(errorOf(run("null-version"))).startsWith("get(bad) of resource 'bad': resource script "
                + "'/opt/resource/in /tmp/build/get' output a null version");
        assertThat(errorOf(run("empty"))).startsWith("put(bad) of resource 'bad': resource script "
                + "'/opt/resource/out /tmp/build/put' printed nothing on stdout");

        // A hang past the step's timeout: stopped, an error saying so, the step fails.
        Build hang = run("hang");
        assertThat(hang.status()).isEqualTo(BuildStatus.FAILED);
        List<SequencedEvent> hangEvents = EventCollector.all(engine, hang.id());
        assertThat(eventsOf(hangEvents, BuildEvent.Error.class)).extracting(BuildEvent.Error::message)
                .containsExactly("timeout exceeded: get(bad) of resource 'bad' was stopped after its timeout of 2s");
        assertThat(log(hangEvents)).contains("started\n");
        assertThat(types(hangEvents)).doesNotContain("finish-get");

        // The engine is none the worse.
        Build fine = run("fine");
        assertThat(fine.status()).isEqualTo(BuildStatus.SUCCEEDED);
        assertThat(log(EventCollector.all(engine, fine.id()))).contains("in is fine\n", "out is fine\n");
        assertThat(runtime.workers().getFirst().containers()).as("containers left behind").isEmpty();
    }

    @Test
    void abortingABuildStopsTheScriptOfItsGet() throws Exception {
        Path rootfs = ResourceScripts.rootfs("faulty", work.resolve("images/faulty/rootfs"));
        engine.pipelines().set(CI, """
                resource_types:
                - name: faulty
                  type: local-image
                  source: {path: %s}
                resources:
                - name: bad
                  type: faulty
                jobs:
                - name: hang
                  plan: [{get: bad, params: {mode: hang}}]
                """.formatted(rootfs), StaticVariables.empty());
        Build build = engine.jobs().trigger(CI.job("hang"));
        EventCollector collector = new EventCollector();
        engine.builds().events(build.id(), 1).subscribe(collector);
        assertThat(collector.awaitLog("started", Duration.ofSeconds(30))).isTrue();

        engine.builds().abort(build.id());

        assertThat(awaitFinished(engine, build).status()).isEqualTo(BuildStatus.ABORTED);
        List<SequencedEvent> events = EventCollector.all(engine, build.id());
        assertThat(eventsOf(events, BuildEvent.Error.class)).extracting(BuildEvent.Error::message)
                .containsExactly("interrupted");
        assertThat(runtime.workers().getFirst().containers()).as("containers left behind").isEmpty();
    }

    private static List<String> types(List<SequencedEvent> events) {
        return EventCollector.types(events);
    }

    private String errorOf(Build build) throws Exception {
        assertThat(build.status()).isEqualTo(BuildStatus.ERRORED);
        return eventsOf(EventCollector.all(engine, build.id()), BuildEvent.Error.class).stream()
                .map(BuildEvent.Error::message).reduce((a, b) -> a + " / " + b).orElseThrow();
    }
}
