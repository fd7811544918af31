package dev.concourse.vars;

/**
 * A var reference that Concourse's grammar rejects, for example {@code ((a..b))} (an empty field)
 * or {@code (("src":name))} (a quoted source).
 *
 * <p>Message: {@code invalid var 'TEXT': PROBLEM; HINT}, where the part before the semicolon is
 * Concourse's own wording.
 */
public final class InvalidVarRefException extends VarsException {
    private static final long serialVersionUID = 1L;

    private final String reference;
    private final String problem;

    InvalidVarRefException(String reference, String problem, String hint) {
        super("invalid var '" + reference + "': " + problem + "; " + hint);
        this.reference = reference;
        this.problem = problem;
    }

    /** The rejected reference text, without the surrounding parentheses. */
    public String reference() {
        return reference;
    }

    /** What is wrong with it: {@code empty field} or {@code source must not be quoted}. */
    public String problem() {
        return problem;
    }
}
