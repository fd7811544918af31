package dev.concourse.internal.vars;

import dev.concourse.ConcourseException;

/** YAML that {@link GoYaml} cannot read; callers add which file or flag it came from. */
public final class GoYamlException extends ConcourseException {
    private static final long serialVersionUID = 1L;

    GoYamlException(String problem, Throwable cause) {
        super(problem, cause);
    }

    /** What is wrong, with its line and column when known. */
    public String problem() {
        return getMessage();
    }
}
