package dev.concourse.internal.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.concourse.BuildStatus;
import dev.concourse.event.BuildEvent;
import dev.concourse.event.Origin;
import dev.concourse.event.TaskSummary;
import dev.concourse.spi.runtime.Volume;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TaskStepTest {
    @TempDir
    Path base;
    ExecHarness harness;

    @BeforeEach
    void setUp() {
        harness = new ExecHarness(base);
    }

    @AfterEach
    void tearDown() {
        harness.close();
    }

    @Test
    void aTaskEmitsItsEventsInConcourseOrderAndSucceeds() {
        ExecHarness.Build build = harness.runJob(Jobs.plan("""
                - task: hello
                  config:
                    platform: linux
                    params: {GREETING: hi}
                    run:
                      path: sh
                      args: [-c, 'echo "$GREETING for $ATC_EXTERNAL_URL"; echo oops >&2']
                """));

        String id = build.id("hello");
        assertThat(build.status).isEqualTo(BuildStatus.SUCCEEDED);
        assertThat(build.events.typesOf(id))
                .containsExactly("initialize-task", "selected-worker", "start-task", "finish-task");
        assertThat(build.events.output(id, Origin.Source.STDOUT)).isEqualTo("hi for https://ci.example.com\n");
        assertThat(build.events.output(id, Origin.Source.STDERR)).isEqualTo("oops\n");
        assertThat(build.events.ofType(BuildEvent.SelectedWorker.class).get(0).worker()).isEqualTo("local");
        assertThat(build.events.ofType(BuildEvent.FinishTask.class).get(0).exitStatus()).isZero();
        TaskSummary summary = build.events.ofType(BuildEvent.StartTask.class).get(0).config();
        assertThat(summary.platform()).isEqualTo("linux");
        assertThat(summary.path()).isEqualTo("sh");
        assertThat(TaskPaths.workingDirectory("hello")).isEqualTo("/tmp/build/2cf24dba");
        assertThat(harness.worker().containers()).as("containers are destroyed at the end of the step").isEmpty();
    }

    @Test
    void aNonZeroExitStatusFailsTheBuild() {
        ExecHarness.Build build = harness.runJob(Jobs.plan(task("boom", "exit 3")));

        assertThat(build.status).isEqualTo(BuildStatus.FAILED);
        assertThat(build.events.ofType(BuildEvent.FinishTask.class)).extracting(BuildEvent.FinishTask::exitStatus)
                .containsExactly(3);
        assertThat(build.events.errors()).isEmpty();
    }

    @Test
    void stepParamsOverrideTheConfigsParams() {
        ExecHarness.Build build = harness.runJob(Jobs.plan("""
                - task: env
                  params: {B: from-step, C: only-step}
                  config:
                    platform: linux
                    params: {A: from-config, B: from-config}
                    run: {path: sh, args: [-c, 'echo $A $B $C']}
                """));

        assertThat(build.events.stdout()).isEqualTo("from-config from-step only-step\n");
    }

    @Test
    void outputsOfOneTaskAreInputsOfTheNextAndStayInTheBuildsArtifacts() {
        ExecHarness.Build build = harness.runJob(Jobs.plan("""
                - task: make
                  config:
                    platform: linux
                    outputs: [{name: out}]
                    run: {path: sh, args: [-c, 'echo made > out/file']}
                - task: use
                  config:
                    platform: linux
                    inputs: [{name: out}]
                    run: {path: sh, args: [-c, 'cat out/file']}
                """));

        assertThat(build.status).isEqualTo(BuildStatus.SUCCEEDED);
        assertThat(build.events.stdout()).isEqualTo("made\n");
        assertThat(build.run.artifacts()).containsOnlyKeys("out");
        assertThat(ExecHarness.read(build.run.artifacts().get("out"), "file")).isEqualTo("made\n");
    }

    @Test
    void outputMappingRenamesOutputsAndInputMappingPicksArtifacts() {
        ExecHarness.Build build = harness.runJob(Jobs.plan("""
                - task: make
                  output_mapping: {out: built}
                  config:
                    platform: linux
                    outputs: [{name: out, path: some/dir}]
                    run: {path: sh, args: [-c, 'echo mapped > some/dir/file']}
                - task: use
                  input_mapping: {src: built}
                  config:
                    platform: linux
                    inputs: [{name: src}]
                    run: {path: sh, args: [-c, 'cat src/file']}
                """));

        assertThat(build.status).isEqualTo(BuildStatus.SUCCEEDED);
        assertThat(build.events.stdout()).isEqualTo("mapped\n");
        assertThat(build.run.artifacts()).containsOnlyKeys("built");
    }

    @Test
    void inputsAreCopiesSoATaskCannotChangeAnArtifact() {
        Volume repo = harness.volume(Map.of("file", "original\n"));
        ExecHarness.Build build = harness.build(1, Map.of("repo", repo));

        build.run(Jobs.plan("""
                - task: scribble
                  config:
                    platform: linux
                    inputs: [{name: repo}]
                    run: {path: sh, args: [-c, 'echo changed > repo/file']}
                - task: read
                  config:
                    platform: linux
                    inputs: [{name: repo}]
                    run: {path: sh, args: [-c, 'cat repo/file']}
                """).asStep());

        assertThat(build.events.stdout()).isEqualTo("original\n");
        assertThat(ExecHarness.read(repo, "file")).isEqualTo("original\n");
    }

    @Test
    void anOutputAtAnInputsPathIsTheInputAsTheTaskLeftIt() {
        Volume repo = harness.volume(Map.of("a", "from input\n"));
        ExecHarness.Build build = harness.build(1, Map.of("repo", repo));

        build.run(Jobs.plan("""
                - task: bump
                  config:
                    platform: linux
                    inputs: [{name: repo}]
                    outputs: [{name: bumped, path: repo}]
                    run: {path: sh, args: [-c, 'echo added > repo/b']}
                """).asStep());

        Volume bumped = build.run.artifacts().get("bumped");
        assertThat(ExecHarness.read(bumped, "a")).isEqualTo("from input\n");
        assertThat(ExecHarness.read(bumped, "b")).isEqualTo("added\n");
    }

    @Test
    void missingInputsErrorTheBuildAndAreAllListed() {
        ExecHarness.Build build = harness.runJob(Jobs.plan("""
                - task: needy
                  input_mapping: {b: bee}
                  config:
                    platform: linux
                    inputs: [{name: a}, {name: b}, {name: c, optional: true}]
                    run: {path: "true"}
                """));

        assertThat(build.status).isEqualTo(BuildStatus.ERRORED);
        assertThat(build.events.typesOf(build.id("needy"))).containsExactly("initialize-task", "error");
        assertThat(build.events.errors()).singleElement().asString()
                .startsWith("missing inputs: a, bee; task 'needy' needs them");
    }

    @Test
    void aTaskFileIsReadFromAnArtifactAndInterpolatedWithTheStepsVars() {
        Volume repo = harness.volume(Map.of("ci/task.yml", """
                platform: linux
                params: {WHO: ((who))}
                run: {path: sh, args: [-c, 'echo ((greeting)) $WHO']}
                """));
        ExecHarness.Build build = harness.build(1, Map.of("repo", repo));

        build.run(Jobs.plan("""
                - task: templated
                  file: repo/ci/task.yml
                  vars: {greeting: hello, who: world}
                """).asStep());

        assertThat(build.status).isEqualTo(BuildStatus.SUCCEEDED);
        assertThat(build.events.stdout()).isEqualTo("hello world\n");
    }

    @Test
    void taskFileProblemsErrorWithMessagesThatSayWhatToDo() {
        Volume repo = harness.volume(Map.of("ci/task.yml", "platform: linux\nrun: {path: echo, args: [((nope))]}\n"));

        assertThat(errorOf(repo, "file: repo/ci/task.yml"))
                .startsWith("failed to interpolate task config of task 't': undefined vars: nope; define it in a "
                        + "credential manager");
        assertThat(errorOf(repo, "file: repo/ci/missing.yml"))
                .startsWith("task config 'repo/ci/missing.yml' not found");
        assertThat(errorOf(repo, "file: elsewhere/task.yml"))
                .startsWith("unknown artifact source: 'elsewhere' in file path 'elsewhere/task.yml'");
        assertThat(errorOf(repo, "file: task.yml")).contains("does not specify where the file lives");
    }

    private String errorOf(Volume repo, String fileLine) {
        ExecHarness.Build build = harness.build(1, Map.of("repo", repo));
        BuildStatus status = build.run(Jobs.plan("- task: t\n  " + fileLine + "\n").asStep());
        assertThat(status).isEqualTo(BuildStatus.ERRORED);
        return build.events.errors().get(0);
    }

    @Test
    void imageResourceWithoutAnEngineErrorsNamingTheTask() {
        ExecHarness.Build build = harness.runJob(Jobs.plan("""
                - task: imaged
                  config:
                    platform: linux
                    image_resource: {type: registry-image, source: {repository: busybox}}
                    run: {path: echo, args: [ran]}
                """));

        assertThat(build.status).isEqualTo(BuildStatus.ERRORED);
        assertThat(build.events.errors()).singleElement().asString()
                .startsWith("task 'imaged' has an image_resource, which needs an engine to fetch it");
        assertThat(build.events.stdout()).isEmpty();
    }

    @Test
    void aTaskNoWorkerCanRunErrorsNamingWhatItNeeds() {
        ExecHarness.Build build = harness.runJob(Jobs.plan("""
                - task: elsewhere
                  tags: [gpu]
                  config:
                    platform: linux
                    run: {path: "true"}
                """));

        assertThat(build.status).isEqualTo(BuildStatus.ERRORED);
        assertThat(build.events.errors()).singleElement().asString()
                .startsWith("no workers satisfying: platform 'linux', tags [gpu], team 'main'")
                .contains("'local' (linux)");
    }

    @Test
    void cachesPersistAcrossBuildsOfTheSameJobButNotOneOffBuilds() {
        String plan = """
                - task: count
                  config:
                    platform: linux
                    caches: [{path: counter}]
                    run: {path: sh, args: [-c, 'echo x >> counter/log; wc -l < counter/log']}
                """;

        List<String> job = List.of(countOf(plan, 5), countOf(plan, 5), countOf(plan, 6));
        List<String> oneOff = List.of(countOf(plan, 0), countOf(plan, 0));

        assertThat(job).containsExactly("1", "2", "1");
        assertThat(oneOff).containsExactly("1", "1");
        assertThat(harness.worker().volumes()).as("only the two job caches are left")
                .extracting(v -> v.properties().get(TaskCaches.JOB)).containsExactlyInAnyOrder("5", "6");
    }

    private String countOf(String plan, long jobId) {
        ExecHarness.Build build = harness.build(jobId);
        build.run(Jobs.plan(plan).asStep());
        build.run.close();
        return build.events.stdout().strip();
    }

    @Test
    void closeDestroysTheBuildsOutputsButNotItsInitialArtifacts() {
        Volume given = harness.volume(Map.of("f", "x"));
        ExecHarness.Build build = harness.build(1, Map.of("given", given));
        build.run(Jobs.plan("""
                - task: make
                  config:
                    platform: linux
                    outputs: [{name: out}]
                    run: {path: "true"}
                """).asStep());
        Path out = Path.of(build.run.artifacts().get("out").path());
        assertThat(out).isDirectory();

        build.run.close();

        assertThat(Files.exists(out)).isFalse();
        assertThat(Path.of(given.path())).isDirectory();
        assertThat(harness.worker().volumes()).extracting(Volume::handle).containsExactly(given.handle());
    }

    @Test
    void getStepsErrorInAnExecutorWithoutAnEngine() {
        ExecHarness.Build build = harness.runJob(Jobs.plan("""
                - get: repo
                - task: never
                  config: {platform: linux, run: {path: "true"}}
                """));

        assertThat(build.status).isEqualTo(BuildStatus.ERRORED);
        assertThat(build.events.errors()).singleElement().asString()
                .isEqualTo("get(repo) of resource 'repo': this executor runs without an engine, so it has no "
                        + "resources; run the build through PipelineEngine");
        assertThat(build.events.typesOf(build.id("never"))).isEmpty();
    }

    @Test
    void outputsAreRegisteredWhateverTheExitStatusAsConcourseDoes() {
        ExecHarness.Build build = harness.runJob(Jobs.plan("""
                - task: partial
                  config:
                    platform: linux
                    outputs: [{name: report}]
                    run: {path: sh, args: [-c, 'echo half > report/r; exit 1']}
                """));

        assertThat(build.status).isEqualTo(BuildStatus.FAILED);
        assertThat(ExecHarness.read(build.run.artifacts().get("report"), "r")).isEqualTo("half\n");
    }

    @Test
    void anImageArtifactWithoutRunPathUsesTheImagesEntrypointAndCmd() {
        Volume image = harness.volume(Map.of(
                "metadata.json", "{\"env\": [], \"entrypoint\": [\"echo\", \"from\"], \"cmd\": [\"image\"]}",
                "rootfs/.keep", ""));
        ExecHarness.Build build = harness.build(1, Map.of("img", image));

        build.run(Jobs.plan("""
                - task: oci
                  image: img
                  config:
                    platform: linux
                    run: {args: [and, config]}
                """).asStep());

        assertThat(build.status).isEqualTo(BuildStatus.SUCCEEDED);
        assertThat(build.events.stdout()).isEqualTo("from image and config\n");
    }

    @Test
    void aMissingImageArtifactErrors() {
        ExecHarness.Build build = harness.runJob(Jobs.plan("""
                - task: t
                  image: nowhere
                  config: {platform: linux, run: {path: "true"}}
                """));

        assertThat(build.status).isEqualTo(BuildStatus.ERRORED);
        assertThat(build.events.errors()).singleElement().asString()
                .startsWith("missing image artifact source: nowhere; make sure there's a corresponding 'get' step");
    }

    @Test
    void aRootfsUriIsTheContainersImageAndTheRuntimeJudgesIt() {
        ExecHarness.Build existing = harness.runJob(Jobs.plan("""
                - task: raw
                  config:
                    platform: linux
                    rootfs_uri: raw://%s
                    run: {path: echo, args: [ok]}
                """.formatted(base)));
        ExecHarness.Build missing = harness.runJob(Jobs.plan("""
                - task: raw
                  config:
                    platform: linux
                    rootfs_uri: raw:///no/such/rootfs
                    run: {path: echo, args: [ok]}
                """));

        assertThat(existing.status).isEqualTo(BuildStatus.SUCCEEDED);
        assertThat(existing.events.ofType(BuildEvent.InitializeTask.class).get(0).config().image())
                .isEqualTo("raw://" + base);
        assertThat(missing.status).isEqualTo(BuildStatus.ERRORED);
        assertThat(missing.events.errors()).singleElement().asString()
                .startsWith("task 'raw' errored in the local runtime: ").contains("/no/such/rootfs");
    }

    @Test
    void anExecutableThatIsNotThereErrorsWithTheRuntimesReason() {
        ExecHarness.Build build = harness.runJob(Jobs.plan("""
                - task: typo
                  config: {platform: linux, run: {path: no-such-program-here}}
                """));

        assertThat(build.status).isEqualTo(BuildStatus.ERRORED);
        assertThat(build.events.typesOf(build.id("typo")))
                .containsExactly("initialize-task", "selected-worker", "start-task", "error");
        assertThat(build.events.errors()).singleElement().asString()
                .startsWith("task 'typo' errored in the local runtime: ").contains("no-such-program-here");
        assertThat(harness.worker().containers()).isEmpty();
    }

    @Test
    void aBuildRunRunsOnceAndListsItsInitialArtifacts() {
        Volume given = harness.volume(Map.of("f", "x"));
        ExecHarness.Build build = harness.build(1, Map.of("given", given));
        build.run(Jobs.plan(task("t", "true")).asStep());

        assertThat(build.run.artifacts()).containsOnlyKeys("given");
        assertThatThrownBy(() -> build.run.run(build.plan)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("has been run already");
    }

    static String task(String name, String script) {
        return """
                - task: %s
                  config:
                    platform: linux
                    run: {path: sh, args: [-c, '%s']}
                """.formatted(name, script);
    }
}
