package dev.concourse.internal.config.yaml;

import dev.concourse.config.SourceLocation;
import java.math.BigInteger;

/**
 * A scalar: String, Long, BigInteger, Double, Boolean or null.
 *
 * @param value    the typed value
 * @param location where it was written
 * @param plain    whether it was written without quotes (a plain YAML scalar)
 */
public record YamlScalar(Object value, SourceLocation location, boolean plain) implements YamlNode {

    @Override
    public long weight() {
        return 1;
    }

    @Override
    public String kind() {
        return describe(value);
    }

    @Override
    public Object toPlain() {
        return value;
    }

    public boolean isNull() {
        return value == null;
    }

    /** "a string", "a number", "a boolean", "null", "a mapping", "a list" for any plain value. */
    public static String describe(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof String) {
            return "a string";
        }
        if (value instanceof Long || value instanceof Integer || value instanceof BigInteger || value instanceof Double) {
            return "a number";
        }
        if (value instanceof Boolean) {
            return "a boolean";
        }
        if (value instanceof java.util.Map) {
            return "a mapping";
        }
        if (value instanceof java.util.List) {
            return "a list";
        }
        return value.getClass().getSimpleName();
    }
}
