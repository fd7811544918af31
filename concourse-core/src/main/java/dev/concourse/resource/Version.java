package dev.concourse.resource;

import dev.concourse.internal.config.Frozen;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A version of a resource: string fields, as Concourse's resource protocol defines them
 * ({@code {"ref": "61cebf"}}). Two versions are equal when their fields are.
 *
 * @param fields the fields, never empty in a real version
 */
public record Version(Map<String, String> fields) {
    public Version {
        Objects.requireNonNull(fields, "fields");
        fields = Frozen.strings(fields);
    }

    public static Version of(String key, String value) {
        return new Version(Map.of(key, value));
    }

    /** Whether this version has all of {@code partial}'s fields with the same values (a pin's match). */
    public boolean matches(Map<String, String> partial) {
        return fields.entrySet().containsAll(partial.entrySet());
    }

    /** {@code ref:61cebf,branch:main}, fields sorted, for messages. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        new TreeMap<>(fields).forEach((k, v) -> sb.append(sb.isEmpty() ? "" : ",").append(k).append(':').append(v));
        return sb.toString();
    }
}
