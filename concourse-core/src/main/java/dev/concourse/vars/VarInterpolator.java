package dev.concourse.vars;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replaces {@code ((var))} references with values from {@link Variables}, with Concourse's
 * semantics, and remembers across calls which vars were used and which were missing.
 *
 * <p>Rules, per scalar string:
 * <ul>
 *   <li>References are found with Concourse's pattern
 *       {@code \(\((([-/\.\w\pL]+\:)?[-/\.:@"\w\pL]+)\)\)}; a {@code ((} that does not match it is
 *       plain text. A match that is not a valid {@link VarRef} fails with
 *       {@link InvalidVarRefException}.</li>
 *   <li>A string that is exactly one reference becomes the var's value with its type (map, list,
 *       number, bool, null). A reference inside a longer string is replaced by the value's text,
 *       which must be a string, an integer or a {@link java.math.BigDecimal}; bools, floats,
 *       nulls, maps and lists there fail with {@link InvalidInterpolationException}, as in
 *       Concourse.</li>
 *   <li>{@code ((creds.user))} reads field {@code user} of the value of var {@code creds}:
 *       {@link MissingFieldException} if the map has no such field,
 *       {@link InvalidFieldException} if the value is not a map.</li>
 *   <li>A var that is not found is left as written and recorded as missing, by
 *       {@link VarRef#displayName()} ({@code src:creds.user}); every reference looked up is
 *       recorded as used by {@code source:path} ({@code src:creds}), which is what unused-var
 *       detection compares against {@link Variables#list()}.</li>
 * </ul>
 *
 * <p>Use {@link #interpolate(String)} and {@link #interpolateKey(String)} while walking a tree
 * of one's own (for example to report a file and line per missing var), or
 * {@link #interpolateTree(Object)} for plain Java trees, then {@link #verify()} once at the end.
 * {@link #evaluate(Object, Variables, InterpolationOptions)} does all of it in one call.
 *
 * <p>Not thread-safe: use one instance per document, from one thread.
 */
public final class VarInterpolator {

    private static final Pattern REFERENCE =
            Pattern.compile("\\(\\((([-/\\.\\w\\pL]+\\:)?[-/\\.:@\"\\w\\pL]+)\\)\\)");

    private final Variables variables;
    private final InterpolationOptions options;
    private final Set<String> used = new HashSet<>();
    private final Set<String> missing = new HashSet<>();

    private VarInterpolator(Variables variables, InterpolationOptions options) {
        this.variables = Objects.requireNonNull(variables, "variables");
        this.options = Objects.requireNonNull(options, "options");
    }

    /** An interpolator with {@link InterpolationOptions#defaults()}. */
    public static VarInterpolator create(Variables variables) {
        return new VarInterpolator(variables, InterpolationOptions.defaults());
    }

    /** An interpolator whose {@link #verify()} applies the given options. */
    public static VarInterpolator create(Variables variables, InterpolationOptions options) {
        return new VarInterpolator(variables, options);
    }

    /**
     * Interpolates a whole plain tree (Concourse's {@code Template.Evaluate}) and verifies it.
     *
     * @return a new tree, see {@link #interpolateTree(Object)}; the input is not changed
     * @throws UndefinedVarsException if {@code expectAllKeys} is set and vars were missing
     * @throws UnusedVarsException    if {@code expectAllVarsUsed} is set and vars were unused
     * @throws VarsException          for the per-reference failures listed on the class
     */
    public static Object evaluate(Object tree, Variables variables, InterpolationOptions options) {
        VarInterpolator interpolator = create(variables, options);
        Object result = interpolator.interpolateTree(tree);
        interpolator.verify();
        return result;
    }

    /**
     * Interpolates one scalar string.
     *
     * @param scalar the text of a scalar, never null
     * @return the value and the references of this scalar that were not found
     * @throws VarsException for an invalid reference, a failed lookup or field access, or a value
     *     that cannot be embedded
     */
    public InterpolatedScalar interpolate(String scalar) {
        Objects.requireNonNull(scalar, "scalar");
        List<String> names = new ArrayList<>();
        Matcher matcher = REFERENCE.matcher(scalar);
        while (matcher.find()) {
            names.add(matcher.group(1));
        }
        String current = scalar;
        List<VarRef> missingHere = new ArrayList<>();
        for (String name : names) {
            VarRef ref = VarRef.parse(name);
            used.add(ref.trackingName());
            Optional<Object> found = variables.get(ref);
            if (found.isEmpty()) {
                missing.add(ref.displayName());
                if (!missingHere.contains(ref)) {
                    missingHere.add(ref);
                }
                continue;
            }
            Object value = VarValues.traverse(found.get() == Variables.NULL ? null : found.get(), ref);
            // Checked on the current text, as Concourse does, after earlier replacements.
            if (REFERENCE.matcher(current).matches()) {
                return new InterpolatedScalar(VarValues.freeze(value), missingHere);
            }
            String text = VarValues.embeddable(value);
            if (text == null) {
                throw InvalidInterpolationException.embedded(name, VarValues.typeName(value));
            }
            current = current.replace("((" + name + "))", text);
        }
        return new InterpolatedScalar(current, missingHere);
    }

    /**
     * Interpolates a map key: like {@link #interpolate(String)}, but the value is always a string.
     * A key that is exactly one reference to a scalar becomes that scalar's text ({@code null},
     * {@code true}, {@code 42}), which is what Concourse's YAML round trip makes of it.
     *
     * @throws InvalidInterpolationException if the key is exactly one reference to a map or list
     */
    public InterpolatedScalar interpolateKey(String key) {
        InterpolatedScalar result = interpolate(key);
        if (result.value() instanceof String) {
            return result;
        }
        String text = VarValues.keyText(result.value());
        if (text == null) {
            throw InvalidInterpolationException.mapKey(key.substring(2, key.length() - 2),
                    VarValues.typeName(result.value()));
        }
        return new InterpolatedScalar(text, result.missing());
    }

    /**
     * Interpolates every string in a plain tree: map values, then map keys (as
     * {@link #interpolateKey(String)}), list items. Other values are kept as they are.
     *
     * @param tree a {@code Map}, {@code List}, {@code String} or other scalar; may be null
     * @return a new tree of unmodifiable, insertion-ordered maps and lists (null-tolerant); when
     *     keys interpolate to the same string, the later entry's value wins
     */
    public Object interpolateTree(Object tree) {
        if (tree instanceof String s) {
            return interpolate(s).value();
        }
        if (tree instanceof Map<?, ?> map) {
            Map<Object, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                Object value = interpolateTree(entry.getValue());
                Object key = entry.getKey() instanceof String s ? interpolateKey(s).value() : entry.getKey();
                out.put(key, value);
            }
            return Collections.unmodifiableMap(out);
        }
        if (tree instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            for (Object item : list) {
                out.add(interpolateTree(item));
            }
            return Collections.unmodifiableList(out);
        }
        return tree;
    }

    /** The vars looked up so far, as {@code source:path} or {@code path}, sorted, no duplicates. */
    public List<String> usedVarNames() {
        return VarValues.sorted(used);
    }

    /** The references not found so far, as {@link VarRef#displayName()}, sorted, no duplicates. */
    public List<String> missingVarNames() {
        return VarValues.sorted(missing);
    }

    /**
     * The vars listed by the {@link Variables} ({@link Variables#list()}) that no reference looked
     * up so far, as {@code source:path} or {@code path}, sorted, no duplicates. Useful to warn
     * about unused vars without failing.
     */
    public List<String> unusedVarNames() {
        List<String> names = new ArrayList<>();
        for (VarRef ref : variables.list()) {
            if (!used.contains(ref.trackingName())) {
                names.add(ref.trackingName());
            }
        }
        return VarValues.sorted(names);
    }

    /**
     * Applies the options to everything interpolated so far.
     *
     * @throws UndefinedVarsException if {@code expectAllKeys} is set and vars were missing (with an
     *     {@link UnusedVarsException} suppressed if vars were also unused and that is checked)
     * @throws UnusedVarsException    if {@code expectAllVarsUsed} is set and some var listed by the
     *     {@link Variables} was never referenced
     */
    public void verify() {
        UnusedVarsException unused = null;
        if (options.expectAllVarsUsed()) {
            List<String> names = unusedVarNames();
            if (!names.isEmpty()) {
                unused = new UnusedVarsException(names);
            }
        }
        if (options.expectAllKeys() && !missing.isEmpty()) {
            throw new UndefinedVarsException(VarValues.sorted(missing), unused);
        }
        if (unused != null) {
            throw unused;
        }
    }
}
