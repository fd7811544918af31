package dev.concourse.internal.config.validate;

/**
 * Go's {@code path.Match}, which Concourse uses for the job patterns of {@code passed}:
 * {@code *} matches any run of characters other than {@code /}, {@code ?} one such character,
 * {@code [a-z]} / {@code [^a-z]} a class, {@code \} escapes. Concourse ignores the error of a
 * malformed pattern, so a malformed pattern simply matches nothing.
 */
public final class PassedGlob {
    private PassedGlob() {
    }

    private static final class BadPattern extends Exception {
        private static final long serialVersionUID = 1L;

        BadPattern() {
            super(null, null, false, false);
        }
    }

    public static boolean matches(String pattern, String name) {
        try {
            return match(pattern.codePoints().toArray(), name.codePoints().toArray());
        } catch (BadPattern e) {
            return false;
        }
    }

    private static boolean match(int[] pattern, int[] name) throws BadPattern {
        int p = 0;
        int n = 0;
        outer:
        while (p < pattern.length) {
            boolean star = false;
            while (p < pattern.length && pattern[p] == '*') {
                p++;
                star = true;
            }
            int chunkStart = p;
            int chunkEnd = scanChunkEnd(pattern, p);
            p = chunkEnd;
            if (star && chunkStart == chunkEnd) {
                // Trailing * matches the rest of the name unless it has a /.
                for (int i = n; i < name.length; i++) {
                    if (name[i] == '/') {
                        return false;
                    }
                }
                return true;
            }
            int rest = matchChunk(pattern, chunkStart, chunkEnd, name, n);
            if (rest >= 0 && (rest == name.length || p < pattern.length)) {
                n = rest;
                continue;
            }
            if (star) {
                for (int i = n; i < name.length && name[i] != '/'; i++) {
                    int t = matchChunk(pattern, chunkStart, chunkEnd, name, i + 1);
                    if (t >= 0) {
                        if (p == pattern.length && t < name.length) {
                            continue;
                        }
                        n = t;
                        continue outer;
                    }
                }
            }
            // Before failing, check that the rest of the pattern is well-formed.
            while (p < pattern.length) {
                while (p < pattern.length && pattern[p] == '*') {
                    p++;
                }
                int end = scanChunkEnd(pattern, p);
                matchChunk(pattern, p, end, name, name.length);
                p = end;
            }
            return false;
        }
        return n == name.length;
    }

    private static int scanChunkEnd(int[] pattern, int start) {
        boolean inRange = false;
        int i = start;
        for (; i < pattern.length; i++) {
            int c = pattern[i];
            if (c == '\\') {
                if (i + 1 < pattern.length) {
                    i++;
                }
            } else if (c == '[') {
                inRange = true;
            } else if (c == ']') {
                inRange = false;
            } else if (c == '*' && !inRange) {
                break;
            }
        }
        return i;
    }

    /** Matches the chunk at the start of name[s..]; returns the index after the match or -1. */
    private static int matchChunk(int[] pattern, int c, int end, int[] name, int s) throws BadPattern {
        boolean failed = false;
        while (c < end) {
            if (!failed && s >= name.length) {
                failed = true;
            }
            int ch = pattern[c];
            if (ch == '[') {
                int r = 0;
                if (!failed) {
                    r = name[s++];
                }
                c++;
                boolean negated = false;
                if (c < end && pattern[c] == '^') {
                    negated = true;
                    c++;
                }
                boolean match = false;
                int nrange = 0;
                while (true) {
                    if (c < end && pattern[c] == ']' && nrange > 0) {
                        c++;
                        break;
                    }
                    int[] lo = escaped(pattern, c, end);
                    c = lo[1];
                    int hi = lo[0];
                    if (pattern[c] == '-') {
                        int[] h = escaped(pattern, c + 1, end);
                        hi = h[0];
                        c = h[1];
                    }
                    if (lo[0] <= r && r <= hi) {
                        match = true;
                    }
                    nrange++;
                }
                if (match == negated) {
                    failed = true;
                }
            } else if (ch == '?') {
                if (!failed) {
                    if (name[s] == '/') {
                        failed = true;
                    }
                    s++;
                }
                c++;
            } else {
                if (ch == '\\') {
                    c++;
                    if (c == end) {
                        throw new BadPattern();
                    }
                }
                if (!failed) {
                    if (pattern[c] != name[s]) {
                        failed = true;
                    }
                    s++;
                }
                c++;
            }
        }
        return failed ? -1 : s;
    }

    /** Go's getEsc: one possibly escaped class character; returns {char, next index}. */
    private static int[] escaped(int[] pattern, int c, int end) throws BadPattern {
        if (c >= end || pattern[c] == '-' || pattern[c] == ']') {
            throw new BadPattern();
        }
        if (pattern[c] == '\\') {
            c++;
            if (c >= end) {
                throw new BadPattern();
            }
        }
        int r = pattern[c];
        c++;
        if (c >= end) {
            throw new BadPattern();
        }
        return new int[] {r, c};
    }
}
