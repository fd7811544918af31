package dev.concourse.samples.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code run} in-process, with a real engine running the job's tasks as local processes. */
class RunCommandTest {
    private static final Path SAMPLES = Path.of(System.getProperty("basedir", ".")).resolve("../pipelines").normalize();

    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        return file;
    }

    @Test
    void theHelloSampleRunsWithAStepHeader() {
        CliRun run = CliRun.of("run", SAMPLES.resolve("hello.yml").toString(), "--job", "hello");

        assertThat(run.exitCode()).isZero();
        assertThat(run.outLines()).containsExactly(
                "==> task: say-hello",
                "hello world",
                "==> main/hello/hello #1 succeeded");
        assertThat(run.err()).isEmpty();
    }

    @Test
    void eachStepGetsAHeaderAndStderrGoesToStderr() throws IOException {
        Path pipeline = write("steps.yml", """
                jobs:
                - name: build
                  plan:
                  - task: compile
                    config:
                      platform: linux
                      run: {path: sh, args: [-c, "echo compiling; echo a warning >&2; printf 'no newline'"]}
                    ensure:
                      task: clean-up
                      config: {platform: linux, run: {path: sh, args: [-c, "echo cleaning"]}}
                  - in_parallel:
                    - task: lint
                      config: {platform: linux, run: {path: "true"}}
                """);

        CliRun run = CliRun.of("run", "-j", "build", pipeline.toString());

        assertThat(run.exitCode()).isZero();
        assertThat(run.outLines()).containsExactly(
                "==> task: compile",
                "compiling",
                "no newline",
                "==> task: clean-up",
                "cleaning",
                "==> task: lint",
                "==> main/steps/build #1 succeeded");
        assertThat(run.err()).isEqualTo("a warning\n");
    }

    @Test
    void aFailingJobExitsOne() throws IOException {
        Path pipeline = write("failing.yml", """
                jobs:
                - name: unit
                  plan:
                  - task: test
                    config: {platform: linux, run: {path: sh, args: [-c, "echo 1 test failed; exit 7"]}}
                """);

        CliRun run = CliRun.of("run", pipeline.toString(), "--job", "unit");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.outLines()).containsExactly("==> task: test", "1 test failed", "==> main/failing/unit #1 failed");
    }

    @Test
    void anErroringJobExitsTwoAndPrintsTheError() throws IOException {
        Path pipeline = write("erroring.yml", """
                jobs:
                - name: broken
                  plan:
                  - task: needs-source
                    config:
                      platform: linux
                      inputs: [{name: source}]
                      run: {path: "true"}
                """);

        CliRun run = CliRun.of("run", pipeline.toString(), "--job", "broken");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.outLines()).containsExactly("==> task: needs-source", "==> main/erroring/broken #1 errored");
        assertThat(run.errLines()).singleElement().asString()
                .startsWith("error: missing inputs: source; task 'needs-source' needs them");
    }

    @Test
    void anInputOfAnUnknownTypeStopsTheRunNamingTheTypesThereAre() throws IOException {
        Path pipeline = write("resources.yml", """
                resources:
                - name: repo
                  type: git
                  source: {uri: "https://example.com/repo.git"}
                jobs:
                - name: unit
                  plan:
                  - get: repo
                """);

        CliRun run = CliRun.of("run", pipeline.toString(), "--job", "unit");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).isEqualTo("concourse-runner: checking resource 'repo' of pipeline 'main/resources' "
                + "failed: unknown resource type 'git': it is neither one of the pipeline's resource_types nor a base "
                + "type (base types: local-image, mock, registry-image, time; the pipeline's resource_types: none)\n");
    }

    @Test
    void anUnknownJobIsAUsageErrorListingTheJobs() {
        CliRun run = CliRun.of("run", SAMPLES.resolve("hooks.yml").toString(), "--job", "nope");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.out()).isEmpty();
        assertThat(run.errLines().getFirst()).startsWith("concourse-runner: unknown job 'nope': ")
                .contains(" has the jobs '");
        assertThat(run.errLines().getLast()).isEqualTo("Run 'concourse-runner run --help' for usage.");
    }

    @Test
    void anInvalidPipelinePrintsItsFindingsAndExitsOne() throws IOException {
        Path pipeline = write("invalid.yml", """
                jobs:
                - name: unit
                  plan:
                  - get: repo
                """);

        CliRun run = CliRun.of("run", pipeline.toString(), "--job", "unit");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.errLines()).hasSize(2);
        assertThat(run.errLines().getFirst()).startsWith(pipeline + ":4:").contains(": error: ")
                .endsWith("get(repo): unknown resource 'repo'");
        assertThat(run.errLines().getLast()).isEqualTo(pipeline + ": 1 error");
    }

    @Test
    void varsAreInterpolatedAndVarsThatAreNotGivenAreErrors() throws IOException {
        Path pipeline = write("vars.yml", """
                jobs:
                - name: greet-((team))
                  plan:
                  - task: greet
                    config:
                      platform: linux
                      params: {GREETING: ((greeting))}
                      run: {path: sh, args: [-c, 'echo "$GREETING"']}
                """);

        CliRun given = CliRun.of("run", pipeline.toString(), "-j", "greet-search", "-v", "team=search",
                "-y", "greeting=[hello]");
        CliRun missing = CliRun.of("run", pipeline.toString(), "-j", "greet-search", "-v", "team=search");

        assertThat(given.exitCode()).isZero();
        assertThat(given.outLines()).containsExactly("==> task: greet", "[\"hello\"]",
                "==> main/vars/greet-search #1 succeeded");
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err()).contains("undefined var 'greeting'");
    }

    @Test
    void localVarsAreLeftForTheBuildToSet() throws IOException {
        Path pipeline = write("local.yml", """
                jobs:
                - name: release
                  plan:
                  - task: make-version
                    config:
                      platform: linux
                      outputs: [{name: out}]
                      run: {path: sh, args: [-c, "echo 1.2.3 > out/version"]}
                  - load_var: version
                    file: out/version
                    reveal: true
                  - task: show
                    config: {platform: linux, run: {path: echo, args: [((.:version))]}}
                """);

        CliRun run = CliRun.of("run", pipeline.toString(), "-j", "release");

        // not an undefined var when the pipeline is set (exit 1): load_var sets it while the build runs
        assertThat(run.exitCode()).isEqualTo(0);
        assertThat(run.outLines()).containsExactly("==> task: make-version", "==> load_var: version",
                "var version fetched.", "added var version to build.", "==> task: show", "1.2.3",
                "==> main/local/release #1 succeeded");
    }

    @Test
    void instanceVarsNameThePipelineInstance() throws IOException {
        Path pipeline = write("deploy.yml", """
                jobs:
                - name: deploy
                  plan:
                  - task: to-env
                    config: {platform: linux, run: {path: echo, args: [((env))]}}
                """);

        CliRun run = CliRun.of("run", pipeline.toString(), "-j", "deploy", "-i", "env=staging");

        assertThat(run.exitCode()).isZero();
        assertThat(run.outLines()).containsExactly("==> task: to-env", "staging",
                "==> main/deploy/env:staging/deploy #1 succeeded");
    }

    @Test
    void aJobThatCannotBeTriggeredManuallyExitsTwo() throws IOException {
        Path pipeline = write("guarded.yml", """
                jobs:
                - name: ship
                  disable_manual_trigger: true
                  plan:
                  - task: t
                    config: {platform: linux, run: {path: "true"}}
                """);

        CliRun run = CliRun.of("run", pipeline.toString(), "-j", "ship");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("disable_manual_trigger");
    }

    @Test
    void theResourcesTheJobGetsAreCheckedBeforeItIsTriggered() throws IOException {
        Path pipeline = write("fetch.yml", """
                resources:
                - name: repo
                  type: mock
                  source: {initial_version: "1", log: mock was called}
                jobs:
                - name: show
                  plan:
                  - get: repo
                  - task: cat
                    config:
                      platform: linux
                      inputs: [{name: repo}]
                      run: {path: cat, args: [repo/version]}
                """);

        CliRun run = CliRun.of("run", pipeline.toString(), "--job", "show");

        assertThat(run.exitCode()).isZero();
        assertThat(run.outLines()).containsExactly(
                "==> get: repo",
                "==> task: cat",
                "1",
                "==> main/fetch/show #1 succeeded");
        // Checked before the build: the get found a version and only fetched it (a check would log too).
        assertThat(run.err()).isEqualTo("mock was called\n");
    }

    @Test
    void aFailingCheckOfAnInputStopsTheRunBeforeABuildExists() throws IOException {
        Path pipeline = write("broken.yml", """
                resources:
                - name: repo
                  type: mock
                  source: {check_failure: the server said no}
                jobs:
                - name: show
                  plan:
                  - get: repo
                """);

        CliRun run = CliRun.of("run", pipeline.toString(), "--job", "show");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).isEqualTo("concourse-runner: checking resource 'repo' of pipeline 'main/broken' failed: "
                + "the server said no\n");
    }
}
