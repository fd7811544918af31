package dev.concourse.credentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.concourse.spi.credentials.Secret;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvironmentCredentialsTest {

    @Test
    void mapsPathsToUpperCaseNamesWithUnderscores() {
        assertThat(EnvironmentCredentials.variableName("CONCOURSE_", "/main/ci/github-token"))
                .isEqualTo("CONCOURSE_MAIN_CI_GITHUB_TOKEN");
        assertThat(EnvironmentCredentials.variableName("concourse.", "//main/my.secret@v2"))
                .isEqualTo("CONCOURSE_MAIN_MY_SECRET_V2");
        assertThat(EnvironmentCredentials.variableName("", "/main/é")).isEqualTo("MAIN__");
    }

    @Test
    void looksUpTheMappedVariable() {
        EnvironmentCredentials creds = new EnvironmentCredentials("CONCOURSE_", Map.of(
                "CONCOURSE_MAIN_CI_GITHUB_TOKEN", "ghp_1",
                "CONCOURSE_MAIN_REGISTRY_PASSWORD", "pw",
                "HOME", "/root"));
        assertThat(creds.lookup("/main/ci/github-token")).contains(Secret.of("ghp_1"));
        assertThat(creds.lookup("/main/registry_password")).contains(Secret.of("pw"));
        assertThat(creds.lookup("/main/ci/other")).isEmpty();
        assertThat(creds.id()).isEqualTo("env");
    }

    @Test
    void variablesWithoutThePrefixAreNeverFound() {
        EnvironmentCredentials creds = new EnvironmentCredentials("CONCOURSE_", Map.of("MAIN_TOKEN", "x"));
        assertThat(creds.lookup("/main/token")).isEmpty();
        assertThat(creds.toString()).contains("0 variables");
    }

    @Test
    void normalizesTheGivenNamesTooSoPropertyStyleNamesWork() {
        EnvironmentCredentials creds = new EnvironmentCredentials("concourse.", Map.of(
                "concourse.main.github-token", "ghp_2"));
        assertThat(creds.lookup("/main/github-token")).contains(Secret.of("ghp_2"));
    }

    @Test
    void rejectsTwoVariablesThatStandForTheSameNameWithoutShowingValues() {
        assertThatThrownBy(() -> new EnvironmentCredentials("C_", Map.of("C_A_B", "value-1", "c.a-b", "value-2")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("C_A_B").hasMessageContaining("c.a-b")
                .hasMessageNotContaining("value-1").hasMessageNotContaining("value-2");
    }

    @Test
    void readsSystemPropertiesAsTheyAreWhenMade() {
        System.setProperty("concourse-test-creds.main.token", "from-property");
        try {
            EnvironmentCredentials creds = EnvironmentCredentials.fromSystemProperties("concourse-test-creds.");
            System.setProperty("concourse-test-creds.main.token", "changed");
            assertThat(creds.lookup("/main/token")).contains(Secret.of("from-property"));
            assertThat(creds.id()).isEqualTo("system-properties");
        } finally {
            System.clearProperty("concourse-test-creds.main.token");
        }
    }

    @Test
    void readsTheProcessEnvironment() {
        String name = System.getenv().keySet().stream().filter(n -> n.matches("[A-Z][A-Z0-9_]*_[A-Z0-9_]+"))
                .findFirst().orElse(null);
        org.junit.jupiter.api.Assumptions.assumeTrue(name != null, "no suitable environment variable");
        int split = name.indexOf('_') + 1;
        EnvironmentCredentials creds = EnvironmentCredentials.fromSystemEnvironment(name.substring(0, split));
        assertThat(creds.lookup("/" + name.substring(split))).contains(Secret.of(System.getenv(name)));
    }
}
