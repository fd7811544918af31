package dev.concourse.vars;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** Rules about plain var values shared by the variables and the interpolator. */
final class VarValues {

    /** Go's {@code sort.Strings} order (bytewise UTF-8, which is code point order). */
    static final Comparator<String> GO_ORDER = (a, b) -> {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    };

    private VarValues() {
    }

    /** Names sorted as Concourse sorts them, without duplicates. */
    static List<String> sorted(Collection<String> names) {
        TreeSet<String> set = new TreeSet<>(GO_ORDER);
        set.addAll(names);
        return List.copyOf(set);
    }

    /** A deep, unmodifiable, insertion-ordered copy that keeps nulls. */
    static Object freeze(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<Object, Object> copy = new LinkedHashMap<>();
            map.forEach((k, v) -> copy.put(k, freeze(v)));
            return Collections.unmodifiableMap(copy);
        }
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            for (Object item : list) {
                copy.add(freeze(item));
            }
            return Collections.unmodifiableList(copy);
        }
        return value;
    }

    /** A deep copy whose maps and lists can be changed. */
    static Object thaw(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<Object, Object> copy = new LinkedHashMap<>();
            map.forEach((k, v) -> copy.put(k, thaw(v)));
            return copy;
        }
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            for (Object item : list) {
                copy.add(thaw(item));
            }
            return copy;
        }
        return value;
    }

    static boolean isInteger(Object value) {
        return value instanceof Integer || value instanceof Long || value instanceof BigInteger
                || value instanceof Short || value instanceof Byte;
    }

    /**
     * The type name used in messages: string, int, number (a {@link BigDecimal}), float, bool,
     * map, list, null.
     */
    static String typeName(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof String) {
            return "string";
        }
        if (isInteger(value)) {
            return "int";
        }
        if (value instanceof BigDecimal) {
            return "number";
        }
        if (value instanceof Double || value instanceof Float) {
            return "float";
        }
        if (value instanceof Boolean) {
            return "bool";
        }
        if (value instanceof Map) {
            return "map";
        }
        if (value instanceof List) {
            return "list";
        }
        return value.getClass().getSimpleName();
    }

    /**
     * The text of a value that may be embedded in a longer string, or null if it may not be.
     * Concourse accepts strings, Go integers and JSON numbers, and rejects bools and floats.
     */
    static String embeddable(Object value) {
        if (value instanceof String s) {
            return s;
        }
        if (isInteger(value) || value instanceof BigDecimal) {
            return value.toString();
        }
        return null;
    }

    /**
     * The string a value becomes as a map key, or null for maps and lists: Concourse's YAML round
     * trip turns scalar keys into their YAML text.
     */
    static String keyText(Object value) {
        if (value == null) {
            return "null";
        }
        String embedded = embeddable(value);
        if (embedded != null) {
            return embedded;
        }
        if (value instanceof Boolean) {
            return value.toString();
        }
        if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            if (Double.isNaN(d)) {
                return ".nan";
            }
            if (Double.isInfinite(d)) {
                return d > 0 ? ".inf" : "-.inf";
            }
            return new BigDecimal(Double.toString(d)).stripTrailingZeros().toPlainString();
        }
        if (value instanceof Map || value instanceof List) {
            return null;
        }
        return value.toString();
    }

    /** Reads the reference's fields from a var's value, as Concourse's {@code Traverse} does. */
    static Object traverse(Object value, VarRef ref) {
        Object current = value;
        for (String field : ref.fields()) {
            if (current instanceof Map<?, ?> map) {
                if (!map.containsKey(field)) {
                    throw new MissingFieldException(ref.withoutSource().displayName(), field);
                }
                current = map.get(field);
            } else {
                throw new InvalidFieldException(ref.withoutSource().displayName(), field, typeName(current));
            }
        }
        return current;
    }
}
