package dev.concourse.internal.config.validate;

import dev.concourse.config.SourceLocation;
import dev.concourse.internal.config.GoDuration;
import java.util.Optional;

/**
 * Duration fields. Concourse rejects a bad {@code check_every} while parsing the pipeline, with
 * Go's {@code time.ParseDuration} message; a bad step {@code timeout} with
 * {@code invalid duration '...'}. A value holding a {@code ((var))} is left for run time, once
 * the var is resolved.
 */
final class Durations {
    static final String TYPE = "invalid_duration";

    private Durations() {
    }

    static boolean hasVar(String value) {
        return value != null && value.contains("((");
    }

    /** {@code check_every}: unset, {@code never}, or a duration. */
    static void checkEvery(Findings findings, String identifier, String value, SourceLocation location) {
        if ("never".equals(value)) {
            return;
        }
        plain(findings, identifier + ".check_every", value, location);
    }

    /** An optional duration; the message is Go's parse error. */
    static void plain(Findings findings, String path, String value, SourceLocation location) {
        if (value == null || value.isEmpty() || hasVar(value)) {
            return;
        }
        Optional<String> error = GoDuration.validate(value);
        error.ifPresent(message -> findings.error(TYPE, path, location, message));
    }
}
