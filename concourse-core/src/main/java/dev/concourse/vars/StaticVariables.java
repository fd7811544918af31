package dev.concourse.vars;

import dev.concourse.internal.vars.GoYaml;
import dev.concourse.internal.vars.GoYamlException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Vars held in memory: a vars file ({@code fly -l}), var flags ({@code -v}, {@code -y}), or a map
 * built in code (Concourse's {@code StaticVariables}).
 *
 * <p>References that name a var source ({@code ((src:name))}, {@code ((.:name))}) are never
 * found here, as in Concourse. Immutable and thread-safe: every {@code with...} method returns a
 * new instance, and the values are deep, unmodifiable, insertion-ordered copies.
 */
public final class StaticVariables implements Variables {

    private static final StaticVariables EMPTY = new StaticVariables(Map.of());

    private final Map<String, Object> values;

    private StaticVariables(Map<String, Object> values) {
        this.values = values;
    }

    /** No vars. */
    public static StaticVariables empty() {
        return EMPTY;
    }

    /**
     * The given vars, copied.
     *
     * @param values var name to plain value (see {@link Variables}); null values are allowed
     */
    public static StaticVariables of(Map<String, ?> values) {
        Objects.requireNonNull(values, "values");
        Map<String, Object> copy = new LinkedHashMap<>();
        values.forEach((name, value) -> copy.put(Objects.requireNonNull(name, "var name"), VarValues.freeze(value)));
        return new StaticVariables(Collections.unmodifiableMap(copy));
    }

    /**
     * Vars from YAML text holding a mapping of var names to values, read as fly reads
     * {@code -l} files: YAML 1.1 typing as in Go ({@code yes}/{@code on} are booleans),
     * non-string keys turned into strings, only the first document. Integers become
     * {@code Long}/{@code BigInteger} and other numbers {@code Double}. An empty document gives
     * no vars.
     *
     * @param sourceName the file name or another label, used in error messages
     * @param yamlText   the YAML text
     * @throws VarsFileException if the text is not YAML or not a mapping
     */
    public static StaticVariables fromYaml(String sourceName, String yamlText) {
        Objects.requireNonNull(sourceName, "sourceName");
        Objects.requireNonNull(yamlText, "yamlText");
        Object parsed;
        try {
            parsed = GoYaml.parse(sourceName, yamlText, false);
        } catch (GoYamlException e) {
            throw VarsFileException.invalid(sourceName, "invalid YAML: " + e.problem(), e);
        }
        if (parsed == null) {
            return EMPTY;
        }
        if (!(parsed instanceof Map<?, ?> map)) {
            throw VarsFileException.invalid(sourceName, "expected a mapping of var names to values but found a "
                    + VarValues.typeName(parsed) + "; write one 'name: value' entry per var", null);
        }
        Map<String, Object> vars = new LinkedHashMap<>();
        map.forEach((name, value) -> vars.put((String) name, value));
        return new StaticVariables(Collections.unmodifiableMap(vars));
    }

    /**
     * Vars from a YAML file, as {@code fly -l FILE} reads it (see {@link #fromYaml(String, String)}).
     *
     * @throws VarsFileException if the file cannot be read, is not YAML or is not a mapping
     */
    public static StaticVariables fromYamlFile(Path file) {
        Objects.requireNonNull(file, "file");
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw VarsFileException.unreadable(file.toString(), e);
        }
        return fromYaml(file.toString(), text);
    }

    /**
     * These vars with one value set, merged as fly merges var flags (Concourse's
     * {@code KVPairs.Expand}): {@code a.b.c} creates or descends into map {@code a}, replacing
     * {@code a} or {@code a.b} when they are not maps; a value without fields replaces the whole
     * var. A source in the reference is ignored, as fly ignores it.
     *
     * @param ref   where to put the value
     * @param value a plain value (see {@link Variables}), may be null
     */
    public StaticVariables with(VarRef ref, Object value) {
        Objects.requireNonNull(ref, "ref");
        Map<Object, Object> root = mutable(VarValues.thaw(values));
        upsert(root, ref.path(), ref.fields(), VarValues.thaw(value));
        Map<String, Object> frozen = new LinkedHashMap<>();
        root.forEach((name, v) -> frozen.put((String) name, VarValues.freeze(v)));
        return new StaticVariables(Collections.unmodifiableMap(frozen));
    }

    /**
     * These vars plus a {@code fly -v name=value} flag: the value is always a string and the name
     * may address a field ({@code creds.user=admin} sets field {@code user} of var {@code creds}).
     *
     * @throws InvalidVarFlagException if there is no {@code =} or the name is not a valid reference
     */
    public StaticVariables withPair(String nameEqualsValue) {
        VarPairs.Pair pair = VarPairs.stringPair(Objects.requireNonNull(nameEqualsValue, "nameEqualsValue"));
        return with(pair.ref(), pair.value());
    }

    /**
     * These vars plus a {@code fly -y name=yaml} flag: the value is parsed as YAML (as fly does;
     * floats become {@link java.math.BigDecimal} as written, integers {@code Long}), the name as in
     * {@link #withPair(String)}.
     *
     * @throws InvalidVarFlagException if there is no {@code =}, the name is not a valid reference or
     *     the value is not YAML
     */
    public StaticVariables withYamlPair(String nameEqualsYaml) {
        VarPairs.Pair pair = VarPairs.yamlPair(Objects.requireNonNull(nameEqualsYaml, "nameEqualsYaml"));
        return with(pair.ref(), pair.value());
    }

    /** The vars: an unmodifiable, insertion-ordered map whose values may be null. */
    public Map<String, Object> asMap() {
        return values;
    }

    @Override
    public Optional<Object> get(VarRef ref) {
        if (ref.source() != null || !values.containsKey(ref.path())) {
            return Optional.empty();
        }
        Object value = values.get(ref.path());
        return Optional.of(value == null ? NULL : value);
    }

    @Override
    public List<VarRef> list() {
        return values.keySet().stream().map(VarRef::of).toList();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof StaticVariables that && values.equals(that.values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    /** Names only: values may be credentials. */
    @Override
    public String toString() {
        return "StaticVariables" + values.keySet();
    }

    private static void upsert(Map<Object, Object> out, String path, List<String> fields, Object value) {
        Object node = out.get(path);
        if (!(node instanceof Map<?, ?>)) {
            out.put(path, construct(fields, value));
        } else if (fields.isEmpty()) {
            out.put(path, value);
        } else {
            upsert(mutable(node), fields.get(0), fields.subList(1, fields.size()), value);
        }
    }

    private static Object construct(List<String> fields, Object value) {
        Object result = value;
        for (int i = fields.size() - 1; i >= 0; i--) {
            Map<Object, Object> wrapper = new LinkedHashMap<>();
            wrapper.put(fields.get(i), result);
            result = wrapper;
        }
        return result;
    }

    // Only ever applied to maps made by VarValues.thaw, which are LinkedHashMap<Object, Object>.
    @SuppressWarnings("unchecked")
    private static Map<Object, Object> mutable(Object thawedMap) {
        return (Map<Object, Object>) thawedMap;
    }
}
