package dev.concourse.internal.credentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.concourse.config.VarSourceConfig;
import dev.concourse.credentials.StaticCredentials;
import dev.concourse.internal.redact.SecretTracker;
import dev.concourse.spi.credentials.CredentialLookupException;
import dev.concourse.spi.credentials.CredentialManager;
import dev.concourse.vars.InterpolationOptions;
import dev.concourse.vars.MissingSourceException;
import dev.concourse.vars.VarInterpolator;
import dev.concourse.vars.VarRef;
import dev.concourse.vars.Variables;
import dev.concourse.vars.VarsException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CredentialVariablesTest {

    private final SecretTracker tracker = new SecretTracker();

    private CredentialVariables vars(String pipeline, List<? extends CredentialManager> managers,
            VarSourceConfig... sources) {
        return CredentialVariables.create("main", pipeline, managers, List.of(sources), tracker);
    }

    @Test
    void looksUpThePipelinePathBeforeTheTeamPath() {
        RecordingManager manager = new RecordingManager(StaticCredentials.of(Map.of(
                "/main/ci/token", "pipeline-scoped",
                "/main/token", "team-scoped",
                "/main/only-team", "team-only")));
        CredentialVariables vars = vars("ci", List.of(manager));
        assertThat(vars.get(VarRef.of("token"))).contains("pipeline-scoped");
        assertThat(vars.get(VarRef.of("only-team"))).contains("team-only");
        assertThat(vars.get(VarRef.of("missing"))).isEmpty();
        assertThat(manager.asked()).containsExactly("/main/ci/token", "/main/ci/only-team", "/main/only-team",
                "/main/ci/missing", "/main/missing");
    }

    @Test
    void aBuildWithoutAPipelineUsesOnlyTheTeamScope() {
        RecordingManager manager = new RecordingManager(StaticCredentials.of(Map.of(
                "/main/ci/token", "pipeline-scoped", "/main/token", "team-scoped")));
        assertThat(vars(null, List.of(manager)).get(VarRef.of("token"))).contains("team-scoped");
        assertThat(manager.asked()).containsExactly("/main/token");
    }

    @Test
    void asksManagersInOrderAndTheFirstThatHasTheVarWins() {
        RecordingManager first = new RecordingManager(StaticCredentials.of(Map.of("/main/a", "from-first"))
                .withId("first"));
        RecordingManager second = new RecordingManager(StaticCredentials.of(Map.of(
                "/main/ci/a", "from-second", "/main/b", "only-second")).withId("second"));
        CredentialVariables vars = vars("ci", List.of(first, second));
        assertThat(vars.get(VarRef.of("a"))).contains("from-first");
        assertThat(second.asked()).isEmpty();
        assertThat(vars.get(VarRef.of("b"))).contains("only-second");
        assertThat(second.asked()).containsExactly("/main/ci/b", "/main/b");
    }

    @Test
    void aManagerWithoutTemplatesIsAskedForTheVarNameItself() {
        CredentialManager plain = StaticCredentials.of(Map.of("token", "plain")).withLookupTemplates();
        assertThat(vars("ci", List.of(plain)).get(VarRef.of("token"))).contains("plain");
    }

    @Test
    void fieldsAreReadByTheInterpolatorFromTheWholeValue() {
        CredentialManager creds = StaticCredentials.of(Map.of("/main/registry", Map.of("user", "ci", "password", "pw")));
        Object result = VarInterpolator.evaluate(Map.of("username", "((registry.user))", "auth", "((registry.user)):((registry.password))"),
                vars("ci", List.of(creds)), InterpolationOptions.defaults().withExpectAllKeys(true));
        assertThat(result).isEqualTo(Map.of("username", "ci", "auth", "ci:pw"));
    }

    @Test
    void tracksEveryValueFoundSoItIsRedacted() {
        CredentialManager creds = StaticCredentials.of(Map.of("/main/registry", Map.of("user", "ci-user", "password", "pw-123")));
        vars("ci", List.of(creds)).get(VarRef.parse("registry.user"));
        assertThat(tracker.redact("login ci-user with pw-123")).isEqualTo("login ((redacted)) with ((redacted))");
    }

    @Test
    void aNullSecretIsDefinedAsNull() {
        Map<String, Object> values = new HashMap<>();
        values.put("/main/empty", null);
        assertThat(vars("ci", List.of(StaticCredentials.of(values))).get(VarRef.of("empty"))).contains(Variables.NULL);
    }

    @Test
    void localVarsAreNotItsBusiness() {
        CredentialManager creds = StaticCredentials.of(Map.of("/main/x", "v"));
        assertThat(vars("ci", List.of(creds)).get(VarRef.parse(".:x"))).isEmpty();
    }

    @Test
    void aVarSourceOfTypeDummyServesItsConfigVars() {
        VarSourceConfig source = new VarSourceConfig("src", "dummy", Map.of("vars", Map.of(
                "user", "dummy-user", "creds", Map.of("password", "dummy-pw"))));
        CredentialManager global = StaticCredentials.of(Map.of("/main/user", "global-user"));
        CredentialVariables vars = vars("ci", List.of(global), source);
        assertThat(vars.get(VarRef.parse("src:user"))).contains("dummy-user");
        assertThat(vars.get(VarRef.of("user"))).contains("global-user");
        assertThat(vars.get(VarRef.parse("src:missing"))).isEmpty();
        Object result = VarInterpolator.evaluate("((src:creds.password))", vars, InterpolationOptions.defaults());
        assertThat(result).isEqualTo("dummy-pw");
        assertThat(tracker.redact("dummy-user dummy-pw")).isEqualTo("((redacted)) ((redacted))");
    }

    @Test
    void aDummyVarSourcePrefersPipelineAndTeamScopedKeysAsConcourseDoes() {
        VarSourceConfig source = new VarSourceConfig("src", "dummy", Map.of("vars", Map.of(
                "main/ci/token", "pipeline", "main/token", "team", "token", "root", "other", "root-only")));
        CredentialVariables vars = vars("ci", List.of(), source);
        assertThat(vars.get(VarRef.parse("src:token"))).contains("pipeline");
        assertThat(vars.get(VarRef.parse("src:other"))).contains("root-only");
    }

    @Test
    void aVarSourceConfigCanUseCredentialsAndOtherVarSources() {
        VarSourceConfig first = new VarSourceConfig("first", "dummy", Map.of("vars", Map.of("k", "((global-key))")));
        VarSourceConfig second = new VarSourceConfig("second", "dummy", Map.of("vars", Map.of("k", "copied-((first:k))")));
        CredentialManager global = StaticCredentials.of(Map.of("/main/global-key", "gk"));
        CredentialVariables vars = vars("ci", List.of(global), second, first);
        assertThat(vars.get(VarRef.parse("second:k"))).contains("copied-gk");
    }

    @Test
    void varSourcesThatNeedEachOtherFailClearly() {
        VarSourceConfig a = new VarSourceConfig("a", "dummy", Map.of("vars", Map.of("k", "((b:k))")));
        VarSourceConfig b = new VarSourceConfig("b", "dummy", Map.of("vars", Map.of("k", "((a:k))")));
        assertThatThrownBy(() -> vars("ci", List.of(), a, b).get(VarRef.parse("a:k")))
                .isInstanceOf(VarsException.class)
                .hasMessageContaining("uses itself in its config");
    }

    @Test
    void aDummyVarSourceWithAMissingVarInItsConfigFails() {
        VarSourceConfig a = new VarSourceConfig("a", "dummy", Map.of("vars", Map.of("k", "((nowhere))")));
        assertThatThrownBy(() -> vars("ci", List.of(), a).get(VarRef.parse("a:k")))
                .isInstanceOf(VarsException.class)
                .hasMessage("var source 'a': cannot resolve the vars in its config: undefined vars: nowhere");
    }

    @Test
    void aDummyVarSourceWithoutVarsFails() {
        VarSourceConfig a = new VarSourceConfig("a", "dummy", Map.of("other", 1));
        assertThatThrownBy(() -> vars("ci", List.of(), a).get(VarRef.parse("a:k")))
                .hasMessage("var source 'a' of type 'dummy' needs config.vars, a map of var names to values");
    }

    @Test
    void anUnknownSourceNameIsAnErrorNamingTheSource() {
        VarSourceConfig source = new VarSourceConfig("src", "dummy", Map.of("vars", Map.of("k", "v")));
        assertThatThrownBy(() -> vars("ci", List.of(), source).get(VarRef.parse("vault:token")))
                .isInstanceOfSatisfying(MissingSourceException.class, e -> assertThat(e.source()).isEqualTo("vault"))
                .hasMessage("missing source 'vault' in var: vault:token");
    }

    @Test
    void aVarSourceTypeThatDoesNotRunHereFailsWhenUsed() {
        VarSourceConfig vault = new VarSourceConfig("my-vault", "vault", Map.of("url", "https://vault"));
        CredentialVariables vars = vars("ci", List.of(), vault);
        assertThat(vars.get(VarRef.of("other"))).isEmpty();
        assertThatThrownBy(() -> vars.get(VarRef.parse("my-vault:token")))
                .isInstanceOf(VarsException.class)
                .hasMessageContaining("var source type vault is not available in this engine; register a "
                        + "CredentialManager")
                .hasMessageContaining("'my-vault'");
    }

    @Test
    void aFailingManagerStopsTheSearchWithTheVarTeamPipelineAndManagerInTheMessage() {
        RecordingManager failing = new RecordingManager(StaticCredentials.of(Map.of()).withId("vault"))
                .failNext(1, () -> new CredentialLookupException("permission denied"));
        RecordingManager second = new RecordingManager(StaticCredentials.of(Map.of("/main/token", "x")).withId("second"));
        assertThatThrownBy(() -> vars("ci", List.of(failing, second)).get(VarRef.of("token")))
                .isInstanceOf(CredentialLookupException.class)
                .hasMessage("cannot resolve var 'token' for team 'main', pipeline 'ci': credential manager 'vault' "
                        + "failed to look up '/main/ci/token': permission denied");
        assertThat(second.asked()).isEmpty();
    }

    @Test
    void listsNothingAsCredentialManagersCannotEnumerate() {
        assertThat(vars("ci", List.of(StaticCredentials.of(Map.of("/main/x", "v")))).list()).isEmpty();
    }
}
