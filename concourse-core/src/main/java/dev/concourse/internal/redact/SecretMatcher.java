package dev.concourse.internal.redact;

import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * Finds every occurrence of a fixed set of strings in one pass (Aho–Corasick over UTF-16 chars),
 * and reports them as merged intervals, so overlapping secrets are redacted as one.
 *
 * <p>States are numbered breadth first. The shallow ones, where text without secrets spends its
 * time, have a full transition row over the chars the secrets use (chars no secret uses all lead
 * to the root), so the scan is one table lookup per char without branches that depend on the
 * text; deeper states, reached only inside a partial match, follow failure links to a shallow one.
 * The table is bounded, so many long secrets cost memory only up to a limit. Immutable and
 * thread-safe once built.
 */
final class SecretMatcher {

    static final SecretMatcher EMPTY = new SecretMatcher();

    /** At most this many transition table entries (4 bytes each). */
    private static final int TABLE_BUDGET = 1 << 19;

    /** Column of each char in a transition row; 0 for chars that no secret uses. */
    private final int[] classOf;
    private final int width;
    /**
     * Rows of the states below {@code tableStates}: {@code table[state * width + classOf[c]]} is
     * the next state, as {@link #entry(int)} encodes it.
     */
    private final int[] table;
    private final int tableStates;
    /** Children of state {@code s} are at {@code [edgeStart[s], edgeStart[s + 1])}, sorted by char. */
    private final int[] edgeStart;
    private final char[] edgeChar;
    private final int[] edgeTarget;
    private final int[] fail;
    /** The length of the longest pattern that ends at this state (itself or along failure links), or 0. */
    private final int[] matchLength;
    /**
     * The length of the longest suffix of this state's text that can still grow into a longer
     * match: the depth of the deepest state on the failure chain (itself included) with children.
     */
    private final int[] holdLength;

    private SecretMatcher() {
        this(null, 1, new int[1], 1, new int[] {0, 0}, new char[0], new int[0], new int[1], new int[1], new int[1]);
    }

    private SecretMatcher(int[] classOf, int width, int[] table, int tableStates, int[] edgeStart, char[] edgeChar,
            int[] edgeTarget, int[] fail, int[] matchLength, int[] holdLength) {
        this.classOf = classOf;
        this.width = width;
        this.table = table;
        this.tableStates = tableStates;
        this.edgeStart = edgeStart;
        this.edgeChar = edgeChar;
        this.edgeTarget = edgeTarget;
        this.fail = fail;
        this.matchLength = matchLength;
        this.holdLength = holdLength;
    }

    /** A matcher for the given non-empty strings; duplicates are fine. */
    static SecretMatcher compile(Collection<String> patterns) {
        return compile(patterns, TABLE_BUDGET);
    }

