package dev.concourse.vars;

/**
 * A vars file ({@code fly -l}) or vars YAML text that cannot be used: unreadable, not YAML, or not a
 * mapping of var names to values.
 *
 * <p>Messages (Concourse's wording, then the reason): {@code could not read template variables file
 * (PATH): REASON} and {@code could not unmarshal template variables (NAME): REASON}.
 */
public final class VarsFileException extends VarsException {
    private static final long serialVersionUID = 1L;

    private final String sourceName;

    VarsFileException(String sourceName, String message, Throwable cause) {
        super(message, cause);
        this.sourceName = sourceName;
    }

    static VarsFileException unreadable(String path, Throwable cause) {
        return new VarsFileException(path, "could not read template variables file (" + path + "): "
                + cause.getMessage() + "; check the path given to -l", cause);
    }

    static VarsFileException invalid(String sourceName, String reason, Throwable cause) {
        return new VarsFileException(sourceName, "could not unmarshal template variables (" + sourceName
                + "): " + reason, cause);
    }

    /** The file path or source name the vars came from. */
    public String sourceName() {
        return sourceName;
    }
}
