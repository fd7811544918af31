package dev.concourse.vars;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A reference to a var, the text written between {@code ((} and {@code ))}, such as
 * {@code ((name))}, {@code ((creds.user))} or {@code ((vault:"my.secret"."field:1"))}.
 *
 * <p>Concourse's rules: an unquoted {@code :} separates the var source from the rest; the rest is
 * split on unquoted {@code .} into the path (the var name, which may contain {@code /}) and the
 * fields to read from the var's value. Double quotes protect dots and colons and are removed;
 * whitespace around unquoted segments is trimmed. A source named {@code .} means the build's
 * local vars ({@code load_var}, {@code across}).
 *
 * <p>Instances are immutable and safe to share between threads.
 *
 * @param source the var source name, or {@code null} when none was given (an empty source is
 *               treated as none, as Concourse does)
 * @param path   the var name, never null
 * @param fields the fields to traverse in the var's value, in order; never null, may be empty
 */
public record VarRef(String source, String path, List<String> fields) {

    /**
     * Normalizes an empty source to {@code null} and copies the fields.
     *
     * @throws NullPointerException if path, fields or one of the fields is null
     */
    public VarRef {
        Objects.requireNonNull(path, "path");
        if (source != null && source.isEmpty()) {
            source = null;
        }
        fields = List.copyOf(fields);
    }

    /** A reference to a var without a source and without fields. */
    public static VarRef of(String path) {
        return new VarRef(null, path, List.of());
    }

    /**
     * Parses a var reference the way Concourse does.
     *
     * <p>Accepts the text between the parentheses ({@code src:"my.secret".field}) and, for
     * convenience, the full form with them ({@code ((src:"my.secret".field))}), so that
     * {@code VarRef.parse(ref.toString())} gives back an equal reference.
     *
     * @param inner the reference text, never null
     * @return the parsed reference
     * @throws InvalidVarRefException if the source is quoted or a segment is empty
     */
    public static VarRef parse(String inner) {
        Objects.requireNonNull(inner, "inner");
        String text = inner;
        if (text.length() >= 4 && text.startsWith("((") && text.endsWith("))")) {
            text = text.substring(2, text.length() - 2);
        }
        String source = null;
        String rest = text;
        int colon = indexOfUnquoted(text, ':', 0);
        if (colon >= 0) {
            source = text.substring(0, colon);
            if (source.contains("\"")) {
                throw new InvalidVarRefException(text, "source must not be quoted",
                        "write the source name without quotes, e.g. ((my-source:\"my.var\"))");
            }
            rest = text.substring(colon + 1);
        }
        List<String> segments = new ArrayList<>();
        int start = 0;
        while (true) {
            int dot = indexOfUnquoted(rest, '.', start);
            String segment = (dot < 0 ? rest.substring(start) : rest.substring(start, dot))
                    .strip().replace("\"", "");
            if (segment.isEmpty()) {
                throw new InvalidVarRefException(text, "empty field",
                        "every '.'-separated segment needs a name; quote names that contain dots, "
                                + "e.g. ((\"my.var\".field))");
            }
            segments.add(segment);
            if (dot < 0) {
                break;
            }
            start = dot + 1;
        }
        return new VarRef(source, segments.get(0), segments.subList(1, segments.size()));
    }

    /** This reference without its source, as handed to the variables behind a var source. */
    public VarRef withoutSource() {
        return source == null ? this : new VarRef(null, path, fields);
    }

    /**
     * The reference as Concourse names it in messages, without the parentheses, for example
     * {@code vault:"my.secret".field}: segments containing {@code , . : /} or a space are quoted.
     */
    public String displayName() {
        StringBuilder s = new StringBuilder();
        if (source != null) {
            s.append(source).append(':');
        }
        s.append(segment(path));
        for (String field : fields) {
            s.append('.').append(segment(field));
        }
        return s.toString();
    }

    /** The name unused/used vars are tracked by: {@code source:path}, or just {@code path}. */
    String trackingName() {
        return source == null ? path : source + ":" + path;
    }

    /** The {@code ((...))} form, which {@link #parse(String)} reads back into an equal reference. */
    @Override
    public String toString() {
        return "((" + displayName() + "))";
    }

    private static int indexOfUnquoted(String s, char wanted, int from) {
        boolean quoted = false;
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == wanted && !quoted) {
                return i;
            }
            if (c == '"') {
                quoted = !quoted;
            }
        }
        return -1;
    }

    private static String segment(String segment) {
        for (int i = 0; i < segment.length(); i++) {
            if (",.:/ ".indexOf(segment.charAt(i)) >= 0) {
                return quote(segment);
            }
        }
        return segment;
    }

    // Go's %q, which Concourse uses for these segments; only the escapes a segment can need.
    private static String quote(String segment) {
        StringBuilder q = new StringBuilder(segment.length() + 2).append('"');
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            switch (c) {
                case '"' -> q.append("\\\"");
                case '\\' -> q.append("\\\\");
                case '\n' -> q.append("\\n");
                case '\t' -> q.append("\\t");
                case '\r' -> q.append("\\r");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        q.append(String.format("\\x%02x", (int) c));
                    } else {
                        q.append(c);
                    }
                }
            }
        }
        return q.append('"').toString();
    }
}
