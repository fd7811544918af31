package dev.concourse.internal.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Deep, order-keeping, null-tolerant immutable copies of the opaque values a config carries
 * ({@code source}, {@code params}, {@code vars}...). {@link Map#copyOf} would drop order and
 * reject YAML nulls, so the model uses these instead.
 */
public final class Frozen {
    private Frozen() {
    }

    /** An unmodifiable, insertion-ordered deep copy; {@code null} becomes an empty map. */
    public static Map<String, Object> map(Map<String, ?> map) {
        if (map == null || map.isEmpty()) {
            return Map.of();
        }
        LinkedHashMap<String, Object> copy = new LinkedHashMap<>();
        map.forEach((k, v) -> copy.put(k, value(v)));
        return Collections.unmodifiableMap(copy);
    }

    /** An unmodifiable, insertion-ordered copy of a string map; {@code null} becomes an empty map. */
    public static Map<String, String> strings(Map<String, String> map) {
        if (map == null || map.isEmpty()) {
            return Map.of();
        }
        return Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }

    /** An unmodifiable copy of a list without nulls; {@code null} becomes an empty list. */
    public static <T> List<T> list(List<T> list) {
        return list == null ? List.of() : List.copyOf(list);
    }

    /** A deep immutable copy of a plain value tree (maps, lists, scalars). */
    public static Object value(Object value) {
        if (value instanceof Map<?, ?> m) {
            LinkedHashMap<String, Object> copy = new LinkedHashMap<>();
            m.forEach((k, v) -> copy.put(String.valueOf(k), value(v)));
            return Collections.unmodifiableMap(copy);
        }
        if (value instanceof List<?> l) {
            List<Object> copy = new ArrayList<>(l.size());
            for (Object item : l) {
                copy.add(value(item));
            }
            return Collections.unmodifiableList(copy);
        }
        return value;
    }
}
