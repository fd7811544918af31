package dev.concourse.internal.config.validate;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The glob dialect of {@code github.com/gobwas/glob} v0.2.3 without separators, which Concourse
 * uses for the {@code jobs} of a group: {@code *} and {@code **} match any run of characters,
 * {@code ?} one character, {@code [abc]}, {@code [a-z]} and their negations {@code [!abc]},
 * {@code [!a-z]} one character of a set or range (one set or one range per brackets),
 * {@code {a,b}} any of the alternatives, {@code \} escapes. Compiled to a
 * {@link java.util.regex.Pattern}.
 */
final class GroupGlob {
    private GroupGlob() {
    }

    /** Whether the glob has no special character, so that it matches exactly itself. */
    static boolean isLiteral(String glob) {
        String g = Findings.nz(glob);
        for (char c : new char[] {'*', '?', '[', '{', '\\'}) {
            if (g.indexOf(c) >= 0) {
                return false;
            }
        }
        return true;
    }

    /** The pattern, or empty when gobwas/glob would refuse to compile it. */
    static Optional<Pattern> compile(String glob) {
        int[] cps = Findings.nz(glob).codePoints().toArray();
        StringBuilder regex = new StringBuilder();
        int depth = 0;
        int i = 0;
        while (i < cps.length) {
            int c = cps[i];
            if (c == '{') {
                depth++;
                regex.append("(?:");
                i++;
            } else if (c == ',' && depth > 0) {
                regex.append('|');
                i++;
            } else if (c == '}' && depth > 0) {
                depth--;
                regex.append(')');
                i++;
            } else if (c == '[') {
                i = range(cps, i + 1, regex);
                if (i < 0) {
                    return Optional.empty();
                }
            } else if (c == '?') {
                regex.append('.');
                i++;
            } else if (c == '*') {
                regex.append(".*");
                i++;
                if (i < cps.length && cps[i] == '*') {
                    i++;
                }
            } else {
                List<Integer> text = new ArrayList<>();
                i = text(cps, i, depth > 0 ? "?*[{}," : "?*[{", text);
                for (int t : text) {
                    regex.append(literal(t));
                }
            }
        }
        // gobwas/glob v0.2.3 accepts an unclosed '{' as if it were closed at the end.
        regex.append(")".repeat(depth));
        return Optional.of(Pattern.compile(regex.toString(), Pattern.DOTALL));
    }

    /** Lexes a run of text up to a breaker, resolving escapes; returns the next index. */
    private static int text(int[] cps, int i, String breakers, List<Integer> out) {
        boolean escaped = false;
        for (; i < cps.length; i++) {
            int c = cps[i];
            if (!escaped) {
                if (c == '\\') {
                    escaped = true;
                    continue;
                }
                if (breakers.indexOf(c) >= 0) {
                    break;
                }
            }
            escaped = false;
            out.add(c);
        }
        return i;
    }

    /** Lexes and parses a character class after '['; returns the next index or -1 on error. */
    private static int range(int[] cps, int i, StringBuilder regex) {
        boolean not = false;
        if (i < cps.length && cps[i] == '!') {
            not = true;
            i++;
        }
        if (i >= cps.length) {
            return -1; // unexpected end of input
        }
        String body;
        if (i + 1 < cps.length && cps[i + 1] == '-') {
            int lo = cps[i];
            if (i + 2 >= cps.length) {
                return -1;
            }
            int hi = cps[i + 2];
            i += 3;
            if (hi < lo || lo == 0 || hi == 0) {
                return -1; // hi should be greater than lo / could not parse range
            }
            body = literal(lo) + "-" + literal(hi);
        } else {
            List<Integer> chars = new ArrayList<>();
            i = text(cps, i, "]", chars);
            if (chars.isEmpty()) {
                // "[]" or "[!]": could not parse range; also covers end of input
                return -1;
            }
            StringBuilder set = new StringBuilder();
            chars.forEach(ch -> set.append(literal(ch)));
            body = set.toString();
        }
        if (i >= cps.length || cps[i] != ']') {
            return -1; // unexpected end of input / expected close range character
        }
        regex.append('[').append(not ? "^" : "").append(body).append(']');
        return i + 1;
    }

    private static String literal(int codePoint) {
        return "\\x{" + Integer.toHexString(codePoint) + "}";
    }
}
