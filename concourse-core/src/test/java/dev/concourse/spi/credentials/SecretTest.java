package dev.concourse.spi.credentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SecretTest {

    @Test
    void copiesMapsAndListsDeeplyAndUnmodifiably() {
        Map<Object, Object> inner = new HashMap<>();
        inner.put(1, "one");
        List<Object> list = new ArrayList<>(List.of("a", inner));
        Map<String, Object> value = new HashMap<>(Map.of("list", list));
        Secret secret = Secret.of(value);
        list.add("later");
        inner.put(2, "two");
        assertThat(secret.value()).isEqualTo(Map.of("list", List.of("a", Map.of("1", "one"))));
        @SuppressWarnings("unchecked")
        Map<String, Object> copy = (Map<String, Object>) secret.value();
        assertThatThrownBy(() -> copy.put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void allowsNullAndKnowsItsExpiry() {
        assertThat(Secret.of(null).value()).isNull();
        assertThat(Secret.of("v").expiresAt()).isEmpty();
        Instant at = Instant.parse("2030-01-01T00:00:00Z");
        assertThat(Secret.expiring("v", at).expiresAt()).contains(at);
        assertThat(Secret.expiring("v", at)).isEqualTo(Secret.expiring("v", at)).isNotEqualTo(Secret.of("v"));
    }

    @Test
    void neverPrintsItsValue() {
        assertThat(Secret.of("hunter2").toString()).doesNotContain("hunter2").isEqualTo("Secret[value hidden]");
        assertThat(Secret.expiring("hunter2", Instant.EPOCH).toString()).doesNotContain("hunter2");
    }

    @Test
    void rejectsValuesThatAreNotPlainData() {
        assertThatThrownBy(() -> Secret.of(new byte[] {1}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must be plain data");
    }
}