    /** As {@link #compile(Collection)}, with at most {@code tableBudget} table entries (tests use tiny ones). */
    static SecretMatcher compile(Collection<String> patterns, int tableBudget) {
        if (patterns.isEmpty()) {
            return EMPTY;
        }
        Trie trie = Trie.of(patterns);
        int nodes = trie.nodes;

        // Renumber breadth first: shallow states get the low numbers (and the table rows).
        int[] order = new int[nodes];
        int[] number = new int[nodes];
        int tail = 1;
        for (int head = 0; head < tail; head++) {
            int node = order[head];
            number[node] = head;
            for (int e = trie.edgeStart[node]; e < trie.edgeStart[node + 1]; e++) {
                order[tail++] = trie.edgeTarget[e];
            }
        }
        int[] edgeStart = new int[nodes + 1];
        char[] edgeChar = new char[trie.edgeChar.length];
        int[] edgeTarget = new int[trie.edgeTarget.length];
        int[] depth = new int[nodes];
        int[] own = new int[nodes];
        int edges = 0;
        for (int state = 0; state < nodes; state++) {
            int node = order[state];
            depth[state] = trie.depth[node];
            own[state] = trie.own[node];
            edgeStart[state] = edges;
            for (int e = trie.edgeStart[node]; e < trie.edgeStart[node + 1]; e++) {
                edgeChar[edges] = trie.edgeChar[e];
                edgeTarget[edges] = number[trie.edgeTarget[e]];
                edges++;
            }
        }
        edgeStart[nodes] = edges;

        char[] used = edgeChar.clone();
        Arrays.sort(used);
        int[] classOf = new int[Character.MAX_VALUE + 1];
        int width = 1;
        for (int i = 0; i < used.length; i++) {
            if (i == 0 || used[i] != used[i - 1]) {
                classOf[used[i]] = width++;
            }
        }
        char[] charOfClass = new char[width];
        for (int i = 0; i < used.length; i++) {
            charOfClass[classOf[used[i]]] = used[i];
        }
        int tableStates = Math.max(1, Math.min(nodes, tableBudget / width));
        int[] fail = new int[nodes];
        int[] matchLength = new int[nodes];
        int[] holdLength = new int[nodes];
        SecretMatcher matcher = new SecretMatcher(classOf, width, new int[tableStates * width], tableStates,
                edgeStart, edgeChar, edgeTarget, fail, matchLength, holdLength);
        // Breadth first: a state's failure target is shallower, so it is complete before the state.
        for (int state = 0; state < nodes; state++) {
            for (int e = edgeStart[state]; e < edgeStart[state + 1]; e++) {
                int child = edgeTarget[e];
                int target = state == 0 ? 0 : matcher.next(fail[state], edgeChar[e]);
                fail[child] = target;
                matchLength[child] = Math.max(own[child], matchLength[target]);
                holdLength[child] = edgeStart[child + 1] > edgeStart[child] ? depth[child] : holdLength[target];
            }
            if (state < tableStates) {
                int row = state * width;
                for (int column = 1; column < width; column++) {
                    int child = matcher.child(state, charOfClass[column]);
                    matcher.table[row + column] = child >= 0 ? matcher.entry(child)
                            : state == 0 ? 0 : matcher.table[fail[state] * width + column];
                }
            }
        }
        return matcher;
    }

    boolean isEmpty() {
        return classOf == null;
    }

    /**
     * Scans {@code text} from the root state.
     *
     * @param found receives every match as merged, sorted, disjoint {@code [start, end)} intervals
     * @return the length of the longest suffix of {@code text} that more text could turn into a
     *     match: the start of a pattern, not a whole pattern that nothing extends (what must be
     *     held back if more text may follow)
     */
    int scan(String text, Intervals found) {
        if (classOf == null) {
            return 0;
        }
        int[] classes = classOf;
        int[] rows = table;
        int n = text.length();
        int row = 0;
        int i = 0;
        while (i < n) {
            int entry = rows[row + classes[text.charAt(i++)]];
            if (entry >= 0) {
                row = entry;
                continue;
            }
            // A match ends here, or a deep state: step char by char until back in a plain table state.
            int state = -entry - 1;
            while (true) {
                int length = matchLength[state];
                if (length != 0) {
                    found.add(i - length, i);
                }
                if (state < tableStates || i == n) {
                    break;
                }
                state = next(state, text.charAt(i++));
            }
            if (state >= tableStates) {
                return holdLength[state];
            }
            row = state * width;
        }
        return holdLength[row / width];
    }

    /** {@code text} with every match replaced; the same instance if nothing matched. */
    String redact(String text, String replacement) {
        if (text == null || classOf == null) {
            return text;
        }
        Intervals found = new Intervals();
        scan(text, found);
        return found.isEmpty() ? text : found.apply(text, 0, text.length(), replacement);
    }

    /** The state after {@code c} in {@code state}. */
    private int next(int state, char c) {
        int s = state;
        while (s >= tableStates) {
            int child = child(s, c);
            if (child >= 0) {
                return child;
            }
            s = fail[s];
        }
        int entry = table[s * width + classOf[c]];
        return entry >= 0 ? entry / width : -entry - 1;
    }

