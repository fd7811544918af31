package dev.concourse.internal.redact;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every credential value fetched for one build, as the strings to redact from its events
 * (Concourse's {@code vars.Tracker}).
 *
 * <p>A value is flattened to its string leaves (map values and list items, recursively; numbers
 * and booleans are not secrets, as in Concourse). Each leaf is split into lines, each line is
 * stripped of surrounding whitespace, and lines of two or more characters are redacted
 * (Concourse's rule since issue #4656: one character would redact every occurrence of that
 * character). For each such line the forms it takes inside JSON strings are redacted too: with
 * {@code "}, {@code \} and control characters escaped, additionally with {@code <>&} escaped as
 * Go's encoder does, and with non-ASCII characters escaped as {@code \}{@code uXXXX}.
 *
 * <p>Values are never forgotten: a secret that changes during a build has its old and new values
 * redacted. Thread-safe: parallel steps track and redact concurrently. Tracking recompiles the
 * matcher only when a new string appears, so tracking the same value again is cheap.
 */
public final class SecretTracker {

    /** What a secret is replaced with, as in Concourse. */
    public static final String REDACTED = "((redacted))";

    private final Set<String> patterns = new LinkedHashSet<>();
    private volatile SecretMatcher matcher = SecretMatcher.EMPTY;

    /**
     * Records a credential value so that it is redacted from now on.
     *
     * @param value a plain value: string, number, boolean, list, map, or null (ignored)
     */
    public void track(Object value) {
        List<String> found = new ArrayList<>();
        collect(value, found, 0);
        if (found.isEmpty()) {
            return;
        }
        synchronized (this) {
            boolean added = false;
            for (String pattern : found) {
                added |= patterns.add(pattern);
            }
            if (added) {
                matcher = SecretMatcher.compile(List.copyOf(patterns));
            }
        }
    }

    /** Whether nothing has been tracked that would be redacted. */
    public boolean isEmpty() {
        return matcher.isEmpty();
    }

    /**
     * {@code text} with every tracked secret replaced by {@link #REDACTED}: for whole strings such as
     * error messages or a task's arguments. Returns the same instance when there is nothing to
     * redact; null stays null.
     */
    public String redact(String text) {
        return matcher.redact(text, REDACTED);
    }

    /** The current matcher; a later {@link #track(Object)} replaces it, never changes it. */
    SecretMatcher matcher() {
        return matcher;
    }

    private static void collect(Object value, List<String> out, int depth) {
        if (depth > 100) {
            return;
        }
        if (value instanceof String s) {
            addLines(s, out);
        } else if (value instanceof Map<?, ?> map) {
            for (Object v : map.values()) {
                collect(v, out, depth + 1);
            }
        } else if (value instanceof List<?> list) {
            for (Object v : list) {
                collect(v, out, depth + 1);
            }
        }
    }

    private static void addLines(String value, List<String> out) {
        int start = 0;
        while (start <= value.length()) {
            int newline = value.indexOf('\n', start);
            int end = newline < 0 ? value.length() : newline;
            String line = value.substring(start, end).strip();
            if (line.codePointCount(0, line.length()) > 1) {
                out.add(line);
                addIfDifferent(line, JsonEscapes.escape(line, false, false), out);
                addIfDifferent(line, JsonEscapes.escape(line, true, false), out);
                addIfDifferent(line, JsonEscapes.escape(line, false, true), out);
            }
            if (newline < 0) {
                break;
            }
            start = newline + 1;
        }
    }

    private static void addIfDifferent(String line, String escaped, List<String> out) {
        if (!escaped.equals(line)) {
            out.add(escaped);
        }
    }
}
