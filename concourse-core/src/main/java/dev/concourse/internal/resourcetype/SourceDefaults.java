package dev.concourse.internal.resourcetype;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Concourse's {@code Source.Merge} ({@code atc/resource_types.go}), which applies a type's
 * {@code defaults} to a resource's {@code source}: a shallow merge where every top-level key of
 * the source replaces the default's (nested maps are not merged), and defaults fill in the keys the
 * source lacks.
 */
public final class SourceDefaults {
    private SourceDefaults() {
    }

    /** {@code defaults} with {@code source} laid over it; unmodifiable, defaults' keys first. */
    public static Map<String, Object> merge(Map<String, Object> defaults, Map<String, Object> source) {
        if (defaults.isEmpty()) {
            return source;
        }
        Map<String, Object> merged = new LinkedHashMap<>(defaults);
        merged.putAll(source);
        return Collections.unmodifiableMap(merged);
    }
}