    /**
     * How a table cell names its target: the row offset of a table state without a match (the
     * scan's fast path), else the state's number, negated and minus one.
     */
    private int entry(int state) {
        return state < tableStates && matchLength[state] == 0 ? state * width : -state - 1;
    }

    private int child(int state, char c) {
        int from = edgeStart[state];
        int to = edgeStart[state + 1];
        if (to - from <= 8) {
            for (int e = from; e < to; e++) {
                if (edgeChar[e] == c) {
                    return edgeTarget[e];
                }
            }
            return -1;
        }
        int e = Arrays.binarySearch(edgeChar, from, to, c);
        return e >= 0 ? edgeTarget[e] : -1;
    }

    /** The trie of the patterns while it is built, children sorted by char. */
    private static final class Trie {
        int nodes;
        int[] depth;
        int[] own;
        int[] edgeStart;
        char[] edgeChar;
        int[] edgeTarget;

        static Trie of(Collection<String> patterns) {
            Map<Long, Integer> children = new HashMap<>();
            int capacity = 1;
            for (String pattern : patterns) {
                capacity += pattern.length();
            }
            Trie trie = new Trie();
            trie.depth = new int[capacity];
            trie.own = new int[capacity];
            trie.nodes = 1;
            for (String pattern : patterns) {
                if (pattern.isEmpty()) {
                    throw new IllegalArgumentException("empty pattern");
                }
                int node = 0;
                for (int i = 0; i < pattern.length(); i++) {
                    long key = ((long) node << 16) | pattern.charAt(i);
                    Integer child = children.get(key);
                    if (child == null) {
                        child = trie.nodes++;
                        trie.depth[child] = trie.depth[node] + 1;
                        children.put(key, child);
                    }
                    node = child;
                }
                trie.own[node] = pattern.length();
            }
            long[] keys = new long[children.size()];
            int k = 0;
            for (long key : children.keySet()) {
                keys[k++] = key;
            }
            Arrays.sort(keys);
            trie.edgeStart = new int[trie.nodes + 1];
            trie.edgeChar = new char[keys.length];
            trie.edgeTarget = new int[keys.length];
            for (int e = 0; e < keys.length; e++) {
                trie.edgeStart[(int) (keys[e] >>> 16) + 1]++;
                trie.edgeChar[e] = (char) (keys[e] & 0xFFFF);
                trie.edgeTarget[e] = children.get(keys[e]);
            }
            for (int n = 0; n < trie.nodes; n++) {
                trie.edgeStart[n + 1] += trie.edgeStart[n];
            }
            return trie;
        }
    }

    /** Disjoint, sorted {@code [start, end)} intervals; an interval that overlaps earlier ones swallows them. */
    static final class Intervals {
        private int[] starts;
        private int[] ends;
        private int size;

        boolean isEmpty() {
            return size == 0;
        }

        int size() {
            return size;
        }

        int start(int i) {
            return starts[i];
        }

        int end(int i) {
            return ends[i];
        }

        /** Adds an interval whose end is at or after every end added before. */
        void add(int start, int end) {
            if (starts == null) {
                starts = new int[8];
                ends = new int[8];
            }
            int merged = start;
            while (size > 0 && merged < ends[size - 1]) {
                merged = Math.min(merged, starts[size - 1]);
                size--;
            }
            if (size == starts.length) {
                starts = Arrays.copyOf(starts, size * 2);
                ends = Arrays.copyOf(ends, size * 2);
            }
            starts[size] = merged;
            ends[size] = end;
            size++;
        }

        /**
         * {@code text[from, to)} with the intervals that lie inside it replaced. Intervals must not
         * straddle {@code from} or {@code to}.
         */
        String apply(String text, int from, int to, String replacement) {
            StringBuilder out = new StringBuilder(to - from + 16);
            int at = from;
            for (int i = 0; i < size; i++) {
                if (starts[i] < from || ends[i] > to) {
                    continue;
                }
                out.append(text, at, starts[i]).append(replacement);
                at = ends[i];
            }
            return out.append(text, at, to).toString();
        }
    }
}
