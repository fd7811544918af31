package dev.concourse.resourcetype;

import dev.concourse.resource.MetadataField;
import dev.concourse.resource.ResourceException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Typed reads of a {@code source} or {@code params} map with messages that name the type, the map
 * and the field, as the JSON decoding of a Go resource would reject a wrong type. Unknown fields
 * are ignored, as Go's {@code json.Unmarshal} does.
 */
final class Fields {
    private final String type;
    private final String map;
    private final Map<String, Object> values;

    private Fields(String type, String map, Map<String, Object> values) {
        this.type = type;
        this.map = map;
        this.values = values;
    }

    static Fields source(String type, Map<String, Object> source) {
        return new Fields(type, "source", source);
    }

    static Fields params(String type, Map<String, Object> params) {
        return new Fields(type, "params", params);
    }

    boolean has(String key) {
        return values.get(key) != null;
    }

    /** The string, or {@code fallback} when absent, null or empty. */
    String string(String key, String fallback) {
        Object value = values.get(key);
        if (value == null) {
            return fallback;
        }
        if (!(value instanceof String s)) {
            throw wrongType(key, "a string", value);
        }
        return s.isEmpty() ? fallback : s;
    }

    boolean bool(String key) {
        Object value = values.get(key);
        if (value == null) {
            return false;
        }
        if (!(value instanceof Boolean b)) {
            throw wrongType(key, "true or false", value);
        }
        return b;
    }

    /** A map of strings, empty when absent. */
    Map<String, String> stringMap(String key) {
        Object value = values.get(key);
        if (value == null) {
            return Map.of();
        }
        if (!(value instanceof Map<?, ?> m)) {
            throw wrongType(key, "a map of strings", value);
        }
        Map<String, String> result = new LinkedHashMap<>();
        m.forEach((k, v) -> {
            if (!(v instanceof String s)) {
                throw wrongType(key + "." + k, "a string", v);
            }
            result.put(String.valueOf(k), s);
        });
        return result;
    }

    /** A list of strings, empty when absent. */
    List<String> stringList(String key) {
        Object value = values.get(key);
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> l)) {
            throw wrongType(key, "a list of strings", value);
        }
        List<String> result = new ArrayList<>();
        for (int i = 0; i < l.size(); i++) {
            if (!(l.get(i) instanceof String s)) {
                throw wrongType(key + "[" + i + "]", "a string", l.get(i));
            }
            result.add(s);
        }
        return result;
    }

    /** A list of {@code {name, value}} maps, as Concourse writes metadata. */
    List<MetadataField> metadata(String key) {
        Object value = values.get(key);
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> l)) {
            throw wrongType(key, "a list of {name, value}", value);
        }
        List<MetadataField> result = new ArrayList<>();
        for (int i = 0; i < l.size(); i++) {
            if (!(l.get(i) instanceof Map<?, ?> m) || !(m.get("name") instanceof String name)
                    || !(m.get("value") instanceof String v)) {
                throw wrongType(key + "[" + i + "]", "{name: string, value: string}", l.get(i));
            }
            result.add(new MetadataField(name, v));
        }
        return result;
    }

    ResourceException invalid(String key, String problem) {
        return new ResourceException(type + " resource: " + map + "." + key + " " + problem);
    }

    private ResourceException wrongType(String key, String expected, Object actual) {
        return invalid(key, "must be " + expected + ", not " + describe(actual));
    }

    private static String describe(Object value) {
        String kind = switch (value) {
            case String s -> "a string";
            case Boolean b -> "a boolean";
            case Number n -> "a number";
            case List<?> l -> "a list";
            case Map<?, ?> m -> "a map";
            default -> "a " + value.getClass().getSimpleName();
        };
        String text = String.valueOf(value);
        return kind + " (" + (text.length() > 60 ? text.substring(0, 60) + "..." : text) + ")";
    }

    /**
     * {@code relative} inside {@code directory}, refusing absolute paths and {@code ..} that
     * would leave it: a resource writes and reads only its own directory.
     */
    static Path inside(Path directory, String relative, String type, String what) {
        Path resolved = directory.resolve(relative).normalize();
        if (Path.of(relative).isAbsolute() || !resolved.startsWith(directory.normalize())) {
            throw new ResourceException(type + " resource: " + what + " '" + relative
                    + "' is outside the resource's directory; use a relative path without '..'");
        }
        return resolved;
    }
}
