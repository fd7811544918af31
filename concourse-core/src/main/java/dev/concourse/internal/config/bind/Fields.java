package dev.concourse.internal.config.bind;

import dev.concourse.internal.config.yaml.YamlList;
import dev.concourse.internal.config.yaml.YamlMap;
import dev.concourse.internal.config.yaml.YamlNode;
import dev.concourse.internal.config.yaml.YamlScalar;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Typed reads of one YAML mapping's fields, reporting wrong types and unknown keys as findings
 * instead of failing, so that one pass reports every problem of a document.
 */
final class Fields {
    private static final Set<String> YAML11_TRUE = Set.of("yes", "y", "on", "true");
    private static final Set<String> YAML11_FALSE = Set.of("no", "n", "off", "false");

    private final YamlMap map;
    private final String path;
    private final BindContext ctx;
    private final Collection<String> allowed;

    Fields(YamlMap map, String path, BindContext ctx, Collection<String> allowed) {
        this.map = map;
        this.path = path;
        this.ctx = ctx;
        this.allowed = allowed;
    }

    YamlMap map() {
        return map;
    }

    String path() {
        return path;
    }

    String pathOf(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    /** The value node, or null when absent or written as null. */
    YamlNode node(String key) {
        YamlNode node = map.get(key);
        return node instanceof YamlScalar s && s.isNull() ? null : node;
    }

    String string(String key) {
        YamlNode node = node(key);
        if (node == null) {
            return null;
        }
        if (node instanceof YamlScalar s && s.value() instanceof String text) {
            return text;
        }
        wrongType(key, node, "a string");
        return null;
    }

    boolean bool(String key) {
        YamlNode node = node(key);
        if (node == null) {
            return false;
        }
        if (node instanceof YamlScalar s) {
            if (s.value() instanceof Boolean b) {
                return b;
            }
            // YAML 1.1 booleans, which Concourse (a YAML 1.1 reader) accepts.
            if (s.value() instanceof String text && s.plain()) {
                String lower = text.toLowerCase(Locale.ROOT);
                if (YAML11_TRUE.contains(lower)) {
                    return true;
                }
                if (YAML11_FALSE.contains(lower)) {
                    return false;
                }
            }
        }
        wrongType(key, node, "true or false");
        return false;
    }

    int integer(String key) {
        YamlNode node = node(key);
        if (node == null) {
            return 0;
        }
        if (node instanceof YamlScalar s) {
            Object v = s.value();
            if (v instanceof Long l && l >= Integer.MIN_VALUE && l <= Integer.MAX_VALUE) {
                return l.intValue();
            }
            if (v instanceof Long || v instanceof BigInteger) {
                ctx.error("invalid_value", pathOf(key), node.location(), "the number " + v + " is too large");
                return 0;
            }
        }
        wrongType(key, node, "a whole number");
        return 0;
    }

    /** A list of strings; a single string is not accepted (Concourse does not either). */
    List<String> strings(String key) {
        YamlNode node = node(key);
        if (node == null) {
            return List.of();
        }
        if (!(node instanceof YamlList list)) {
            wrongType(key, node, "a list of strings");
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < list.items().size(); i++) {
            YamlNode item = list.items().get(i);
            if (item instanceof YamlScalar s && s.value() instanceof String text) {
                out.add(text);
            } else {
                ctx.error("invalid_type", pathOf(key) + "[" + i + "]", item.location(),
                        "expected a string, not " + item.kind() + hint(item));
            }
        }
        return out;
    }

    /** An opaque mapping (source, params...). */
    Map<String, Object> object(String key) {
        YamlNode node = node(key);
        if (node == null) {
            return Map.of();
        }
        if (node instanceof YamlMap m) {
            @SuppressWarnings("unchecked")
            Map<String, Object> plain = (Map<String, Object>) m.toPlain();
            return plain;
        }
        wrongType(key, node, "a mapping");
        return Map.of();
    }

    /** A mapping whose values must be strings (versions, input_mapping...). */
    Map<String, String> stringMap(String key) {
        YamlNode node = node(key);
        if (node == null) {
            return Map.of();
        }
        if (!(node instanceof YamlMap m)) {
            wrongType(key, node, "a mapping of strings");
            return Map.of();
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (YamlMap.Entry e : m.entries()) {
            if (e.value() instanceof YamlScalar s && s.value() instanceof String text) {
                out.put(e.key(), text);
            } else {
                ctx.error("invalid_type", pathOf(key) + "." + e.key(), e.value().location(),
                        "expected a string, not " + e.value().kind() + hint(e.value()));
            }
        }
        return out;
    }

    /** Environment-style params: every value becomes a string, as Concourse coerces them. */
    Map<String, String> env(String key) {
        YamlNode node = node(key);
        if (node == null) {
            return Map.of();
        }
        if (!(node instanceof YamlMap m)) {
            wrongType(key, node, "a mapping");
            return Map.of();
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (YamlMap.Entry e : m.entries()) {
            out.put(e.key(), PlainValues.coerceToString(e.value().toPlain()));
        }
        return out;
    }

    /**
     * Binds the mapping under {@code key} with its own allowed keys, or returns null when the key
     * is absent or its value is not a mapping (reported as {@code expected}).
     */
    <T> T nested(String key, String expected, Collection<String> keys, java.util.function.Function<Fields, T> bind) {
        YamlNode node = node(key);
        if (node == null) {
            return null;
        }
        if (!(node instanceof YamlMap inner)) {
            wrongType(key, node, expected);
            return null;
        }
        Fields fields = new Fields(inner, pathOf(key), ctx, keys);
        T value = bind.apply(fields);
        fields.finish(value);
        return value;
    }

    /** Any value, as plain Java. */
    Object plain(String key) {
        YamlNode node = node(key);
        return node == null ? null : node.toPlain();
    }

    void wrongType(String key, YamlNode node, String expected) {
        ctx.error("invalid_type", pathOf(key), node.location(), "expected " + expected + ", not " + node.kind() + hint(node));
    }

    private static String hint(YamlNode node) {
        if (node instanceof YamlScalar s && s.value() instanceof String text && text.contains("((")) {
            return " ('" + text + "' is a var that was not given when the pipeline was loaded;"
                    + " vars in this field must be static: pass them with -v or -l)";
        }
        if (node instanceof YamlScalar s && s.value() instanceof Long) {
            return " (quote it to make it a string)";
        }
        return "";
    }

    /** Reports keys not in the allowed set, then records where the owner and each field were written. */
    void finish(Object owner) {
        rejectUnknown();
        register(owner);
    }

    void rejectUnknown() {
        for (YamlMap.Entry e : map.entries()) {
            if (!allowed.contains(e.key())) {
                ctx.error("unknown_field", path, e.keyLocation(),
                        "unknown field '" + e.key() + "'" + DidYouMean.suggest(e.key(), allowed));
            }
        }
    }

    void register(Object owner) {
        if (owner == null) {
            return;
        }
        ctx.index.put(owner, map.location());
        for (YamlMap.Entry e : map.entries()) {
            ctx.index.put(owner, e.key(), e.value().location());
            if (e.value() instanceof YamlList list) {
                for (int i = 0; i < list.items().size(); i++) {
                    ctx.index.put(owner, e.key() + "[" + i + "]", list.items().get(i).location());
                }
            } else if (e.value() instanceof YamlMap inner) {
                for (YamlMap.Entry ie : inner.entries()) {
                    ctx.index.put(owner, e.key() + "." + ie.key(), ie.value().location());
                }
            }
        }
    }
}
