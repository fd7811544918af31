package dev.concourse.samples.runner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.concourse.config.LoadResult;
import dev.concourse.config.PipelineConfig;
import dev.concourse.config.PipelineLoader;
import dev.concourse.vars.StaticVariables;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValidateCommandTest {

    private static final String HELLO = """
            jobs:
            - name: hello
              plan:
              - task: say-hello
                config:
                  platform: linux
                  run: {path: sh, args: [-c, "echo hello"]}
            """;

    /** A job name and a resource source built from vars. */
    private static final String WITH_VARS = """
            resources:
            - name: repo
              type: git
              source:
                uri: ((repo.uri))
                branch: main
            jobs:
            - name: test-((team))
              plan:
              - get: repo
                trigger: true
              - task: unit
                config:
                  platform: linux
                  params: {REPLICAS: ((replicas))}
                  run: {path: sh, args: [-c, "echo test"]}
            """;

    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        return file;
    }

    @Test
    void validPipelinePrintsOnlyTheSummaryAndExitsZero() throws IOException {
        Path file = write("pipeline.yml", HELLO);

        CliRun run = CliRun.of("validate", file.toString());

        assertThat(run.exitCode()).isZero();
        assertThat(run.outLines()).containsExactly(file + ": valid");
        assertThat(run.err()).isEmpty();
    }

    @Test
    void invalidPipelinePrintsEachFindingWithPositionAndExitsOne() throws IOException {
        Path file = write("pipeline.yml", """
                jobs:
                - name: build
                  plan:
                  - task: unit
                    confg:
                      platform: linux
                  - get: repo
                    trigger: maybe
                """);

        CliRun run = CliRun.of("validate", file.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.outLines()).containsExactly(
                file + ":5:5: error: jobs.build.plan[0].task(unit): unknown field 'confg' (did you mean 'config'?)",
                file + ":8:14: error: jobs.build.plan[1].get(repo).trigger: expected true or false, not a string",
                file + ": 2 errors");
        assertThat(run.err()).isEmpty();
    }

    @Test
    void findingsAreSortedByPosition() throws IOException {
        Path file = write("pipeline.yml", """
                resources:
                - name: unused
                  type: git
                jobs:
                - name: a
                  plan:
                  - get: missing
                - name: b
                  plan:
                  - put: also-missing
                """);

        CliRun run = CliRun.of("validate", file.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.outLines()).hasSizeGreaterThanOrEqualTo(4);
        assertThat(run.outLines().getLast()).matches(java.util.regex.Pattern.quote(file.toString())
                + ": \\d+ errors?(, \\d+ warnings?)?");
        int previous = 0;
        for (String line : run.outLines().subList(0, run.outLines().size() - 1)) {
            assertThat(line).startsWith(file + ":").contains(": error: ");
            int lineNumber = Integer.parseInt(line.substring(file.toString().length() + 1).split(":")[0]);
            assertThat(lineNumber).isGreaterThanOrEqualTo(previous);
            previous = lineNumber;
        }
    }

    @Test
    void warningsKeepThePipelineValidUnlessStrict() throws IOException {
        Path file = write("pipeline.yml", HELLO + "extra: true\n");
        String warning = file + ":8:1: warning: unknown top-level key 'extra' is ignored (strict validation rejects it)";

        CliRun lenient = CliRun.of("validate", file.toString());
        CliRun strict = CliRun.of("validate", "--strict", file.toString());

        assertThat(lenient.exitCode()).isZero();
        assertThat(lenient.outLines()).containsExactly(warning, file + ": valid (1 warning)");
        assertThat(strict.exitCode()).isEqualTo(1);
        assertThat(strict.outLines()).containsExactly(warning, file + ": invalid with --strict (1 warning)");
    }

    @Test
    void missingPipelineFileIsAnUnreadableFinding() {
        Path file = dir.resolve("nope.yml");

        CliRun run = CliRun.of("validate", file.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.outLines()).containsExactly(
                file + ": error: file not found; check the path",
                file + ": 1 error");
    }

    @Test
    void unknownOptionIsAUsageError() throws IOException {
        Path file = write("pipeline.yml", HELLO);

        CliRun run = CliRun.of("validate", "--bogus", file.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).contains("Unknown option: '--bogus'")
                .contains("concourse-runner validate --help");
    }

    @Test
    void missingPipelineArgumentIsAUsageError() {
        CliRun run = CliRun.of("validate");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).contains("Missing required parameter: 'PIPELINE'");
    }

    @Test
    void noSubcommandIsAUsageError() {
        CliRun run = CliRun.of();

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("Missing required subcommand");
    }

    @Test
    void malformedVarFlagIsAUsageError() throws IOException {
        Path file = write("pipeline.yml", HELLO);

        CliRun run = CliRun.of("validate", "-v", "novalue", file.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).contains("invalid variable pair 'novalue' (must be name=value)");
    }

    @Test
    void unreadableVarsFileIsAUsageError() throws IOException {
        Path file = write("pipeline.yml", HELLO);
        Path missing = dir.resolve("missing-vars.yml");

        CliRun run = CliRun.of("validate", "-l", missing.toString(), file.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).contains("could not read template variables file (" + missing + ")");
    }

    @Test
    void varFlagsAreInterpolatedIntoNamesAndSources() throws IOException {
        Path file = write("pipeline.yml", WITH_VARS);

        CliRun run = CliRun.of("validate", "--strict", "-o", "-v", "team=payments",
                "-v", "repo.uri=https://example.com/app.git", "-y", "replicas=3", file.toString());

        assertThat(run.exitCode()).isZero();
        assertThat(run.errLines()).containsExactly(file + ": valid");
        PipelineConfig printed = reload(run.out());
        assertThat(printed.jobs().getFirst().name()).isEqualTo("test-payments");
        assertThat(printed.resources().getFirst().source())
                .containsEntry("uri", "https://example.com/app.git");
    }

    @Test
    void varsFileIsInterpolatedAndFlagsTakePrecedence() throws IOException {
        Path file = write("pipeline.yml", WITH_VARS);
        Path vars = write("vars.yml", """
                team: payments
                replicas: 3
                repo:
                  uri: https://example.com/from-file.git
                """);

        CliRun fromFile = CliRun.of("validate", "-o", "-l", vars.toString(), file.toString());
        CliRun overridden = CliRun.of("validate", "-o", "-l", vars.toString(), "-v", "team=billing",
                "-i", "team=search", file.toString());

        assertThat(fromFile.exitCode()).isZero();
        PipelineConfig config = reload(fromFile.out());
        assertThat(config.jobs().getFirst().name()).isEqualTo("test-payments");
        assertThat(config.resources().getFirst().source()).containsEntry("uri", "https://example.com/from-file.git");

        assertThat(overridden.exitCode()).isZero();
        assertThat(reload(overridden.out()).jobs().getFirst().name()).isEqualTo("test-search");
    }

    @Test
    void varsNotGivenAreLeftForRunTime() throws IOException {
        Path file = write("pipeline.yml", WITH_VARS);

        CliRun run = CliRun.of("validate", "-o", "-v", "team=payments", file.toString());

        assertThat(run.exitCode()).isZero();
        PipelineConfig config = reload(run.out());
        assertThat(config.resources().getFirst().source()).containsEntry("uri", "((repo.uri))");
    }

    @Test
    void aGivenVarThatIsNeverUsedIsAWarning() throws IOException {
        Path file = write("pipeline.yml", HELLO);
        String warning = file + ": warning: var 'tean' was given but the config never uses it; check its spelling";

        CliRun lenient = CliRun.of("validate", "-v", "tean=payments", file.toString());
        CliRun strict = CliRun.of("validate", "--strict", "-v", "tean=payments", file.toString());

        assertThat(lenient.exitCode()).isZero();
        assertThat(lenient.outLines()).containsExactly(warning, file + ": valid (1 warning)");
        assertThat(strict.exitCode()).isEqualTo(1);
        assertThat(strict.outLines()).containsExactly(warning, file + ": invalid with --strict (1 warning)");
    }

    @Test
    void aVarEmbeddedInAStringMustBeAStringOrANumber() throws IOException {
        Path file = write("pipeline.yml", WITH_VARS);

        CliRun run = CliRun.of("validate", "-y", "team={name: payments}", file.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.outLines()).contains(file + ":8:9: error: cannot interpolate non-primitive value (map) from var:"
                + " team; only strings and integers can be part of a longer string, so make ((team)) the whole value"
                + " or change the var's value");
        assertThat(run.outLines().getLast()).startsWith(file + ": 1 error");
    }

    @Test
    void aYamlVarKeepsItsTypeWhenItIsTheWholeValue() throws IOException {
        Path file = write("pipeline.yml", """
                resources:
                - name: repo
                  type: git
                jobs:
                - name: unit
                  plan:
                  - get: repo
                - name: deploy
                  plan:
                  - get: repo
                    passed: ((upstream))
                """);

        CliRun asList = CliRun.of("validate", "--strict", "-y", "upstream=[unit]", file.toString());
        CliRun asString = CliRun.of("validate", "-v", "upstream=unit", file.toString());

        assertThat(asList.exitCode()).isZero();
        assertThat(asList.outLines()).containsExactly(file + ": valid");
        assertThat(asString.exitCode()).isEqualTo(1);
        assertThat(asString.outLines().getFirst())
                .isEqualTo(file + ":11:13: error: jobs.deploy.plan[0].get(repo).passed:"
                        + " expected a list of strings, not a string");
    }

    @Test
    void outputIsTheInterpolatedPipelineAsYamlThatLoadsBackToTheSameModel() throws IOException {
        Path file = write("pipeline.yml", WITH_VARS);
        Map<String, Object> vars = Map.of("team", "payments", "replicas", 3,
                "repo", Map.of("uri", "https://example.com/app.git"));

        CliRun run = CliRun.of("validate", "-o", "-v", "team=payments", "-y", "replicas=3",
                "-v", "repo.uri=https://example.com/app.git", file.toString());

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).startsWith("resources:\n").contains("\njobs:\n- name: test-payments\n");
        LoadResult<PipelineConfig> direct = PipelineLoader.create()
                .withVariables(StaticVariables.of(vars)).load(file);
        assertThat(reload(run.out())).isEqualTo(direct.orThrow());
    }

    @Test
    void outputIsNotPrintedForAnInvalidPipeline() throws IOException {
        Path file = write("pipeline.yml", "jobs:\n- name: a\n  plan:\n  - get: nowhere\n");

        CliRun run = CliRun.of("validate", "-o", file.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.errLines().getLast()).startsWith(file + ": ").contains("error");
    }

    @Test
    void jsonPipelinesAreReadAsJson() throws IOException {
        Path file = write("pipeline.json", """
                {"jobs": [{"name": "hello", "plan": [{"task": "t", "config":
                  {"platform": "linux", "run": {"path": "true"}}}]}]}
                """);

        CliRun run = CliRun.of("validate", "--strict", file.toString());

        assertThat(run.exitCode()).isZero();
        assertThat(run.outLines()).containsExactly(file + ": valid");
    }

    @Test
    void versionNamesTheRunnerAndItsVersion() {
        CliRun top = CliRun.of("--version");
        CliRun sub = CliRun.of("validate", "--version");

        assertThat(top.exitCode()).isZero();
        assertThat(top.outLines().getFirst()).matches("concourse-runner \\d+\\.\\d+\\.\\d+\\S* \\(Concourse for the JVM\\)");
        assertThat(sub.out()).isEqualTo(top.out());
    }

    @Test
    void helpListsTheSubcommandsAndOptions() {
        CliRun top = CliRun.of("--help");
        CliRun validate = CliRun.of("validate", "--help");

        assertThat(top.exitCode()).isZero();
        assertThat(top.out()).contains("Usage: concourse-runner").contains("validate");
        assertThat(validate.exitCode()).isZero();
        assertThat(validate.out()).contains("--strict", "--output", "--load-vars-from", "--var", "--yaml-var",
                "--instance-var", "PIPELINE");
    }

    private PipelineConfig reload(String yaml) {
        return PipelineLoader.create().load("printed.yml", yaml).orThrow();
    }
}
