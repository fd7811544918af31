package dev.concourse.internal.config.validate;

import static dev.concourse.internal.config.validate.Findings.nz;

import dev.concourse.config.DisplayConfig;
import dev.concourse.config.PipelineConfig;
import dev.concourse.internal.config.SourceIndex;
import java.util.Locale;

/**
 * {@code display}: the background image must be an http, https or relative URL. Whether it is
 * a URL at all follows Go's {@code net/url.Parse}, whose failures on such strings are few: a
 * control character, a leading {@code :}, a colon in the first segment of a relative path, a bad
 * {@code %} escape, a non-numeric port.
 */
final class DisplayValidator {
    private static final String SECTION = "display";

    private DisplayValidator() {
    }

    static void validate(PipelineConfig config, SourceIndex sources, Findings findings) {
        DisplayConfig display = config.display();
        if (display == null) {
            return;
        }
        String url = nz(display.backgroundImage());
        var at = sources.locate(display, "background_image");
        String scheme = scheme(url);
        if (scheme == null || !parses(url, scheme)) {
            findings.error("invalid_display", SECTION, at, "background_image is not a valid URL: " + url);
            return;
        }
        switch (scheme.toLowerCase(Locale.ROOT)) {
            case "http", "https", "" -> {
            }
            default -> findings.error("invalid_display", SECTION, at,
                    "background_image scheme must be either http, https or relative");
        }
    }

    /** Go's getScheme: the scheme, "" for none, or null for "missing protocol scheme". */
    private static String scheme(String url) {
        for (int i = 0; i < url.length(); i++) {
            char c = url.charAt(i);
            if ('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
                continue;
            }
            if ('0' <= c && c <= '9' || c == '+' || c == '-' || c == '.') {
                if (i == 0) {
                    return "";
                }
                continue;
            }
            if (c == ':') {
                return i == 0 ? null : url.substring(0, i);
            }
            return "";
        }
        return "";
    }

    private static boolean parses(String url, String scheme) {
        for (int i = 0; i < url.length(); i++) {
            char c = url.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                return false;
            }
        }
        String rest = scheme.isEmpty() ? url : url.substring(scheme.length() + 1);
        int fragment = rest.indexOf('#');
        if (fragment >= 0) {
            rest = rest.substring(0, fragment);
        }
        int query = rest.indexOf('?');
        String beforeQuery = query >= 0 ? rest.substring(0, query) : rest;
        if (scheme.isEmpty()) {
            int slash = beforeQuery.indexOf('/');
            String firstSegment = slash >= 0 ? beforeQuery.substring(0, slash) : beforeQuery;
            if (firstSegment.contains(":")) {
                return false; // first path segment in URL cannot contain colon
            }
        }
        if (beforeQuery.startsWith("//")) {
            String authority = beforeQuery.substring(2);
            int slash = authority.indexOf('/');
            if (slash >= 0) {
                authority = authority.substring(0, slash);
            }
            String host = authority.substring(authority.lastIndexOf('@') + 1);
            int colon = host.lastIndexOf(':');
            if (colon >= 0 && !host.endsWith("]")) {
                String port = host.substring(colon + 1);
                if (!port.chars().allMatch(ch -> '0' <= ch && ch <= '9')) {
                    return false; // invalid port
                }
            }
        }
        return validEscapes(beforeQuery);
    }

    private static boolean validEscapes(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == '%') {
                if (i + 2 >= s.length() || !isHex(s.charAt(i + 1)) || !isHex(s.charAt(i + 2))) {
                    return false;
                }
                i += 2;
            }
        }
        return true;
    }

    private static boolean isHex(char c) {
        return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F';
    }
}
