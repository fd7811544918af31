package dev.concourse.credentials;

import java.time.Duration;
import java.util.Objects;

/**
 * How an engine uses its credential managers: caching, retries, redaction. The defaults are
 * Concourse's.
 *
 * @param cacheTtl         how long a found secret is kept in the engine's cache at most; a secret
 *                         that expires sooner ({@code Secret.expiresAt()}) is kept until then.
 *                         {@link Duration#ZERO} (the default, as in Concourse, where
 *                         {@code --secret-cache-enabled} is off) turns the cache off
 * @param cacheNotFoundTtl how long "not found" is remembered while the cache is on (default 10 s)
 * @param retryAttempts    how many times a lookup that fails is tried in all (default 5; 1 means
 *                         no retry)
 * @param retryBackoff     the wait before the first retry (default 1 s); each further wait doubles
 * @param retryMaxBackoff  the longest wait between two attempts (default 10 s)
 * @param redactSecrets    whether every credential value fetched for a build is replaced with
 *                         {@code ((redacted))} in its events (default true; Concourse's
 *                         {@code --disable-redact-secrets} is false here)
 */
public record CredentialSettings(Duration cacheTtl, Duration cacheNotFoundTtl, int retryAttempts,
        Duration retryBackoff, Duration retryMaxBackoff, boolean redactSecrets) {

    /**
     * Checks the settings.
     *
     * @throws IllegalArgumentException for a negative duration or fewer than one attempt
     */
    public CredentialSettings {
        requireNotNegative(cacheTtl, "cacheTtl");
        requireNotNegative(cacheNotFoundTtl, "cacheNotFoundTtl");
        requireNotNegative(retryBackoff, "retryBackoff");
        requireNotNegative(retryMaxBackoff, "retryMaxBackoff");
        if (retryAttempts < 1) {
            throw new IllegalArgumentException("retryAttempts must be at least 1 (1 means no retry), was "
                    + retryAttempts);
        }
    }

    /** No cache, 5 attempts 1 s apart doubling up to 10 s, redaction on. */
    public static CredentialSettings defaults() {
        return new CredentialSettings(Duration.ZERO, Duration.ofSeconds(10), 5, Duration.ofSeconds(1),
                Duration.ofSeconds(10), true);
    }

    /** Whether found secrets are cached ({@link #cacheTtl()} is positive). */
    public boolean cacheEnabled() {
        return cacheTtl.isPositive();
    }

    /** These settings with the cache's maximum time to live; zero turns the cache off. */
    public CredentialSettings withCacheTtl(Duration ttl) {
        return new CredentialSettings(ttl, cacheNotFoundTtl, retryAttempts, retryBackoff, retryMaxBackoff,
                redactSecrets);
    }

    /** These settings with how long "not found" is cached; zero does not cache it. */
    public CredentialSettings withCacheNotFoundTtl(Duration ttl) {
        return new CredentialSettings(cacheTtl, ttl, retryAttempts, retryBackoff, retryMaxBackoff, redactSecrets);
    }

    /**
     * These settings with another retry policy.
     *
     * @param attempts   tries in all, at least 1
     * @param backoff    the first wait
     * @param maxBackoff the longest wait
     */
    public CredentialSettings withRetries(int attempts, Duration backoff, Duration maxBackoff) {
        return new CredentialSettings(cacheTtl, cacheNotFoundTtl, attempts, backoff, maxBackoff, redactSecrets);
    }

    /** These settings with redaction of secrets in build events on or off. */
    public CredentialSettings withRedactSecrets(boolean redact) {
        return new CredentialSettings(cacheTtl, cacheNotFoundTtl, retryAttempts, retryBackoff, retryMaxBackoff,
                redact);
    }

    private static void requireNotNegative(Duration duration, String name) {
        Objects.requireNonNull(duration, name);
        if (duration.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative, was " + duration);
        }
    }
}
