package dev.concourse.samples.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code run} without {@code --job}: the whole pipeline until no job can make progress. */
class PipelineRunTest {

    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        return file;
    }

    /** build puts an artifact; unit and lint fan out from it; ship fans in after both. */
    private static String fanOutFanIn(String unitScript) {
        return """
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
                  - task: compile
                    config:
                      platform: linux
                      inputs: [{name: source}]
                      run: {path: sh, args: [-c, "echo compiling $(cat source/version); printf 'no newline'"]}
                  - put: artifact
                    params: {version: a1}
                - name: unit
                  plan:
                  - get: artifact
                    trigger: true
                    passed: [build]
                  - task: test
                    config:
                      platform: linux
                      run: {path: sh, args: [-c, "%s"]}
                - name: lint
                  plan:
                  - get: artifact
                    trigger: true
                    passed: [build]
                  - task: lint
                    config:
                      platform: linux
                      run: {path: sh, args: [-c, "echo linting >&2"]}
                - name: ship
                  plan:
                  - get: artifact
                    trigger: true
                    passed: [unit, lint]
                  - task: ship
                    config:
                      platform: linux
                      inputs: [{name: artifact}]
                      run: {path: sh, args: [-c, "echo shipping $(cat artifact/version)"]}
                - name: release
                  plan:
                  - get: source
                """.formatted(unitScript);
    }

    @Test
    void theWholePipelineRunsThroughPassedConstraintsThenSaysWhyEachJobIsIdle() throws IOException {
        Path pipeline = write("fan.yml", fanOutFanIn("echo testing"));

        CliRun run = CliRun.of("run", pipeline.toString());

        assertThat(run.exitCode()).as("exit code; out: %s err: %s", run.out(), run.err()).isZero();
        List<String> out = run.outLines();
        assertThat(out).containsSubsequence(
                "build/1 | ==> get: source",
                "build/1 | ==> task: compile",
                "build/1 | compiling v1",
                "build/1 | no newline",
                "build/1 | ==> put: artifact",
                "==> main/fan/build #1 succeeded");
        assertThat(out).containsSubsequence("unit/1 | ==> task: test", "unit/1 | testing",
                "==> main/fan/unit #1 succeeded");
        assertThat(out).containsSubsequence("ship/1 | ==> task: ship", "ship/1 | shipping a1",
                "==> main/fan/ship #1 succeeded");
        assertThat(run.errLines()).containsExactly("lint/1 | linting");
        // ship fans in: it starts only after both unit and lint succeeded.
        assertThat(out.indexOf("ship/1 | ==> get: artifact"))
                .isGreaterThan(out.indexOf("==> main/fan/unit #1 succeeded"))
                .isGreaterThan(out.indexOf("==> main/fan/build #1 succeeded"));
        assertThat(run.err()).doesNotContain("==> main/fan/lint");
        assertThat(out.subList(out.indexOf("==> idle: no job can make progress"), out.size())).containsExactly(
                "==> idle: no job can make progress",
                "==> build: waiting for a new version of 'source' (its builds used the current ones)",
                "==> unit: waiting for a new version of 'artifact' (its builds used the current ones)",
                "==> lint: waiting for a new version of 'artifact' (its builds used the current ones)",
                "==> ship: waiting for a new version of 'artifact' (its builds used the current ones)",
                "==> release: no input has trigger: true; it runs only when triggered",
                "==> 4 builds: 4 succeeded");
    }

    @Test
    void theChainSampleRunsToItsRelease() {
        Path chain = Path.of(System.getProperty("basedir", ".")).resolve("../pipelines/chain.yml").normalize();

        CliRun run = CliRun.of("run", chain.toString());

        assertThat(run.exitCode()).as("exit code; out: %s err: %s", run.out(), run.err()).isZero();
        assertThat(run.outLines()).containsSubsequence(
                "unit/1 | running unit tests of version 1",
                "==> main/chain/unit #1 succeeded",
                "integration/1 | running integration tests of version 1",
                "==> main/chain/integration #1 succeeded",
                "ship/1 | ==> put: release",
                "==> main/chain/ship #1 succeeded",
                "==> idle: no job can make progress");
        assertThat(run.outLines()).endsWith("==> 3 builds: 3 succeeded");
        assertThat(run.err()).isEmpty();
    }

    @Test
    void aFailedUpstreamLeavesTheFanInJobIdleWithTheResolversReasonAndExitsOne() throws IOException {
        Path pipeline = write("fan.yml", fanOutFanIn("echo 2 tests failed; exit 1"));

        CliRun run = CliRun.of("run", pipeline.toString());

        assertThat(run.exitCode()).as("exit code; out: %s err: %s", run.out(), run.err()).isEqualTo(1);
        assertThat(run.outLines()).contains("unit/1 | 2 tests failed", "==> main/fan/unit #1 failed",
                "==> main/fan/lint #1 succeeded",
                "==> ship: input 'artifact': no satisfiable builds from passed jobs found for set of inputs"
                        + " (passed: lint, unit)",
                "==> 3 builds: 2 succeeded, 1 failed");
        assertThat(run.out()).doesNotContain("ship/1");
    }

    @Test
    void aResourceThatCannotBeCheckedIsReportedAndMakesTheRunFail() throws IOException {
        Path pipeline = write("broken.yml", """
                resources:
                - name: source
                  type: mock
                  source: {check_failure: "the repository is gone"}
                jobs:
                - name: unit
                  plan:
                  - get: source
                    trigger: true
                """);

        CliRun run = CliRun.of("run", pipeline.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("checking resource 'source' of pipeline 'main/broken' failed")
                .contains("the repository is gone");
        assertThat(run.outLines()).containsExactly(
                "==> idle: no job can make progress",
                run.outLines().get(1),
                "==> no build ran");
        assertThat(run.outLines().get(1)).startsWith("==> unit: input 'source': latest version of resource not"
                + " found: the last check of resource 'source' failed: ").contains("the repository is gone");
    }

    @Test
    void watchDoesNotGoWithOneJob() throws IOException {
        Path pipeline = write("p.yml", """
                jobs:
                - name: unit
                  plan:
                  - task: t
                    config: {platform: linux, run: {path: "true"}}
                """);

        CliRun run = CliRun.of("run", "--watch", "--job", "unit", pipeline.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--watch runs the whole pipeline; leave out --job");
    }
}
