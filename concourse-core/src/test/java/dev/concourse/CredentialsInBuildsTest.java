package dev.concourse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.concourse.config.TaskConfig;
import dev.concourse.config.TaskConfigLoader;
import dev.concourse.credentials.CredentialSettings;
import dev.concourse.credentials.StaticCredentials;
import dev.concourse.event.BuildEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Credential managers and var sources through the public API: vars resolved when a task starts,
 * Concourse's lookup order, and every fetched value redacted from the build's events.
 */
class CredentialsInBuildsTest {
    private static final PipelineRef CI = PipelineRef.main("ci");
    private static final String REDACTED = "((redacted))";

    @TempDir
    Path work;

    private EngineFixture fixture;

    @AfterEach
    void close() {
        if (fixture != null) {
            fixture.close();
        }
    }

    private EngineFixture engine(Map<String, ?> secrets) {
        fixture = EngineFixture.start(work, StaticCredentials.of(secrets));
        return fixture;
    }

    private static String task(String script, String params) {
        return """
                jobs:
                - name: j
                  plan:
                  - task: t
                    params: %s
                    config:
                      platform: linux
                      run: {path: sh, args: [-c, '%s']}
                """.formatted(params, script);
    }

    @Test
    void aCredentialReachesTheTaskAndIsRedactedFromItsOutputAndConfig() throws Exception {
        EngineFixture.Run run = engine(Map.of("/main/ci/github-token", "ghp_s3cr3tValue")).run(CI, """
                jobs:
                - name: j
                  plan:
                  - task: t
                    params: {TOKEN: ((github-token))}
                    config:
                      platform: linux
                      run: {path: sh, args: [-c, 'echo "token=$TOKEN"; echo "arg=$0"', ((github-token))]}
                """, "j");

        assertThat(run.status()).as("%s", run).isEqualTo(BuildStatus.SUCCEEDED);
        assertThat(run.log()).isEqualTo("token=" + REDACTED + "\narg=" + REDACTED + "\n");
        assertThat(run.ofType(BuildEvent.StartTask.class).getFirst().config().args()).contains(REDACTED)
                .noneMatch(arg -> arg.contains("ghp_s3cr3tValue"));
        // Never stored interpolated: the pipeline keeps the reference.
        assertThat(fixture.engine.pipelines().get(CI).orElseThrow().config().jobs().getFirst().plan().toString())
                .contains("((github-token))").doesNotContain("ghp_s3cr3tValue");
    }

    @Test
    void multiLineSecretsAndSecretsSplitAcrossWritesAreRedacted() throws Exception {
        EngineFixture.Run run = engine(Map.of(
                "/main/ci/key", "-----BEGIN KEY-----\nc2VjcmV0LWtleS1ib2R5\n-----END KEY-----",
                "/main/ci/split", "s3cr3t-split-value")).run(CI, task(
                        "printf \"%s\\n\" \"$KEY\"; printf s3cr3t-; sleep 0.2; printf split-value; echo ; echo done",
                        "{KEY: ((key)), UNUSED: ((split))}"), "j");

        assertThat(run.status()).as("%s", run).isEqualTo(BuildStatus.SUCCEEDED);
        assertThat(run.log()).isEqualTo(REDACTED + "\n" + REDACTED + "\n" + REDACTED + "\n" + REDACTED + "\ndone\n");
        assertThat(run.log()).doesNotContain("s3cr3t").doesNotContain("c2VjcmV0");
    }

    @Test
    void thePipelinesSecretWinsOverTheTeamsAndOtherPipelinesSeeTheTeams() throws Exception {
        engine(Map.of("/main/ci/token", "pipeline-token", "/main/token", "team-token"));
        String yaml = task("[ \"$T\" = pipeline-token ] && echo pipeline-scope; [ \"$T\" = team-token ] && echo team-scope;"
                + " true", "{T: ((token))}");

        assertThat(fixture.run(CI, yaml, "j").log()).isEqualTo("pipeline-scope\n");
        assertThat(fixture.run(PipelineRef.main("other"), yaml, "j").log()).isEqualTo("team-scope\n");
    }

