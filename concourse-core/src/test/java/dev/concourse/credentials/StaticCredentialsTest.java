package dev.concourse.credentials;

import static org.assertj.core.api.Assertions.assertThat;

import dev.concourse.spi.credentials.LookupTemplate;
import dev.concourse.spi.credentials.Secret;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StaticCredentialsTest {

    @Test
    void findsValuesByExactPath() {
        StaticCredentials creds = StaticCredentials.of(Map.of(
                "/main/ci/token", "t1",
                "/main/registry", Map.of("user", "ci")));
        assertThat(creds.lookup("/main/ci/token")).contains(Secret.of("t1"));
        assertThat(creds.lookup("/main/registry")).contains(Secret.of(Map.of("user", "ci")));
        assertThat(creds.lookup("/main/token")).isEmpty();
        assertThat(creds.lookup("main/ci/token")).isEmpty();
    }

    @Test
    void keepsNullValuesAsSecretsThatExist() {
        Map<String, Object> values = new HashMap<>();
        values.put("/main/empty", null);
        assertThat(StaticCredentials.of(values).lookup("/main/empty")).contains(Secret.of(null));
    }

    @Test
    void hasAnIdAndTemplatesThatCanBeChanged() {
        StaticCredentials creds = StaticCredentials.of(Map.of());
        assertThat(creds.id()).isEqualTo("static");
        assertThat(creds.lookupTemplates()).isEqualTo(LookupTemplate.defaults());
        StaticCredentials changed = creds.withId("other").withLookupTemplates("{{.Secret}}");
        assertThat(changed.id()).isEqualTo("other");
        assertThat(changed.lookupTemplates()).extracting(LookupTemplate::template).containsExactly("{{.Secret}}");
        assertThat(creds.id()).isEqualTo("static");
    }

    @Test
    void toStringShowsPathsNotValues() {
        assertThat(StaticCredentials.of(Map.of("/main/token", "hunter2")).toString())
                .contains("/main/token").doesNotContain("hunter2");
    }
}
