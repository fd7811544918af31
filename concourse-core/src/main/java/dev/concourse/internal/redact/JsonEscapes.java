package dev.concourse.internal.redact;

/** How a string looks inside a JSON string literal, as common encoders write it. */
final class JsonEscapes {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private JsonEscapes() {
    }

    /**
     * The JSON-escaped form of {@code s}: {@code "} and {@code \} escaped, the usual short escapes
     * for control characters and {@code \}{@code u00XX} for the others.
     *
     * @param htmlSafe  also escape {@code < > &} and U+2028/U+2029, as Go's {@code encoding/json} does
     * @param asciiOnly also escape every non-ASCII char, as Python's {@code json.dumps} does
     * @return the same instance if nothing needed escaping
     */
    static String escape(String s, boolean htmlSafe, boolean asciiOnly) {
        StringBuilder out = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String replacement = switch (c) {
                case '"' -> "\\\"";
                case '\\' -> "\\\\";
                case '\n' -> "\\n";
                case '\r' -> "\\r";
                case '\t' -> "\\t";
                case '\b' -> "\\b";
                case '\f' -> "\\f";
                default -> {
                    boolean unicode = c < 0x20
                            || (htmlSafe && (c == '<' || c == '>' || c == '&' || c == '\u2028' || c == '\u2029'))
                            || (asciiOnly && c > 0x7f);
                    yield unicode ? unicodeEscape(c) : null;
                }
            };
            if (replacement != null && out == null) {
                out = new StringBuilder(s.length() + 16).append(s, 0, i);
            }
            if (out != null) {
                if (replacement != null) {
                    out.append(replacement);
                } else {
                    out.append(c);
                }
            }
        }
        return out == null ? s : out.toString();
    }

    private static String unicodeEscape(char c) {
        return new String(new char[] {'\\', 'u', HEX[(c >> 12) & 0xF], HEX[(c >> 8) & 0xF], HEX[(c >> 4) & 0xF],
                HEX[c & 0xF]});
    }
}
