package dev.concourse.internal.credentials;

import dev.concourse.spi.credentials.CredentialManager;
import dev.concourse.spi.credentials.LookupTemplate;
import dev.concourse.spi.credentials.Secret;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A real manager with every path it is asked for recorded, and optionally failures first: the
 * next {@code failures} lookups throw what {@code failure} makes.
 */
final class RecordingManager implements CredentialManager {
    private final CredentialManager delegate;
    private final List<String> asked = new ArrayList<>();
    private final AtomicInteger failures = new AtomicInteger();
    private volatile Supplier<RuntimeException> failure = () -> new IllegalStateException("store unavailable");

    RecordingManager(CredentialManager delegate) {
        this.delegate = delegate;
    }

    RecordingManager failNext(int times, Supplier<RuntimeException> with) {
        failures.set(times);
        failure = with;
        return this;
    }

    synchronized List<String> asked() {
        return List.copyOf(asked);
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
        synchronized (this) {
            asked.add(path);
        }
        if (failures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw failure.get();
        }
        return delegate.lookup(path);
    }
}
