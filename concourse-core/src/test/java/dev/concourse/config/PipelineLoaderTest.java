package dev.concourse.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.concourse.vars.StaticVariables;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PipelineLoaderTest {

    private static final String PIPELINE = """
            resources:
            - name: repo
              type: git
              source: {uri: ((repo-uri)), branch: ((branch))}
            jobs:
            - name: ((job-name))
              max_in_flight: ((parallelism))
              plan:
              - get: repo
                trigger: true
              - task: unit
                config:
                  platform: linux
                  params: ((task-params))
                  run: {path: make, args: [test]}
            """;

    @Test
    void staticVarsAreSubstitutedWithTheirTypes() {
        LoadResult<PipelineConfig> result = PipelineLoader.create()
                .withVariables(StaticVariables.of(Map.of(
                        "repo-uri", "https://example.com/repo.git", "branch", "main", "job-name", "unit",
                        "parallelism", 2, "task-params", Map.of("GOFLAGS", "-mod=vendor", "RETRIES", 3))))
                .load("pipeline.yml", PIPELINE);

        assertThat(result.errors()).isEmpty();
        PipelineConfig config = result.orThrow();
        assertThat(config.resources().get(0).source()).containsEntry("uri", "https://example.com/repo.git");
        JobConfig job = config.jobs().get(0);
        assertThat(job.name()).isEqualTo("unit");
        assertThat(job.maxInFlight()).isEqualTo(2);
        TaskStep task = (TaskStep) job.plan().get(1);
        assertThat(task.config().params()).containsEntry("GOFLAGS", "-mod=vendor").containsEntry("RETRIES", "3");
    }

    @Test
    void varsNotGivenAreLeftForRunTimeButTypedFieldsNeedThem() {
        LoadResult<PipelineConfig> result = PipelineLoader.create()
                .withVariables(StaticVariables.of(Map.of("job-name", "unit", "task-params", Map.of())))
                .load("pipeline.yml", PIPELINE);

        assertThat(result.errors()).extracting(ConfigFinding::toString).containsExactly(
                "pipeline.yml:7:18: error: jobs.unit.max_in_flight: expected a whole number, not a string"
                        + " ('((parallelism))' is a var that was not given when the pipeline was loaded;"
                        + " vars in this field must be static: pass them with -v or -l)");
        assertThat(result.config()).isPresent();
        assertThat(result.config().get().resources().get(0).source()).containsEntry("uri", "((repo-uri))");
    }

    @Test
    void expectAllVarsReportsEachMissingVarWhereItIsUsed() {
        LoadResult<PipelineConfig> result = PipelineLoader.create()
                .withVariables(StaticVariables.of(Map.of("job-name", "unit", "parallelism", 1, "task-params", Map.of())))
                .expectAllVars(true)
                .load("pipeline.yml", PIPELINE);

        assertThat(result.errors()).extracting(f -> f.location().line() + ":" + f.message()).containsExactly(
                "4:undefined var 'repo-uri': give it with -v/-y/-l or use a credential manager",
                "4:undefined var 'branch': give it with -v/-y/-l or use a credential manager");
    }

    @Test
    void unusedVarsAreWarnings() {
        LoadResult<PipelineConfig> result = PipelineLoader.create()
                .withVariables(StaticVariables.of(Map.of("job-name", "unit", "parallelism", 1, "task-params", Map.of(),
                        "repo-uri", "u", "branch", "b", "brnach", "typo")))
                .load("pipeline.yml", PIPELINE);

        assertThat(result.isValid()).isTrue();
        assertThat(result.isValid(true)).isFalse();
        assertThat(result.warnings()).extracting(ConfigFinding::message)
                .containsExactly("var 'brnach' was given but the config never uses it; check its spelling");
    }

    @Test
    void instanceVarsActAsVarsAndWinOverOtherVars() {
        LoadResult<PipelineConfig> result = PipelineLoader.create()
                .withVariables(StaticVariables.of(Map.of("job-name", "from-vars", "parallelism", 1,
                        "task-params", Map.of(), "repo-uri", "u", "branch", "b")))
                .withInstanceVars(Map.of("job-name", "from-instance"))
                .load("pipeline.yml", PIPELINE);

        assertThat(result.orThrow().jobs().get(0).name()).isEqualTo("from-instance");
    }

    @Test
    void embeddingAMapInAStringIsAnErrorAtTheVarsLine() {
        LoadResult<PipelineConfig> result = PipelineLoader.create()
                .withVariables(StaticVariables.of(Map.of("creds", Map.of("user", "u"))))
                .load("p.yml", """
                        jobs:
                        - name: j
                          plan:
                          - task: t
                            config:
                              platform: linux
                              run: {path: echo, args: ["user is ((creds))"]}
                        """);

        assertThat(result.errors()).singleElement().satisfies(f -> {
            assertThat(f.type()).isEqualTo("invalid_interpolation");
            assertThat(f.location()).isEqualTo(new SourceLocation("p.yml", 7, 32));
            assertThat(f.message()).contains("creds");
        });
    }

    @Test
    void validationIsSkippedWhenBindingFailed() {
        LoadResult<PipelineConfig> result = PipelineLoader.create().load("p.yml", """
                resources:
                - name: repo
                  type: git
                jobs:
                - name: j
                  plan:
                  - get: repo
                    trigger: sometimes
                """);

        assertThat(result.errors()).extracting(ConfigFinding::toString).containsExactly(
                "p.yml:8:14: error: jobs.j.plan[0].get(repo).trigger: expected true or false, not a string");
    }

    @Test
    void yaml11BooleansAreAcceptedInBooleanFields() {
        LoadResult<PipelineConfig> result = PipelineLoader.create().load("p.yml", """
                resources:
                - name: repo
                  type: git
                jobs:
                - name: j
                  serial: yes
                  plan:
                  - get: repo
                    trigger: on
                """);

        assertThat(result.findings()).isEmpty();
        assertThat(result.orThrow().jobs().get(0).serial()).isTrue();
    }

    @Test
    void missingFileAndNonUtf8FileAreFindingsNotExceptions(@TempDir Path dir) throws IOException {
        Path missing = dir.resolve("nope.yml");
        assertThat(PipelineLoader.create().load(missing).errors()).singleElement()
                .satisfies(f -> assertThat(f.toString()).isEqualTo(missing + ": error: file not found; check the path"));

        Path latin1 = dir.resolve("latin1.yml");
        Files.write(latin1, new byte[] {'j', 'o', 'b', 's', ':', ' ', (byte) 0xE9, '\n'});
        assertThat(PipelineLoader.create().load(latin1).errors()).singleElement()
                .satisfies(f -> assertThat(f.message()).isEqualTo("the file is not UTF-8 text; save it as UTF-8"));
    }

    @Test
    void jsonFilesAreReadAsJsonWithPositions(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("p.json");
        Files.writeString(file, """
                {"jobs": [{"name": "j", "plan": [
                  {"task": "t", "config": {"platform": "linux", "run": {"path": "true"}}, "privilegd": true}
                ]}]}
                """);

        LoadResult<PipelineConfig> result = PipelineLoader.create().load(file);

        assertThat(result.errors()).singleElement().satisfies(f -> {
            assertThat(f.location().line()).isEqualTo(2);
            assertThat(f.message()).isEqualTo("unknown field 'privilegd' (did you mean 'privileged'?)");
        });
    }

    @Test
    void orThrowListsEveryFinding() {
        LoadResult<PipelineConfig> result = PipelineLoader.create().load("p.yml", "jobs: []\n");

        assertThatThrownBy(result::orThrow)
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("p.yml is not a valid config:")
                .satisfies(e -> assertThat(((ConfigException) e).errors()).isNotEmpty());
    }

    @Test
    void modelsBuiltInCodeCanBeValidated() {
        JobConfig job = new JobConfig("deploy", null, false, false, false, false, false, List.of(), 0, List.of(), 0,
                null, List.of(new GetStep("repo", null, null, Map.of(), List.of(), true, List.of(), null)),
                null, null, null, null, null);
        PipelineConfig pipeline = new PipelineConfig(null, null, null, null, null, List.of(job), null, null);

        LoadResult<PipelineConfig> result = PipelineLoader.create().validate("in-code", pipeline);

        assertThat(result.errors()).extracting(ConfigFinding::message).anyMatch(m -> m.contains("unknown resource"));
    }

    @Test
    void taskFilesLoadWithVars() {
        LoadResult<TaskConfig> result = TaskConfigLoader.create()
                .withVariables(StaticVariables.of(Map.of("image", "busybox")))
                .load("task.yml", """
                        platform: linux
                        image_resource: {type: registry-image, source: {repository: ((image))}}
                        inputs: [{name: src}]
                        run: {path: src/test.sh}
                        """);

        assertThat(result.findings()).isEmpty();
        assertThat(result.orThrow().imageResource().source()).containsEntry("repository", "busybox");
    }
}
