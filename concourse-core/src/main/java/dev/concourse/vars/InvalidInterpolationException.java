package dev.concourse.vars;

/**
 * A var whose value cannot be used where it is referenced: a map, list, bool, float or null
 * embedded in a longer string ({@code url-((creds))}), or a map or list used as a map key.
 *
 * <p>Messages: {@code cannot interpolate non-primitive value (TYPE) from var: NAME; ...} (Concourse's
 * wording, followed by what to do) and {@code cannot use non-primitive value (TYPE) from var: NAME
 * as a map key}. TYPE is one of {@code map}, {@code list}, {@code bool}, {@code float},
 * {@code null}.
 */
public final class InvalidInterpolationException extends VarsException {
    private static final long serialVersionUID = 1L;

    private final String varName;
    private final String valueType;

    private InvalidInterpolationException(String message, String varName, String valueType) {
        super(message);
        this.varName = varName;
        this.valueType = valueType;
    }

    static InvalidInterpolationException embedded(String varName, String valueType) {
        return new InvalidInterpolationException("cannot interpolate non-primitive value (" + valueType
                + ") from var: " + varName + "; only strings and integers can be part of a longer string,"
                + " so make ((" + varName + ")) the whole value or change the var's value", varName, valueType);
    }

    static InvalidInterpolationException mapKey(String varName, String valueType) {
        return new InvalidInterpolationException("cannot use non-primitive value (" + valueType
                + ") from var: " + varName + " as a map key; give the var a string value", varName, valueType);
    }

    /** The reference as written between the parentheses. */
    public String varName() {
        return varName;
    }

    /** The type of the offending value. */
    public String valueType() {
        return valueType;
    }
}
