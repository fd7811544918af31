package dev.concourse.vars;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Vars reached through a var source name, {@code ((source:path))}: the reference is handed, without
 * its source, to the {@link Variables} registered under that name (Concourse's
 * {@code NamedVariables}, used for {@code var_sources} and for {@code .}, the build's local vars).
 * References without a source are not found here; references naming an unknown source fail with
 * {@link MissingSourceException}.
 *
 * <p>Immutable and thread-safe if the sources are.
 */
public final class NamedVariables implements Variables {

    private final Map<String, Variables> sources;

    private NamedVariables(Map<String, Variables> sources) {
        this.sources = sources;
    }

    /** Sources by name; the iteration order of the map is kept for {@link #list()}. */
    public static NamedVariables of(Map<String, ? extends Variables> sources) {
        Objects.requireNonNull(sources, "sources");
        Map<String, Variables> copy = new LinkedHashMap<>();
        sources.forEach((name, vars) -> copy.put(Objects.requireNonNull(name, "source name"),
                Objects.requireNonNull(vars, "variables of source " + name)));
        return new NamedVariables(Collections.unmodifiableMap(copy));
    }

    /** The sources by name. */
    public Map<String, Variables> sources() {
        return sources;
    }

    /**
     * {@inheritDoc}
     *
     * @throws MissingSourceException if the reference names a source that is not registered
     */
    @Override
    public Optional<Object> get(VarRef ref) {
        if (ref.source() == null) {
            return Optional.empty();
        }
        Variables vars = sources.get(ref.source());
        if (vars == null) {
            throw new MissingSourceException(ref.source(), ref.displayName());
        }
        return vars.get(ref.withoutSource());
    }

    /** Every source's vars, each qualified with its source name. */
    @Override
    public List<VarRef> list() {
        List<VarRef> all = new ArrayList<>();
        sources.forEach((name, vars) -> {
            for (VarRef ref : vars.list()) {
                all.add(new VarRef(name, ref.path(), ref.fields()));
            }
        });
        return List.copyOf(all);
    }
}
