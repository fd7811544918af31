package dev.concourse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.concourse.event.BuildEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code across} through the public API: combinations, their order, parallelism, fail_fast, scope. */
class AcrossStepTest {
    private static final PipelineRef CI = PipelineRef.main("ci");

    @TempDir
    Path work;

    private EngineFixture fixture;

    @BeforeEach
    void start() {
        fixture = EngineFixture.start(work);
    }

    @AfterEach
    void close() {
        fixture.close();
    }

    @Test
    void twoVarsOfTwoValuesRunFourSubstepsOneAtATimeInConcoursesOrder() throws Exception {
        EngineFixture.Run run = fixture.run(CI, """
                jobs:
                - name: j
                  plan:
                  - across:
                    - var: os
                      values: [linux, darwin]
                    - var: arch
                      values: [amd64, arm64]
                    task: build-((.:os))-((.:arch))
                    params: {ARCH: ((.:arch))}
                    config:
                      platform: linux
                      run: {path: sh, args: [-c, 'echo "((.:os))/$ARCH"']}
                """, "j");

        assertThat(run.status()).as("%s", run).isEqualTo(BuildStatus.SUCCEEDED);
        assertThat(run.log()).isEqualTo("linux/amd64\nlinux/arm64\ndarwin/amd64\ndarwin/arm64\n");

        BuildPlan plan = fixture.engine.builds().plan(run.build().id()).orElseThrow();
        BuildPlan across = plan.children().getFirst();
        assertThat(across.kind()).isEqualTo("across");
        assertThat(across.children()).singleElement().satisfies(template ->
                assertThat(template.name()).isEqualTo("build-((.:os))-((.:arch))"));

        String id = across.id();
        assertThat(run.typesOf(id)).containsExactly("initialize", "start", "across-substeps", "finish");
        BuildEvent.AcrossSubsteps substeps = run.ofType(BuildEvent.AcrossSubsteps.class).getFirst();
        assertThat(substeps.substeps()).extracting(s -> s.step().id())
                .containsExactly(id + "/0/0", id + "/1/0", id + "/2/0", id + "/3/0");
        assertThat(substeps.substeps()).extracting(s -> s.step().name())
                .containsExactly("build-linux-amd64", "build-linux-arm64", "build-darwin-amd64", "build-darwin-arm64");
        assertThat(substeps.substeps()).extracting(BuildEvent.AcrossSubsteps.Substep::values).containsExactly(
                List.of("linux", "amd64"), List.of("linux", "arm64"), List.of("darwin", "amd64"),
                List.of("darwin", "arm64"));
        assertThat(run.ofType(BuildEvent.FinishTask.class)).extracting(f -> f.origin().id())
                .containsExactly(id + "/0/0", id + "/1/0", id + "/2/0", id + "/3/0");
    }

    @Test
    void maxInFlightAllRunsEveryValueAtOnce(@TempDir Path meeting) throws Exception {
        // Each substep waits until both have arrived: only possible when they run at the same time.
        EngineFixture.Run run = fixture.run(CI, """
                jobs:
                - name: j
                  plan:
                  - across:
                    - var: who
                      values: [alice, bob]
                      max_in_flight: all
                    task: meet
                    params: {DIR: %s}
                    config:
                      platform: linux
                      run:
                        path: sh
                        args:
                        - -c
                        - |
                          touch "$DIR/((.:who))"
                          n=0
                          until [ -e "$DIR/alice" ] && [ -e "$DIR/bob" ]; do
                            n=$(expr $n + 1); [ $n -gt 400 ] && exit 1; sleep 0.05
                          done
                          echo met
                """.formatted(meeting), "j");

        assertThat(run.status()).as("%s", run).isEqualTo(BuildStatus.SUCCEEDED);
        assertThat(run.log()).isEqualTo("met\nmet\n");
    }

    @Test
    void failFastStopsStartingSubstepsOnceOneFails() throws Exception {
        String yaml = """
                jobs:
                - name: j
                  plan:
                  - across:
                    - var: n
                      values: [one, two, three]
                    fail_fast: %s
                    task: t
                    config:
                      platform: linux
                      run: {path: sh, args: [-c, 'echo "run ((.:n))"; [ ((.:n)) != one ]']}
                """;

        EngineFixture.Run fast = fixture.run(CI, yaml.formatted(true), "j");
        assertThat(fast.status()).isEqualTo(BuildStatus.FAILED);
        assertThat(fast.log()).isEqualTo("run one\n");
        assertThat(fast.ofType(BuildEvent.Finish.class)).singleElement()
                .satisfies(finish -> assertThat(finish.succeeded()).isFalse());

        EngineFixture.Run all = fixture.run(CI, yaml.formatted(false), "j");
        assertThat(all.status()).isEqualTo(BuildStatus.FAILED);
        assertThat(all.log()).isEqualTo("run one\nrun two\nrun three\n");
    }

    @Test
    void valuesMayComeFromAVarResolvedWhenTheStepRuns(@TempDir Path files) throws Exception {
        Files.writeString(files.resolve("envs.json"), "[\"dev\", \"prod\"]");
        EngineFixture.Run run = fixture.run(CI, """
                jobs:
                - name: j
                  plan:
                  - task: fetch
                    params: {SRC: %s}
                    config: {platform: linux, outputs: [{name: files}], run: {path: sh, args: [-c, 'cp "$SRC"/* files/']}}
                  - load_var: envs
                    file: files/envs.json
                    reveal: true
                  - across:
                    - var: env
                      values: ((.:envs))
                    task: deploy
                    config:
                      platform: linux
                      run: {path: echo, args: [deploying, ((.:env))]}
                """.formatted(files), "j");

        assertThat(run.status()).as("%s", run).isEqualTo(BuildStatus.SUCCEEDED);
        assertThat(run.log()).endsWith("deploying dev\ndeploying prod\n");
    }

    @Test
    void acrossVarsAreLocalToTheirSubstepsAndShadowingIsReported() throws Exception {
        EngineFixture.Run run = fixture.run(CI, """
                jobs:
                - name: j
                  plan:
                  - task: make
                    config:
                      platform: linux
                      outputs: [{name: out}]
                      run: {path: sh, args: [-c, 'echo outer > out/v.txt']}
                  - load_var: v
                    file: out/v.txt
                    reveal: true
                  - across:
                    - var: v
                      values: [inner]
                    task: inside
                    config: {platform: linux, run: {path: echo, args: [((.:v))]}}
                  - task: after
                    config: {platform: linux, run: {path: echo, args: [((.:v))]}}
                """, "j");

        assertThat(run.status()).as("%s", run).isEqualTo(BuildStatus.SUCCEEDED);
        assertThat(run.log()).contains("WARNING: across step shadows local var 'v'").endsWith("inner\nouter\n");
    }

    @Test
    void anUndefinedValuesVarErrorsTheStep() throws Exception {
        EngineFixture.Run run = fixture.run(CI, """
                jobs:
                - name: j
                  plan:
                  - across:
                    - var: v
                      values: ((.:nothing))
                    task: t
                    config: {platform: linux, run: {path: echo, args: [((.:v))]}}
                """, "j");

        assertThat(run.status()).isEqualTo(BuildStatus.ERRORED);
        assertThat(run.errors()).singleElement().asString()
                .contains("the values of across var 'v'").contains("undefined vars: .:nothing");
    }
}
