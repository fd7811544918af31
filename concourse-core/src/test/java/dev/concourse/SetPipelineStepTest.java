package dev.concourse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.concourse.config.JobConfig;
import dev.concourse.config.TaskStep;
import dev.concourse.event.BuildEvent;
import dev.concourse.vars.StaticVariables;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code set_pipeline} through the public API: {@code self}, other pipelines with vars, var files
 * and instance vars, Concourse's team rules, and automatic archiving of pipelines a job no longer
 * sets.
 */
class SetPipelineStepTest {
    private static final PipelineRef CI = PipelineRef.main("ci");
    private static final String CHILD = """
            jobs:
            - name: hello
              plan:
              - task: say
                config:
                  platform: linux
                  run: {path: echo, args: [((greeting)), ((target)), ((env)), ((later))]}
            """;

    @TempDir
    Path work;

    @TempDir
    Path files;

    private EngineFixture fixture;

    @BeforeEach
    void start() throws Exception {
        fixture = EngineFixture.start(work);
        Files.writeString(files.resolve("child.yml"), CHILD);
        Files.writeString(files.resolve("vars.yml"), "target: world\nenv: from-var-file\n");
        Files.writeString(files.resolve("simple.yml"), """
                jobs:
                - name: simple
                  plan:
                  - task: t
                    config: {platform: linux, run: {path: "true"}}
                """);
    }

    @AfterEach
    void close() {
        fixture.close();
    }

    /** The task that copies the test's files into the artifact {@code files}. */
    private String fetch() {
        return """
                - task: fetch
                  params: {SRC: %s}
                  config:
                    platform: linux
                    outputs: [{name: files}]
                    run: {path: sh, args: [-c, 'cp "$SRC"/* files/']}
                """.formatted(files);
    }

    private String job(String name, String steps) {
        return "- name: " + name + "\n  plan:\n" + (fetch() + steps).indent(2);
    }

    @Test
    void selfSetsThePipelineRunningTheBuildAndSaysWhenNothingChanged() throws Exception {
        String configure = job("configure", """
                - set_pipeline: self
                  file: files/ci.yml
                """);
        Files.writeString(files.resolve("ci.yml"), "jobs:\n" + configure + """
                - name: added
                  plan:
                  - task: t
                    config: {platform: linux, run: {path: "true"}}
                """);

        EngineFixture.Run first = fixture.run(CI, "jobs:\n" + configure, "configure");

        assertThat(first.status()).as("%s", first).isEqualTo(BuildStatus.SUCCEEDED);
        String id = first.planId(fixture.engine, "set_pipeline", "self");
        assertThat(first.typesOf(id)).containsExactly("initialize", "start", "set-pipeline-changed", "finish");
        assertThat(first.ofType(BuildEvent.SetPipelineChanged.class)).singleElement()
                .satisfies(changed -> assertThat(changed.changed()).isTrue());
        assertThat(first.log()).contains("setting pipeline: main/ci\ndone\n");
        assertThat(fixture.engine.pipelines().get(CI).orElseThrow().config().jobs()).extracting(JobConfig::name)
                .containsExactly("configure", "added");

        EngineFixture.Run second = fixture.trigger(CI.job("configure"));

        assertThat(second.status()).isEqualTo(BuildStatus.SUCCEEDED);
        assertThat(second.ofType(BuildEvent.SetPipelineChanged.class)).singleElement()
                .satisfies(changed -> assertThat(changed.changed()).isFalse());
        assertThat(second.log()).contains("no changes to apply.\n");
    }

    @Test
    void selfKeepsTheInstanceVarsOfThePipeline() throws Exception {
        PipelineRef instance = new PipelineRef("main", "ci", Map.of("branch", "main"));
        String configure = job("configure", """
                - set_pipeline: self
                  file: files/self.yml
                  instance_vars: {branch: ignored}
                """);
        Files.writeString(files.resolve("self.yml"), "jobs:\n" + configure + """
                - name: on-branch
                  plan:
                  - task: t
                    config: {platform: linux, run: {path: echo, args: [((branch))]}}
                """);

        EngineFixture.Run run = fixture.run(instance, "jobs:\n" + configure, "configure");

        assertThat(run.status()).as("%s", run).isEqualTo(BuildStatus.SUCCEEDED);
        assertThat(fixture.engine.pipelines().get(instance).orElseThrow().config().jobs()).extracting(JobConfig::name)
                .containsExactly("configure", "on-branch");
        assertThat(fixture.engine.pipelines().get(new PipelineRef("main", "ci", Map.of("branch", "ignored"))))
                .isEmpty();
        EngineFixture.Run onBranch = fixture.trigger(instance.job("on-branch"));
        assertThat(onBranch.log()).isEqualTo("main\n");
    }

