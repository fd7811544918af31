package dev.concourse.testkit;

import dev.concourse.spi.credentials.CredentialManager;
import dev.concourse.spi.credentials.LookupTemplate;
import dev.concourse.spi.credentials.Secret;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The harness's credential manager: secrets by var name, settable during the test. Thread-safe. */
final class TestCredentials implements CredentialManager {
    private final Map<String, Object> secrets = new LinkedHashMap<>();

    @Override
    public String id() {
        return "test-kit";
    }

    synchronized void put(String name, Object value) {
        secrets.put(name, value);
    }

    synchronized Map<String, Object> all() {
        return Map.copyOf(secrets);
    }

    @Override
    public synchronized Optional<Secret> lookup(String path) {
        Object value = secrets.get(path);
        return value == null ? Optional.empty() : Optional.of(Secret.of(value));
    }

    /** The var name is the path. */
    @Override
    public List<LookupTemplate> lookupTemplates() {
        return List.of();
    }

    @Override
    public String toString() {
        return "TestCredentials" + new LinkedHashMap<>(Map.of("count", secrets.size()));
    }
}
