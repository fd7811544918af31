package dev.concourse.internal.credentials;

import dev.concourse.spi.credentials.CredentialManager;
import dev.concourse.spi.credentials.LookupTemplate;
import dev.concourse.spi.credentials.Secret;
import dev.concourse.spi.scheduling.EngineClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Remembers lookups by path for an engine (Concourse's {@code CachedSecrets}): a found secret for
 * at most {@code ttl}, and no longer than its own {@link Secret#expiresAt()}; "not found" for
 * {@code notFoundTtl}. Failures are not remembered, so the next lookup asks again. Time is the
 * engine's clock; an entry is used while the clock is before its expiry.
 *
 * <p>Thread-safe. Concurrent misses for one path may each ask the delegate; the last answer is
 * kept. Expired entries are dropped as they are met and in a sweep every few hundred writes.
 */
final class CachingCredentialManager implements CredentialManager {
    private static final int SWEEP_EVERY = 256;

    private final CredentialManager delegate;
    private final Duration ttl;
    private final Duration notFoundTtl;
    private final EngineClock clock;
    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
    private final AtomicInteger writes = new AtomicInteger();

    CachingCredentialManager(CredentialManager delegate, Duration ttl, Duration notFoundTtl, EngineClock clock) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.ttl = Objects.requireNonNull(ttl, "ttl");
        this.notFoundTtl = Objects.requireNonNull(notFoundTtl, "notFoundTtl");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public String id() {
        return delegate.id();
    }

    @Override
    public List<LookupTemplate> lookupTemplates() {
        return delegate.lookupTemplates();
    }

    @Override
    public Optional<Secret> lookup(String path) {
        Instant now = clock.now();
        Entry cached = entries.get(path);
        if (cached != null) {
            if (now.isBefore(cached.expiresAt)) {
                return Optional.ofNullable(cached.secret);
            }
            entries.remove(path, cached);
        }
        Optional<Secret> result = delegate.lookup(path);
        Instant expiresAt = result.map(secret -> foundUntil(now, secret))
                .orElseGet(() -> now.plus(notFoundTtl));
        if (now.isBefore(expiresAt)) {
            entries.put(path, new Entry(result.orElse(null), expiresAt));
            if (writes.incrementAndGet() % SWEEP_EVERY == 0) {
                entries.values().removeIf(entry -> !now.isBefore(entry.expiresAt));
            }
        }
        return result;
    }

    /** How many entries are held, expired or not (for tests). */
    int size() {
        return entries.size();
    }

    private Instant foundUntil(Instant now, Secret secret) {
        Instant max = now.plus(ttl);
        return secret.expiresAt().filter(expiry -> expiry.isBefore(max)).orElse(max);
    }

    @Override
    public String toString() {
        return "CachingCredentialManager[" + delegate + ", ttl=" + ttl + "]";
    }

    /** A found secret, or null for "not found", and until when to use it. */
    private record Entry(Secret secret, Instant expiresAt) {
    }
}
