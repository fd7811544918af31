package dev.concourse.vars;

/**
 * A fly-style var flag ({@code -v name=value}, {@code -y name=yaml}, {@code -i name=yaml}) that
 * cannot be parsed.
 *
 * <p>Messages: {@code invalid variable pair 'FLAG' (must be name=value)} (Concourse's wording) when
 * there is no {@code =}; {@code invalid variable pair 'FLAG': invalid var 'NAME': ...} when the name
 * is not a valid var reference (the {@link InvalidVarRefException} is the cause); and
 * {@code invalid YAML value in variable pair 'FLAG': PROBLEM} when a YAML value does not parse.
 */
public final class InvalidVarFlagException extends VarsException {
    private static final long serialVersionUID = 1L;

    private final String flag;

    private InvalidVarFlagException(String flag, String message, Throwable cause) {
        super(message, cause);
        this.flag = flag;
    }

    static InvalidVarFlagException notAPair(String flag) {
        return new InvalidVarFlagException(flag, "invalid variable pair '" + flag + "' (must be name=value)", null);
    }

    static InvalidVarFlagException badName(String flag, InvalidVarRefException cause) {
        return new InvalidVarFlagException(flag, "invalid variable pair '" + flag + "': " + cause.getMessage(), cause);
    }

    static InvalidVarFlagException badYaml(String flag, String problem, Throwable cause) {
        return new InvalidVarFlagException(flag, "invalid YAML value in variable pair '" + flag + "': " + problem,
                cause);
    }

    /** The flag value as given, for example {@code creds.user=admin}. */
    public String flag() {
        return flag;
    }
}
