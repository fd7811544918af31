package dev.concourse.db.internal;

/**
 * Makes event text storable everywhere: a NUL character (which PostgreSQL refuses in text) becomes
 * the JSON escape {@code \u0000}, which means the same character in the JSON string it is part of,
 * and a lone UTF-16 surrogate (text that is not valid Unicode, from invalid UTF-8 output decoded
 * leniently) becomes U+FFFD, the replacement character.
 */
final class EventText {
    private EventText() {
    }

    static String sanitize(String text) {
        int length = text.length();
        int i = 0;
        while (i < length) {
            char c = text.charAt(i);
            if (c == 0 || Character.isSurrogate(c)) {
                break;
            }
            i++;
        }
        if (i == length) {
            return text;
        }
        StringBuilder out = new StringBuilder(length + 16).append(text, 0, i);
        for (; i < length; i++) {
            char c = text.charAt(i);
            if (c == 0) {
                out.append("\\u0000");
            } else if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(text.charAt(i + 1))) {
                out.append(c).append(text.charAt(++i));
            } else if (Character.isSurrogate(c)) {
                out.append('\uFFFD');
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
