package dev.concourse.runtime.linux.internal;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The properties of a container or volume (the runtime SPI's {@code setProperty}) as entries of its
 * {@link StateFile}, each under the prefix {@code property.} beside the entries the runtime keeps
 * for itself, so they survive an engine restart.
 */
final class StoredProperties {
    private static final String PREFIX = "property.";

    private StoredProperties() {
    }

    /** The properties among a state file's entries, without their prefix. */
    static Map<String, String> of(Map<String, String> stored) {
        Map<String, String> properties = new LinkedHashMap<>();
        stored.forEach((k, v) -> {
            if (k.startsWith(PREFIX)) {
                properties.put(k.substring(PREFIX.length()), v);
            }
        });
        return properties;
    }

    /** Adds {@code properties} to entries about to be stored. */
    static void addTo(Map<String, String> stored, Map<String, String> properties) {
        properties.forEach((k, v) -> stored.put(PREFIX + k, v));
    }

    /** Replaces the properties stored in {@code state} by {@code properties}, keeping its other entries. */
    static void store(StateFile state, Map<String, String> properties) {
        Map<String, String> stored = new LinkedHashMap<>(state.read().orElseGet(Map::of));
        stored.keySet().removeIf(k -> k.startsWith(PREFIX));
        addTo(stored, properties);
        state.write(stored);
    }
}
