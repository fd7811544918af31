package dev.concourse.internal.config.validate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.concourse.config.VarSourceConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class VarSourcesValidationTest {

    private static Fixtures with(VarSourceConfig... varSources) {
        Fixtures f = Fixtures.base();
        f.varSources.addAll(List.of(varSources));
        return f;
    }

    private static VarSourceConfig dummy(String name, Map<String, Object> vars) {
        return new VarSourceConfig(name, "dummy", Map.of("vars", vars));
    }

    @Test
    void validDummySource() {
        assertThat(with(dummy("some", Map.of("k", "v"))).findings()).isEmpty();
    }

    @Test
    void unknownType() {
        assertThat(with(new VarSourceConfig("some", "some", Map.of())).findings())
                .containsExactly("error unknown_var_source_type var_sources: unknown credential manager type: some");
    }

    @ParameterizedTest
    @ValueSource(strings = {"credhub", "conjur", "kubernetes"})
    void typesConcourseKnowsButNotInPipelines(String type) {
        assertThat(with(new VarSourceConfig("some", type, Map.of())).findings()).containsExactly(
                "error unsupported_var_source_type var_sources: credential manager type " + type
                        + " is not supported in pipeline yet");
    }

    @Test
    void dummyNeedsVars() {
        assertThat(with(new VarSourceConfig("some", "dummy", Map.of())).findings()).containsExactly(
                "error invalid_var_source var_sources: failed to create credential manager some: "
                        + "invalid vars config: <nil>");
        assertThat(with(new VarSourceConfig("some", "dummy", Map.of("vars", List.of("a")))).findings())
                .containsExactly("error invalid_var_source var_sources: failed to create credential manager some: "
                        + "invalid vars config: []interface {}");
    }

    @Test
    void duplicateNames() {
        assertThat(with(dummy("some", Map.of("k2", "v2")), dummy("some", Map.of("k2", "v2"))).findings())
                .containsExactly("error duplicate_name var_sources: "
                        + "var_sources[0] and var_sources[1] have the same name ('some')");
    }

    @Test
    void invalidIdentifierIsAWarning() {
        assertThat(with(dummy("_some-var-source", Map.of("k", "v"))).findings()).containsExactly(
                "warning invalid_identifier var_sources._some-var-source: '_some-var-source' is not a valid "
                        + "identifier: must start with a lowercase letter or a number");
    }

    @Test
    void dependencyOnAnUnknownSourceCannotBeResolved() {
        assertThat(with(
                dummy("s1", Map.of("k", "v")),
                dummy("s2", Map.of("k", "((s1:k))")),
                dummy("s3", Map.of("k", "((none:k))"))).findings())
                .containsExactly("error unresolved_var_source var_sources: failed to order by dependency: "
                        + "could not resolve inter-dependent var sources: s3");
    }

    @Test
    void circularDependenciesCannotBeResolved() {
        assertThat(with(
                dummy("s1", Map.of("k", "((s3:v))")),
                dummy("s2", Map.of("k", "((s1:k))")),
                dummy("s3", Map.of("k", "((s2:k))"))).findings())
                .containsExactly("error unresolved_var_source var_sources: failed to order by dependency: "
                        + "could not resolve inter-dependent var sources: s1, s2, s3");
    }

    @Test
    void dependenciesInAnyOrderResolve() {
        assertThat(with(
                dummy("s2", Map.of("k", "((s1:k))")),
                dummy("s3", Map.of("k", List.of("((s2:k))", "((s1:other))"))),
                dummy("s1", Map.of("k", "v"))).findings())
                .isEmpty();
    }

    @Test
    void vaultChecks() {
        assertThat(with(new VarSourceConfig("v", "vault", Map.of("url", "https://vault:8200", "client_token", "t")))
                .findings()).isEmpty();
        assertThat(with(new VarSourceConfig("v", "vault", Map.of("url", "ftp://vault", "client_token", "t")))
                .findings()).containsExactly("error invalid_var_source var_sources: credential manager v is invalid: "
                        + "invalid scheme \"ftp\": must be http or https");
        assertThat(with(new VarSourceConfig("v", "vault", Map.of("url", "https://vault"))).findings())
                .containsExactly("error invalid_var_source var_sources: credential manager v is invalid: "
                        + "must configure client token or auth backend");
        assertThat(with(new VarSourceConfig("v", "vault", Map.of("url", "https://vault", "token", "t"))).findings())
                .containsExactly("error invalid_var_source var_sources: failed to create credential manager v: "
                        + "'' has invalid keys: token");
    }

    @Test
    void awsChecks() {
        assertThat(with(new VarSourceConfig("a", "ssm", Map.of("region", "eu-west-1"))).findings()).isEmpty();
        assertThat(with(new VarSourceConfig("a", "secretsmanager", Map.of("secret_key", "s"))).findings())
                .containsExactly("error invalid_var_source var_sources: credential manager a is invalid: "
                        + "must provide aws access key id");
        assertThat(with(new VarSourceConfig("a", "ssm", Map.of("access_key", "k"))).findings())
                .containsExactly("error invalid_var_source var_sources: credential manager a is invalid: "
                        + "must provide aws secret access key");
    }

    @Test
    void idtokenChecks() {
        assertThat(with(new VarSourceConfig("t", "idtoken", Map.of("audience", List.of("sts.amazonaws.com"),
                "expires_in", "1h"))).findings()).isEmpty();
        assertThat(with(new VarSourceConfig("t", "idtoken", Map.of("expires_in", "48h"))).findings())
                .containsExactly("error invalid_var_source var_sources: credential manager t is invalid: "
                        + "expires_in must be <= 24h0m0s");
        assertThat(with(new VarSourceConfig("t", "idtoken", Map.of("subject_scope", "world"))).findings())
                .containsExactly("error invalid_var_source var_sources: credential manager t is invalid: "
                        + "invalid subject_scope value: world");
        assertThat(with(new VarSourceConfig("t", "idtoken", Map.of("audiences", List.of()))).findings())
                .containsExactly("error invalid_var_source var_sources: failed to create credential manager t: "
                        + "invalid idtoken provider config: unknown setting: audiences");
    }
}
