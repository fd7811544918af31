package dev.concourse.config;

import java.util.Objects;

/**
 * One problem found in a pipeline or task config: a parse error, a schema error or a
 * validation rule that failed.
 *
 * @param severity whether the config is unusable ({@link Severity#ERROR}) or merely suspicious
 * @param type     a short machine-readable category, such as {@code unknown_field},
 *                 {@code invalid_identifier} or {@code unused_resource}
 * @param path     the YAML path in Concourse's notation, such as
 *                 {@code jobs.unit.plan[2].get(repo)}; empty for the document itself
 * @param location where the offending value was written
 * @param message  what is wrong and what to do about it
 */
public record ConfigFinding(Severity severity, String type, String path, SourceLocation location, String message) {

    /** How bad a finding is. */
    public enum Severity {
        /** The config cannot be used as written. */
        ERROR,
        /** The config works but is probably not what was meant. */
        WARNING;

        /** Lower-case name as printed by the CLI: {@code error} or {@code warning}. */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public ConfigFinding {
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(location, "location");
        Objects.requireNonNull(message, "message");
    }

    public boolean isError() {
        return severity == Severity.ERROR;
    }

    /** The message with its YAML path in front, as Concourse prints it: {@code jobs.a.plan[0].get(x): unknown resource 'x'}. */
    public String describe() {
        return path.isEmpty() ? message : path + ": " + message;
    }

    /** {@code file:line:column: error|warning: path: message}. */
    @Override
    public String toString() {
        return location + ": " + severity.label() + ": " + describe();
    }
}
