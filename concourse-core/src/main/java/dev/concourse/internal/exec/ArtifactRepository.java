package dev.concourse.internal.exec;

import dev.concourse.spi.runtime.Volume;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A build's artifacts by name (Concourse's {@code build.Repository}) and the volumes the build
 * owns. A name registered again points at the new volume; the old one stays owned until the build
 * is closed, since a step running in parallel may still mount it. Thread-safe.
 */
final class ArtifactRepository {
    private final Map<String, Volume> artifacts = new LinkedHashMap<>();
    private final List<Volume> owned = new ArrayList<>();

    ArtifactRepository(Map<String, Volume> initial) {
        artifacts.putAll(initial);
    }

    synchronized Optional<Volume> find(String name) {
        return Optional.ofNullable(artifacts.get(name));
    }

    /** Registers an artifact the build created (and so destroys when it is closed). */
    synchronized void register(String name, Volume volume) {
        artifacts.put(name, volume);
        if (!owned.contains(volume)) {
            owned.add(volume);
        }
    }

    synchronized Map<String, Volume> snapshot() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(artifacts));
    }

    /** Takes the owned volumes away, for destruction. */
    synchronized List<Volume> releaseOwned() {
        List<Volume> all = List.copyOf(owned);
        owned.clear();
        return all;
    }
}
