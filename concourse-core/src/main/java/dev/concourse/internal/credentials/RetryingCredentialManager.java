package dev.concourse.internal.credentials;

import dev.concourse.spi.credentials.CredentialLookupException;
import dev.concourse.spi.credentials.CredentialManager;
import dev.concourse.spi.credentials.LookupTemplate;
import dev.concourse.spi.credentials.Secret;
import dev.concourse.spi.scheduling.EngineClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tries a failing lookup again (Concourse's {@code RetryableSecrets}): up to {@code attempts} tries
 * in all, waiting {@code backoff} before the first retry and twice as long before each next one,
 * at most {@code maxBackoff}. Waits are timers on the engine's clock; the looking-up thread blocks
 * on them and gives up, not retrying, if interrupted. Failures marked not retryable fail at once.
 */
final class RetryingCredentialManager implements CredentialManager {
    private static final Logger LOG = LoggerFactory.getLogger(RetryingCredentialManager.class);

    private final CredentialManager delegate;
    private final int attempts;
    private final Duration backoff;
    private final Duration maxBackoff;
    private final EngineClock clock;

    RetryingCredentialManager(CredentialManager delegate, int attempts, Duration backoff, Duration maxBackoff,
            EngineClock clock) {
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be at least 1, was " + attempts);
        }
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.attempts = attempts;
        this.backoff = Objects.requireNonNull(backoff, "backoff");
        this.maxBackoff = Objects.requireNonNull(maxBackoff, "maxBackoff");
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
        Duration wait = backoff.compareTo(maxBackoff) > 0 ? maxBackoff : backoff;
        List<RuntimeException> failures = new ArrayList<>();
        for (int attempt = 1; ; attempt++) {
            RuntimeException failure;
            try {
                Optional<Secret> result = delegate.lookup(path);
                if (result == null) {
                    throw new CredentialLookupException("credential manager '" + id() + "' returned null for '"
                            + path + "'; a manager returns Optional.empty() for a secret it does not have", null, false);
                }
                return result;
            } catch (CredentialLookupException e) {
                if (!e.retryable()) {
                    failures.forEach(e::addSuppressed);
                    throw e;
                }
                failure = e;
            } catch (RuntimeException e) {
                failure = e;
            }
            if (attempt >= attempts) {
                if (attempts == 1) {
                    throw failure;
                }
                CredentialLookupException exhausted = new CredentialLookupException("credential manager '" + id()
                        + "' failed to look up '" + path + "' " + attempts + " times; last failure: "
                        + failure.getMessage(), failure);
                failures.forEach(exhausted::addSuppressed);
                throw exhausted;
            }
            failures.add(failure);
            LOG.warn("Credential manager '{}' failed to look up '{}' (attempt {} of {}), retrying in {}: {}",
                    id(), path, attempt, attempts, wait, failure.toString());
            await(wait, path);
            Duration doubled = wait.multipliedBy(2);
            wait = doubled.compareTo(maxBackoff) > 0 ? maxBackoff : doubled;
        }
    }

    private void await(Duration delay, String path) {
        if (!delay.isPositive()) {
            return;
        }
        CompletableFuture<Void> due = new CompletableFuture<>();
        EngineClock.Scheduled timer = clock.schedule(delay, () -> due.complete(null));
        try {
            due.get();
        } catch (InterruptedException e) {
            timer.cancel();
            Thread.currentThread().interrupt();
            throw new CredentialLookupException("interrupted while waiting to look up '" + path
                    + "' in credential manager '" + id() + "' again", e, false);
        } catch (ExecutionException e) {
            throw new IllegalStateException("a retry timer cannot fail", e);
        }
    }

    @Override
    public String toString() {
        return "RetryingCredentialManager[" + delegate + ", attempts=" + attempts + "]";
    }
}