    @Test
    void anotherPipelineIsInterpolatedWithInstanceVarsThenVarsThenVarFiles() throws Exception {
        EngineFixture.Run run = fixture.run(CI, "jobs:\n" + job("configure", """
                - set_pipeline: child
                  file: files/child.yml
                  vars: {greeting: hello, env: from-vars}
                  var_files: [files/vars.yml]
                  instance_vars: {env: staging}
                """), "configure");

        assertThat(run.status()).as("%s", run).isEqualTo(BuildStatus.SUCCEEDED);
        PipelineRef child = new PipelineRef("main", "child", Map.of("env", "staging"));
        assertThat(run.log()).contains("setting pipeline: " + child + "\n");
        Pipeline saved = fixture.engine.pipelines().get(child).orElseThrow();
        assertThat(saved.paused()).as("set_pipeline creates pipelines unpaused").isFalse();
        TaskStep say = (TaskStep) saved.config().jobs().getFirst().plan().getFirst();
        assertThat(say.config().run().args()).containsExactly("hello", "world", "staging", "((later))");
    }

    @Test
    void onlyTheMainTeamSetsPipelinesOfOtherTeamsAndTheTeamMustExist() throws Exception {
        fixture.engine.teams().create("other");
        String toTeam = "jobs:\n" + job("configure", """
                - set_pipeline: child
                  file: files/simple.yml
                  team: %s
                """);

        EngineFixture.Run fromMain = fixture.run(CI, toTeam.formatted("other"), "configure");
        assertThat(fromMain.status()).as("%s", fromMain).isEqualTo(BuildStatus.SUCCEEDED);
        assertThat(fixture.engine.pipelines().get(PipelineRef.of("other", "child"))).isPresent();

        EngineFixture.Run fromOther = fixture.run(PipelineRef.of("other", "ci"), toTeam.formatted("main"), "configure");
        assertThat(fromOther.status()).isEqualTo(BuildStatus.ERRORED);
        assertThat(fromOther.errors()).singleElement().asString()
                .contains("only main team can set another team's pipeline");
        assertThat(fixture.engine.pipelines().get(PipelineRef.main("child"))).isEmpty();

        EngineFixture.Run ownTeam = fixture.run(PipelineRef.of("other", "ci"), toTeam.formatted("other"), "configure");
        assertThat(ownTeam.status()).as("%s", ownTeam).isEqualTo(BuildStatus.SUCCEEDED);

        EngineFixture.Run missing = fixture.run(CI, toTeam.formatted("nope"), "configure");
        assertThat(missing.status()).isEqualTo(BuildStatus.ERRORED);
        assertThat(missing.errors()).singleElement().asString().contains("team 'nope' not found");
    }

    @Test
    void anInvalidPipelineFailsTheStepListingTheProblems() throws Exception {
        Files.writeString(files.resolve("invalid.yml"), """
                jobs:
                - name: broken
                  plan:
                  - get: nothing
                """);

        EngineFixture.Run run = fixture.run(CI, "jobs:\n" + job("configure", """
                - set_pipeline: child
                  file: files/invalid.yml
                """), "configure");

        assertThat(run.status()).isEqualTo(BuildStatus.FAILED);
        assertThat(run.log()).contains("invalid pipeline:\n- ").contains("nothing");
        assertThat(run.ofType(BuildEvent.Finish.class)).singleElement()
                .satisfies(finish -> assertThat(finish.succeeded()).isFalse());
        assertThat(fixture.engine.pipelines().get(PipelineRef.main("child"))).isEmpty();
    }

