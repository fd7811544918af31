package dev.concourse.credentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class CredentialSettingsTest {

    @Test
    void defaultsAreConcourses() {
        CredentialSettings defaults = CredentialSettings.defaults();
        assertThat(defaults.cacheEnabled()).isFalse();
        assertThat(defaults.cacheNotFoundTtl()).isEqualTo(Duration.ofSeconds(10));
        assertThat(defaults.retryAttempts()).isEqualTo(5);
        assertThat(defaults.retryBackoff()).isEqualTo(Duration.ofSeconds(1));
        assertThat(defaults.redactSecrets()).isTrue();
    }

    @Test
    void withersChangeOneThing() {
        CredentialSettings s = CredentialSettings.defaults().withCacheTtl(Duration.ofMinutes(1))
                .withCacheNotFoundTtl(Duration.ZERO).withRetries(2, Duration.ofMillis(5), Duration.ofMillis(7))
                .withRedactSecrets(false);
        assertThat(s).isEqualTo(new CredentialSettings(Duration.ofMinutes(1), Duration.ZERO, 2, Duration.ofMillis(5),
                Duration.ofMillis(7), false));
        assertThat(s.cacheEnabled()).isTrue();
    }

    @Test
    void rejectsNonsense() {
        assertThatThrownBy(() -> CredentialSettings.defaults().withRetries(0, Duration.ZERO, Duration.ZERO))
                .hasMessageContaining("retryAttempts must be at least 1");
        assertThatThrownBy(() -> CredentialSettings.defaults().withCacheTtl(Duration.ofSeconds(-1)))
                .hasMessageContaining("cacheTtl must not be negative");
    }
}
