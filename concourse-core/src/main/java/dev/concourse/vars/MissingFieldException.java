package dev.concourse.vars;

/**
 * A field reference ({@code ((creds.user))}) into a map value that has no such field.
 *
 * <p>Message (Concourse's wording): {@code missing field 'FIELD' in var: NAME}, where NAME is the
 * reference as passed to the variables (without its var source, as in Concourse).
 */
public final class MissingFieldException extends VarsException {
    private static final long serialVersionUID = 1L;

    private final String varName;
    private final String field;

    MissingFieldException(String varName, String field) {
        super("missing field '" + field + "' in var: " + varName);
        this.varName = varName;
        this.field = field;
    }

    /** The full reference, for example {@code creds.user}. */
    public String varName() {
        return varName;
    }

    /** The field that was not found. */
    public String field() {
        return field;
    }
}