    @Test
    void pipelinesAJobNoLongerSetsAreArchivedWhenItSucceeds() throws Exception {
        PipelineRef parent = PipelineRef.main("parent");
        PipelineRef childA = PipelineRef.main("child-a");
        PipelineRef childB = PipelineRef.main("child-b");
        String both = "jobs:\n" + job("sp", """
                - set_pipeline: child-a
                  file: files/simple.yml
                - set_pipeline: child-b
                  file: files/simple.yml
                """);
        assertThat(fixture.run(parent, both, "sp").status()).isEqualTo(BuildStatus.SUCCEEDED);
        assertThat(List.of(childA, childB)).allSatisfy(ref ->
                assertThat(fixture.engine.pipelines().get(ref).orElseThrow().archived()).isFalse());

        // A build that sets only child-a but fails archives nothing.
        String onlyA = "jobs:\n" + job("sp", """
                - set_pipeline: child-a
                  file: files/simple.yml
                - task: fail
                  config: {platform: linux, run: {path: "false"}}
                """);
        assertThat(fixture.run(parent, onlyA, "sp").status()).isEqualTo(BuildStatus.FAILED);
        assertThat(fixture.engine.pipelines().get(childB).orElseThrow().archived()).isFalse();

        // One that succeeds without setting child-b archives it.
        String onlyAOk = "jobs:\n" + job("sp", """
                - set_pipeline: child-a
                  file: files/simple.yml
                """);
        assertThat(fixture.run(parent, onlyAOk, "sp").status()).isEqualTo(BuildStatus.SUCCEEDED);
        assertThat(fixture.engine.pipelines().get(childB).orElseThrow().archived()).isTrue();
        assertThat(fixture.engine.pipelines().get(childA).orElseThrow().archived()).isFalse();

        // Archiving the parent archives what its jobs set.
        fixture.engine.pipelines().archive(parent);
        assertThat(fixture.engine.pipelines().get(childA).orElseThrow().archived()).isTrue();
    }

    @Test
    void removingTheJobThatSetAPipelineArchivesItButSettingItByHandTakesItOver() throws Exception {
        PipelineRef parent = PipelineRef.main("parent");
        String setter = "jobs:\n" + job("sp", """
                - set_pipeline: child-a
                  file: files/simple.yml
                - set_pipeline: child-b
                  file: files/simple.yml
                """);
        assertThat(fixture.run(parent, setter, "sp").status()).isEqualTo(BuildStatus.SUCCEEDED);
        // Set by hand: no job owns child-b any more.
        fixture.engine.pipelines().set(PipelineRef.main("child-b"), Files.readString(files.resolve("simple.yml")),
                StaticVariables.empty());

        fixture.engine.pipelines().set(parent, """
                jobs:
                - name: other
                  plan:
                  - task: t
                    config: {platform: linux, run: {path: "true"}}
                """, StaticVariables.empty());

        assertThat(fixture.engine.pipelines().get(PipelineRef.main("child-a")).orElseThrow().archived()).isTrue();
        assertThat(fixture.engine.pipelines().get(PipelineRef.main("child-b")).orElseThrow().archived()).isFalse();
    }

    @Test
    void anArchivedPipelineSetAgainByAJobIsUnarchivedAndUnpaused() throws Exception {
        PipelineRef child = PipelineRef.main("child-a");
        String setter = "jobs:\n" + job("sp", """
                - set_pipeline: child-a
                  file: files/simple.yml
                """);
        assertThat(fixture.run(CI, setter, "sp").status()).isEqualTo(BuildStatus.SUCCEEDED);
        fixture.engine.pipelines().archive(child);

        EngineFixture.Run again = fixture.trigger(CI.job("sp"));

        assertThat(again.ofType(BuildEvent.SetPipelineChanged.class)).singleElement()
                .satisfies(changed -> assertThat(changed.changed()).isTrue());
        Pipeline restored = fixture.engine.pipelines().get(child).orElseThrow();
        assertThat(restored.archived()).isFalse();
        assertThat(restored.paused()).isFalse();
        assertThat(restored.config().jobs()).extracting(JobConfig::name).containsExactly("simple");
    }
}
