package dev.concourse.vars;

import java.util.List;
import java.util.Optional;

/**
 * Where {@code ((var))} values come from: a vars file, fly flags, a credential manager, a build's
 * local vars.
 *
 * <p>Values are plain Java: {@code String}, {@code Boolean}, {@code Integer}/{@code Long}/
 * {@code BigInteger}, {@code BigDecimal} (a number as written, like Concourse's JSON numbers),
 * {@code Double}, {@code List<Object>}, insertion-ordered {@code Map<String, Object>}, and null
 * (returned as {@link #NULL}, since an {@link Optional} cannot hold null).
 *
 * <p>Implementations must be safe to call from several threads if they are shared between
 * interpolations; the ones in this package are immutable.
 */
public interface Variables {

    /**
     * What {@link #get(VarRef)} returns for a var that is defined with the value null, to tell it
     * apart from a var that is not defined at all. Interpolation turns it back into null.
     */
    Object NULL = NullValue.INSTANCE;

    /**
     * Looks up the value of {@code ref.path()}.
     *
     * <p>The whole reference is passed so that an implementation can look at
     * {@link VarRef#source()}; the {@link VarRef#fields()} are read from the returned value by the
     * interpolator, so implementations do not traverse them. An implementation that serves no
     * var source returns empty for references that name one, as Concourse's static vars do.
     *
     * @param ref the reference, never null
     * @return the value, {@link #NULL} for a var defined as null, or empty when the var is not
     *     defined here
     * @throws dev.concourse.ConcourseException when the lookup itself fails (for example an
     *     unreachable credential manager); the message should name the var and the source
     */
    Optional<Object> get(VarRef ref);

    /**
     * The vars this source can enumerate, used to report vars that were never referenced
     * ({@link InterpolationOptions#expectAllVarsUsed()}). Each reference carries a path and, for
     * sources reached through a var source name, that source. Sources that cannot enumerate
     * (most credential managers) return an empty list, as they do in Concourse.
     *
     * @return the defined vars, possibly with duplicates; never null
     */
    default List<VarRef> list() {
        return List.of();
    }
}
