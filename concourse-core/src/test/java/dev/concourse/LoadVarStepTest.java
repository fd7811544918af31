package dev.concourse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.concourse.event.BuildEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code load_var} through the public API: formats, scope, redaction, events and errors. */
class LoadVarStepTest {
    private static final PipelineRef CI = PipelineRef.main("ci");

    @TempDir
    Path work;

    @TempDir
    Path files;

    private EngineFixture fixture;

    @BeforeEach
    void start() throws Exception {
        fixture = EngineFixture.start(work);
        Files.writeString(files.resolve("version.json"), "{\"ref\": \"abc123\", \"count\": 42, \"ratio\": 0.50}");
        Files.writeString(files.resolve("settings.yml"), "env: staging\nreplicas: 3\nflags: [a, b]\n");
        Files.writeString(files.resolve("name.txt"), "  my-name  \n");
        Files.writeString(files.resolve("data.conf"), "{\"k\": \"from-json\"}");
        Files.writeString(files.resolve("token.txt"), "hidden-value\n");
        Files.writeString(files.resolve("bad.json"), "{\"k\": 1} trailing");
        Files.writeString(files.resolve("bad.yml"), "a: [1, 2\n");
    }

    @AfterEach
    void close() {
        fixture.close();
    }

    /** A job whose first task copies the test's files into the artifact {@code files}. */
    private String job(String steps) {
        return """
                jobs:
                - name: j
                  plan:
                  - task: fetch
                    params: {SRC: %s}
                    config:
                      platform: linux
                      outputs: [{name: files}]
                      run: {path: sh, args: [-c, 'cp "$SRC"/* files/']}
                %s""".formatted(files, steps.indent(2));
    }

    @Test
    void eachFormatGivesALocalVarForTheStepsAfterIt() throws Exception {
        EngineFixture.Run run = fixture.run(CI, job("""
                - load_var: version
                  file: files/version.json
                  reveal: true
                - load_var: settings
                  file: files/settings.yml
                  reveal: true
                - load_var: trimmed
                  file: files/name.txt
                  reveal: true
                - load_var: raw
                  file: files/name.txt
                  format: raw
                  reveal: true
                - load_var: forced
                  file: files/data.conf
                  format: json
                  reveal: true
                - task: show
                  params:
                    REF: ((.:version.ref))
                    COUNT: ((.:version.count))
                    RATIO: ((.:version.ratio))
                    ENV: ((.:settings.env))
                    REPLICAS: ((.:settings.replicas))
                    TRIMMED: ((.:trimmed))
                    RAW: ((.:raw))
                    FORCED: ((.:forced.k))
                  config:
                    platform: linux
                    run:
                      path: sh
                      args: [-c, 'echo "$REF $COUNT $RATIO $ENV $REPLICAS [$TRIMMED] [$RAW] $FORCED"']
                """), "j");

        assertThat(run.status()).as("%s", run).isEqualTo(BuildStatus.SUCCEEDED);
        assertThat(run.log()).endsWith("abc123 42 0.50 staging 3 [my-name] [  my-name  \n] from-json\n");
    }

    @Test
    void theStepEmitsItsEventsAndSaysWhatItDid() throws Exception {
        EngineFixture.Run run = fixture.run(CI, job("""
                - load_var: version
                  file: files/version.json
                """), "j");

        String id = run.planId(fixture.engine, "load_var", "version");
        assertThat(run.status()).isEqualTo(BuildStatus.SUCCEEDED);
        assertThat(run.typesOf(id)).containsExactly("initialize", "start", "finish");
        assertThat(run.ofType(BuildEvent.Finish.class)).singleElement()
                .satisfies(finish -> assertThat(finish.succeeded()).isTrue());
        assertThat(String.join("", run.ofType(BuildEvent.Log.class).stream()
                .filter(log -> log.origin().id().equals(id)).map(BuildEvent.Log::payload).toList()))
                .isEqualTo("var version fetched.\nadded var version to build.\n");
    }

    @Test
    void valuesAreRedactedUnlessRevealed() throws Exception {
        EngineFixture.Run run = fixture.run(CI, job("""
                - load_var: secret
                  file: files/token.txt
                - load_var: shown
                  file: files/name.txt
                  reveal: true
                - task: show
                  config:
                    platform: linux
                    run: {path: sh, args: [-c, 'echo "((.:secret)) ((.:shown))"']}
                """), "j");

        assertThat(run.status()).as("%s", run).isEqualTo(BuildStatus.SUCCEEDED);
        assertThat(run.log()).endsWith("((redacted)) my-name\n").doesNotContain("hidden-value");
    }

    @Test
    void theFormatIsInferredFromTheExtensionAndIsTrimOtherwise() throws Exception {
        Files.writeString(files.resolve("list.yaml"), "second: two\n");
        Files.writeString(files.resolve("plain.cfg"), "\n  padded  \n\n");
        EngineFixture.Run run = fixture.run(CI, job("""
                - load_var: list
                  file: files/list.yaml
                  reveal: true
                - load_var: plain
                  file: files/plain.cfg
                  reveal: true
                - task: show
                  config:
                    platform: linux
                    run: {path: sh, args: [-c, 'echo "((.:list.second))|((.:plain))|"']}
                """), "j");

        assertThat(run.log()).as("%s", run).endsWith("two|padded|\n");
    }

    @Test
    void aMissingArtifactOrFileOrAnUnparsableFileErrorsTheStep() throws Exception {
        fixture.engine.pipelines().set(CI, """
                jobs:
                - name: no-artifact
                  plan:
                  - load_var: v
                    file: nowhere/version.json
                - name: no-file
                  plan:
                  - task: fetch
                    config: {platform: linux, outputs: [{name: files}], run: {path: "true"}}
                  - load_var: v
                    file: files/missing.json
                - name: bad-json
                  plan:
                  - task: fetch
                    params: {SRC: %1$s}
                    config: {platform: linux, outputs: [{name: files}], run: {path: sh, args: [-c, 'cp "$SRC"/* files/']}}
                  - load_var: v
                    file: files/bad.json
                - name: bad-yaml
                  plan:
                  - task: fetch
                    params: {SRC: %1$s}
                    config: {platform: linux, outputs: [{name: files}], run: {path: sh, args: [-c, 'cp "$SRC"/* files/']}}
                  - load_var: v
                    file: files/bad.yml
                """.formatted(files), dev.concourse.vars.StaticVariables.empty());

        assertErrored("no-artifact", "unknown artifact source: 'nowhere' in file path 'nowhere/version.json'");
        assertErrored("no-file", "file 'missing.json' not found within artifact 'files'");
        assertErrored("bad-json", "failed to parse files/bad.json in format json");
        assertErrored("bad-yaml", "failed to parse files/bad.yml in format yaml");
    }

    private void assertErrored(String job, String message) throws Exception {
        EngineFixture.Run run = fixture.trigger(CI.job(job));
        assertThat(run.status()).as("%s", run).isEqualTo(BuildStatus.ERRORED);
        String id = run.planId(fixture.engine, "load_var", "v");
        assertThat(run.typesOf(id)).containsExactly("initialize", "start", "error");
        assertThat(run.errors()).singleElement().asString().contains(message);
    }
}