    @Test
    void managersAreAskedInTheOrderTheyWereRegistered() throws Exception {
        fixture = EngineFixture.start(work,
                StaticCredentials.of(Map.of("/main/token", "first-value")).withId("first"),
                StaticCredentials.of(Map.of("/main/ci/token", "second-value")).withId("second"));

        EngineFixture.Run run = fixture.run(CI, task("[ \"$T\" = first-value ] && echo first; true", "{T: ((token))}"),
                "j");

        assertThat(run.log()).as("the first manager's team secret beats the second's pipeline secret")
                .isEqualTo("first\n");
    }

    @Test
    void aDummyVarSourceIsReadAndRedacted() throws Exception {
        EngineFixture.Run run = engine(Map.of()).run(CI, """
                var_sources:
                - name: fake
                  type: dummy
                  config:
                    vars: {user: admin-user, creds: {password: pa55word}}
                jobs:
                - name: j
                  plan:
                  - task: t
                    params: {U: ((fake:user)), P: ((fake:creds.password))}
                    config:
                      platform: linux
                      run: {path: sh, args: [-c, 'echo "$U $P"; [ "$U" = admin-user ] && echo matched']}
                """, "j");

        assertThat(run.status()).as("%s", run).isEqualTo(BuildStatus.SUCCEEDED);
        assertThat(run.log()).isEqualTo(REDACTED + " " + REDACTED + "\nmatched\n");
    }

    @Test
    void anUndefinedVarErrorsTheStepNamingItAndWhereToDefineIt() throws Exception {
        EngineFixture.Run run = engine(Map.of()).run(CI, task("echo never", "{T: ((missing-token)), L: ((.:nope))}"),
                "j");

        assertThat(run.status()).isEqualTo(BuildStatus.ERRORED);
        assertThat(run.errors()).singleElement().asString()
                .contains("task config of task 't'")
                .contains("undefined vars: .:nope, missing-token")
                .contains("credential manager")
                .contains("var_sources")
                .contains(".:nope is a local var")
                .contains("load_var");
        assertThat(run.ofType(BuildEvent.InitializeTask.class)).isEmpty();
        assertThat(run.log()).isEmpty();
    }

    @Test
    void aTaskFileIsInterpolatedWithTheStepsVarsThenTheBuildsVars(@TempDir Path files) throws Exception {
        Files.writeString(files.resolve("task.yml"), """
                platform: linux
                params: {GREETING: ((greeting)), TOKEN: ((token))}
                run: {path: sh, args: [-c, 'echo "$GREETING $TOKEN"']}
                """);
        EngineFixture.Run run = engine(Map.of("/main/ci/api-key", "k3y-value")).run(CI, """
                jobs:
                - name: j
                  plan:
                  - task: fetch
                    params: {SRC: %s}
                    config:
                      platform: linux
                      outputs: [{name: repo}]
                      run: {path: sh, args: [-c, 'cp "$SRC"/* repo/']}
                  - task: t
                    file: repo/task.yml
                    vars: {greeting: hello, token: ((api-key))}
                """.formatted(files), "j");

        assertThat(run.status()).as("%s", run).isEqualTo(BuildStatus.SUCCEEDED);
        assertThat(run.log()).isEqualTo("hello " + REDACTED + "\n");
    }

    @Test
    void redactionCanBeTurnedOff() throws Exception {
        fixture = EngineFixture.start(work, CredentialSettings.defaults().withRedactSecrets(false),
                StaticCredentials.of(Map.of("/main/ci/token", "visible-token")));

        assertThat(fixture.run(CI, task("echo $T", "{T: ((token))}"), "j").log()).isEqualTo("visible-token\n");
    }

    @Test
    void aOneOffBuildSeesTheTeamsSecrets() throws Exception {
        engine(Map.of("/main/token", "team-token"));
        TaskConfig config = TaskConfigLoader.create().load("task.yml", """
                platform: linux
                params: {T: ((token))}
                run: {path: sh, args: [-c, 'echo "$T"; [ "$T" = team-token ] && echo matched']}
                """).orThrow();

        EngineFixture.Run run = fixture.finished(fixture.engine.builds().execute(OneOffBuild.of(config, Map.of())));

        assertThat(run.status()).as("%s", run).isEqualTo(BuildStatus.SUCCEEDED);
        assertThat(run.log()).isEqualTo(REDACTED + "\nmatched\n");
    }

    @Test
    void managersWithTheSameIdAreRejected() {
        assertThatThrownBy(() -> PipelineEngine.builder()
                .credentialManager(StaticCredentials.of(Map.of()))
                .credentialManager(StaticCredentials.of(Map.of()))
                .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("both have the id");
    }
}
