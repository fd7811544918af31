package dev.concourse.internal.config.validate;

import dev.concourse.config.SourceLocation;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Concourse's {@code ValidateIdentifier} ({@code atc/configwarning.go}): names of groups,
 * resources, types, var sources, jobs and steps should be lower-case letters, digits, {@code -},
 * {@code _} and {@code .}, starting with a letter or digit, and not only digits. An empty name is
 * an error, anything else invalid a warning ({@code invalid_identifier}).
 */
public final class Identifiers {
    // \d is ASCII-only both in Go's RE2 and in java.util.regex by default.
    private static final String LETTER_OR_DIGIT = "\\p{Ll}\\p{Lt}\\p{Lm}\\p{Lo}\\d";
    private static final Pattern VALID = Pattern.compile("[" + LETTER_OR_DIGIT + "][" + LETTER_OR_DIGIT + "\\-_.]*");
    private static final Pattern JUST_NUMBERS = Pattern.compile("\\d+");
    private static final Pattern INVALID_CHARACTER = Pattern.compile("[^" + LETTER_OR_DIGIT + "\\-_.]");

    static final String TYPE = "invalid_identifier";

    private Identifiers() {
    }

    /** The outcome of a check: nothing, an error or a warning, with the message after the path. */
    record Problem(boolean isError, String message) {
    }

    /**
     * Checks {@code identifier} in {@code context} (the path segments, joined without
     * separator); returns null when it is fine.
     */
    static Problem check(String identifier, List<String> context) {
        String name = Findings.nz(identifier);
        if (name.isEmpty()) {
            return new Problem(true, "identifier cannot be an empty string");
        }
        // Names of task and set_pipeline steps directly under across are templated with the
        // across vars, so Concourse does not check them. It tests the last segment with a
        // substring match, which we keep: a get named "my-task" under across is skipped too.
        int n = context.size();
        if (n >= 2 && (context.get(n - 1).contains("set_pipeline") || context.get(n - 1).contains("task"))
                && context.get(n - 2).equals(".across")) {
            return null;
        }
        if (JUST_NUMBERS.matcher(name).matches()) {
            return new Problem(false, "'" + name + "' is not a valid identifier: cannot be just numbers");
        }
        if (!VALID.matcher(name).matches()) {
            String reason = "";
            int first = name.codePointAt(0);
            if (!isLetterOrDigit(first)) {
                reason = "must start with a lowercase letter or a number";
            } else {
                Matcher m = INVALID_CHARACTER.matcher(name.substring(Character.charCount(first)));
                if (m.find()) {
                    reason = "illegal character '" + m.group() + "'";
                }
            }
            return new Problem(false, "'" + name + "' is not a valid identifier: " + reason);
        }
        return null;
    }

    /**
     * The problem with a name used outside a pipeline (a team's), if any: the message of an
     * error or a warning, both of which make it unusable there.
     */
    public static java.util.Optional<String> problem(String name) {
        Problem problem = check(name, List.of());
        return problem == null ? java.util.Optional.empty() : java.util.Optional.of(problem.message());
    }

    private static boolean isLetterOrDigit(int codePoint) {
        return Pattern.matches("[" + LETTER_OR_DIGIT + "]", new String(Character.toChars(codePoint)));
    }

    /** Checks and records: errors and warnings both typed {@code invalid_identifier}. */
    static void record(Findings findings, String identifier, List<String> context, SourceLocation location) {
        Problem problem = check(identifier, context);
        if (problem == null) {
            return;
        }
        String path = String.join("", context);
        if (problem.isError()) {
            findings.error(TYPE, path, location, problem.message());
        } else {
            findings.warning(TYPE, path, location, problem.message());
        }
    }
}
