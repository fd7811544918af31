package dev.concourse.vars;

/**
 * A reference names a var source ({@code ((vault:name))}) that {@link NamedVariables} does not have.
 *
 * <p>Message (Concourse's wording): {@code missing source 'SOURCE' in var: NAME}.
 */
public final class MissingSourceException extends VarsException {
    private static final long serialVersionUID = 1L;

    private final String source;
    private final String varName;

    MissingSourceException(String source, String varName) {
        super("missing source '" + source + "' in var: " + varName);
        this.source = source;
        this.varName = varName;
    }

    /** The var source name that is not configured. */
    public String source() {
        return source;
    }

    /** The full reference, for example {@code vault:name}. */
    public String varName() {
        return varName;
    }
}
