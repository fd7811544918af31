package dev.concourse.internal.config;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Go's {@code time.ParseDuration} and {@code time.Duration.String()}, ported exactly, because
 * pipelines write durations ({@code check_every}, {@code timeout}, cache {@code ttl}...) in Go's
 * syntax: a sequence of decimal numbers with optional fraction and a unit each, such as
 * {@code 300ms}, {@code 1.5h} or {@code 2h45m}, optionally signed; units are {@code ns},
 * {@code us} (or {@code µs}/{@code μs}), {@code ms}, {@code s}, {@code m}, {@code h}. A bare
 * {@code 0} is the only number allowed without a unit. Error messages are Go's, word for word,
 * so users can search for them.
 */
public final class GoDuration {

    private static final long NANOSECOND = 1L;
    private static final long MICROSECOND = 1000 * NANOSECOND;
    private static final long MILLISECOND = 1000 * MICROSECOND;
    private static final long SECOND = 1000 * MILLISECOND;
    private static final long MINUTE = 60 * SECOND;
    private static final long HOUR = 60 * MINUTE;

    private static final Map<String, Long> UNITS = Map.of(
            "ns", NANOSECOND,
            "us", MICROSECOND,
            "\u00b5s", MICROSECOND, // micro sign
            "\u03bcs", MICROSECOND, // Greek small letter mu
            "ms", MILLISECOND,
            "s", SECOND,
            "m", MINUTE,
            "h", HOUR);

    /** 1 << 63 as an unsigned 64-bit value. */
    private static final long TWO_POW_63 = Long.MIN_VALUE;

    private GoDuration() {
    }

    /**
     * Parses a duration.
     *
     * @throws IllegalArgumentException with Go's message, such as
     *         {@code time: missing unit in duration "10"}, when {@code text} is not a duration
     */
    public static Duration parse(String text) {
        Parsed parsed = parseInternal(text == null ? "" : text);
        if (parsed.error() != null) {
            throw new IllegalArgumentException(parsed.error());
        }
        return Duration.ofNanos(parsed.nanos());
    }

    /** Go's error message for {@code text}, or empty when it is a valid duration. */
    public static Optional<String> validate(String text) {
        return Optional.ofNullable(parseInternal(text == null ? "" : text).error());
    }

    /** Whether {@code text} parses as a duration. */
    public static boolean isValid(String text) {
        return validate(text).isEmpty();
    }

    private record Parsed(long nanos, String error) {
        static Parsed ok(long nanos) {
            return new Parsed(nanos, null);
        }

        static Parsed fail(String error) {
            return new Parsed(0, error);
        }
    }

