package dev.concourse.vars;

/**
 * A field reference ({@code ((creds.user))}) into a value that is not a map (a string, a list...).
 *
 * <p>Message (Concourse's wording, with a Java-neutral type name):
 * {@code cannot access field 'FIELD' of non-map value ('TYPE') from var: NAME}, TYPE being one of
 * {@code string}, {@code int}, {@code number}, {@code float}, {@code bool}, {@code list},
 * {@code null}.
 */
public final class InvalidFieldException extends VarsException {
    private static final long serialVersionUID = 1L;

    private final String varName;
    private final String field;
    private final String valueType;

    InvalidFieldException(String varName, String field, String valueType) {
        super("cannot access field '" + field + "' of non-map value ('" + valueType + "') from var: " + varName);
        this.varName = varName;
        this.field = field;
        this.valueType = valueType;
    }

    /** The full reference, for example {@code creds.user}. */
    public String varName() {
        return varName;
    }

    /** The field that could not be read. */
    public String field() {
        return field;
    }

    /** The type of the value the field was read from. */
    public String valueType() {
        return valueType;
    }
}
