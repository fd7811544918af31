package dev.concourse.vars;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Several {@link Variables} tried in order: the first one that defines a var wins, and a lookup
 * failure in any of them stops the search (Concourse's {@code MultiVars}). Fields of the var are
 * then read from the winning value only; there is no deep merge between sources.
 *
 * <p>Immutable and thread-safe if the sources are.
 */
public final class MultiVariables implements Variables {

    private final List<Variables> sources;

    private MultiVariables(List<Variables> sources) {
        this.sources = List.copyOf(sources);
    }

    /** The given sources, highest precedence first. */
    public static MultiVariables of(Variables... sources) {
        return new MultiVariables(List.of(sources));
    }

    /** The given sources, highest precedence first. */
    public static MultiVariables of(List<? extends Variables> sources) {
        Objects.requireNonNull(sources, "sources");
        return new MultiVariables(List.copyOf(sources));
    }

    /** The sources, highest precedence first. */
    public List<Variables> sources() {
        return sources;
    }

    @Override
    public Optional<Object> get(VarRef ref) {
        for (Variables source : sources) {
            Optional<Object> value = source.get(ref);
            if (value.isPresent()) {
                return value;
            }
        }
        return Optional.empty();
    }

    /** Every source's vars, concatenated in source order (duplicates kept). */
    @Override
    public List<VarRef> list() {
        List<VarRef> all = new ArrayList<>();
        for (Variables source : sources) {
            all.addAll(source.list());
        }
        return List.copyOf(all);
    }
}