    private static Parsed parseInternal(String orig) {
        // [-+]?([0-9]*(\.[0-9]*)?[a-z]+)+
        String s = orig;
        long d = 0; // unsigned
        boolean neg = false;

        if (!s.isEmpty()) {
            char c = s.charAt(0);
            if (c == '-' || c == '+') {
                neg = c == '-';
                s = s.substring(1);
            }
        }
        if (s.equals("0")) {
            return Parsed.ok(0);
        }
        if (s.isEmpty()) {
            return Parsed.fail(invalid(orig));
        }
        while (!s.isEmpty()) {
            long v;         // unsigned integer before the decimal point
            long f = 0;     // unsigned integer after the decimal point
            double scale = 1;

            char first = s.charAt(0);
            if (!(first == '.' || '0' <= first && first <= '9')) {
                return Parsed.fail(invalid(orig));
            }

            // Consume [0-9]*
            int i = 0;
            v = 0;
            for (; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c < '0' || c > '9') {
                    break;
                }
                if (Long.compareUnsigned(v, Long.divideUnsigned(TWO_POW_63, 10)) > 0) {
                    return Parsed.fail(invalid(orig));
                }
                v = v * 10 + (c - '0');
                if (Long.compareUnsigned(v, TWO_POW_63) > 0) {
                    return Parsed.fail(invalid(orig));
                }
            }
            boolean pre = i != 0;
            s = s.substring(i);

            // Consume (\.[0-9]*)?
            boolean post = false;
            if (!s.isEmpty() && s.charAt(0) == '.') {
                s = s.substring(1);
                int j = 0;
                boolean overflow = false;
                for (; j < s.length(); j++) {
                    char c = s.charAt(j);
                    if (c < '0' || c > '9') {
                        break;
                    }
                    if (overflow) {
                        continue;
                    }
                    if (Long.compareUnsigned(f, Long.MAX_VALUE / 10) > 0) {
                        overflow = true;
                        continue;
                    }
                    long y = f * 10 + (c - '0');
                    if (Long.compareUnsigned(y, TWO_POW_63) > 0) {
                        overflow = true;
                        continue;
                    }
                    f = y;
                    scale *= 10;
                }
                post = j != 0;
                s = s.substring(j);
            }
            if (!pre && !post) {
                // no digits (e.g. ".s" or "-.s")
                return Parsed.fail(invalid(orig));
            }

            // Consume unit.
            int u = 0;
            for (; u < s.length(); u++) {
                char c = s.charAt(u);
                if (c == '.' || '0' <= c && c <= '9') {
                    break;
                }
            }
            if (u == 0) {
                return Parsed.fail("time: missing unit in duration " + quote(orig));
            }
            String unitName = s.substring(0, u);
            s = s.substring(u);
            Long unit = UNITS.get(unitName);
            if (unit == null) {
                return Parsed.fail("time: unknown unit " + quote(unitName) + " in duration " + quote(orig));
            }
            if (Long.compareUnsigned(v, Long.divideUnsigned(TWO_POW_63, unit)) > 0) {
                return Parsed.fail(invalid(orig));
            }
            v *= unit;
            if (f > 0) {
                // float64 is needed to be nanosecond accurate for fractions of hours.
                v += (long) ((double) f * ((double) unit / scale));
                if (Long.compareUnsigned(v, TWO_POW_63) > 0) {
                    return Parsed.fail(invalid(orig));
                }
            }
            d += v;
            if (Long.compareUnsigned(d, TWO_POW_63) > 0) {
                return Parsed.fail(invalid(orig));
            }
        }
        if (neg) {
            return Parsed.ok(-d);
        }
        if (Long.compareUnsigned(d, Long.MAX_VALUE) > 0) {
            return Parsed.fail(invalid(orig));
        }
        return Parsed.ok(d);
    }

    private static String invalid(String orig) {
        return "time: invalid duration " + quote(orig);
    }

    /** Go's {@code time.quote}: double quotes, non-ASCII and control bytes as {@code \xNN}. */
    static String quote(String s) {
        StringBuilder buf = new StringBuilder(s.length() + 2).append('"');
        s.codePoints().forEach(c -> {
            if (c >= 0x80 || c < ' ') {
                for (byte b : new String(Character.toChars(c)).getBytes(StandardCharsets.UTF_8)) {
                    buf.append("\\x").append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
                }
            } else {
                if (c == '"' || c == '\\') {
                    buf.append('\\');
                }
                buf.append((char) c);
            }
        });
        return buf.append('"').toString();
    }

    /**
     * Go's {@code Duration.String()}: {@code 1h30m0s}, {@code 1.5s}, {@code 300ms}, {@code 2µs},
     * {@code 0s}. Durations beyond Go's range (about 292 years) are clamped to it.
     */
    public static String format(Duration duration) {
        long d = saturatedNanos(duration);
        char[] buf = new char[32];
        int w = buf.length;
        long u = d;
        boolean neg = d < 0;
        if (neg) {
            u = -u;
        }
        if (Long.compareUnsigned(u, SECOND) < 0) {
            int prec;
            buf[--w] = 's';
            w--;
            if (u == 0) {
                buf[w] = '0';
                return new String(buf, w, buf.length - w);
            } else if (Long.compareUnsigned(u, MICROSECOND) < 0) {
                prec = 0;
                buf[w] = 'n';
            } else if (Long.compareUnsigned(u, MILLISECOND) < 0) {
                prec = 3;
                buf[w] = '\u00b5';
            } else {
                prec = 6;
                buf[w] = 'm';
            }
            long[] state = {w, u};
            fmtFrac(buf, state, prec);
            w = fmtInt(buf, (int) state[0], state[1]);
        } else {
            buf[--w] = 's';
            long[] state = {w, u};
            fmtFrac(buf, state, 9);
            w = (int) state[0];
            u = state[1];
            w = fmtInt(buf, w, Long.remainderUnsigned(u, 60));
            u = Long.divideUnsigned(u, 60);
            if (u > 0) {
                buf[--w] = 'm';
                w = fmtInt(buf, w, u % 60);
                u /= 60;
                if (u > 0) {
                    buf[--w] = 'h';
                    w = fmtInt(buf, w, u);
                }
            }
        }
        if (neg) {
            buf[--w] = '-';
        }
        return new String(buf, w, buf.length - w);
    }

    private static long saturatedNanos(Duration duration) {
        try {
            return duration.toNanos();
        } catch (ArithmeticException e) {
            return duration.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }

    /** Writes the fraction of v/10^prec without trailing zeros; state is {w, v}. */
    private static void fmtFrac(char[] buf, long[] state, int prec) {
        int w = (int) state[0];
        long v = state[1];
        boolean print = false;
        for (int i = 0; i < prec; i++) {
            long digit = Long.remainderUnsigned(v, 10);
            print = print || digit != 0;
            if (print) {
                buf[--w] = (char) ('0' + digit);
            }
            v = Long.divideUnsigned(v, 10);
        }
        if (print) {
            buf[--w] = '.';
        }
        state[0] = w;
        state[1] = v;
    }

    private static int fmtInt(char[] buf, int w, long v) {
        if (v == 0) {
            buf[--w] = '0';
        } else {
            while (v != 0) {
                buf[--w] = (char) ('0' + Long.remainderUnsigned(v, 10));
                v = Long.divideUnsigned(v, 10);
            }
        }
        return w;
    }
}
