package dev.concourse.internal.vars;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Plain-scalar typing as go-yaml v2 does it (YAML 1.1: {@code yes}/{@code on} are booleans,
 * {@code 0777} is octal, {@code 1_000} is an integer), which is what fly uses for vars files and
 * YAML var flags.
 */
final class GoYamlScalars {

    private static final Pattern YAML_FLOAT =
            Pattern.compile("^[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?$");
    private static final BigInteger MAX_UINT64 = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
    private static final Object NULL = new Object();
    private static final Map<String, Object> WORDS = words();

    private GoYamlScalars() {
    }

    private static Map<String, Object> words() {
        Map<String, Object> m = new java.util.HashMap<>();
        for (String s : new String[] {"y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"}) {
            m.put(s, Boolean.TRUE);
        }
        for (String s : new String[] {"n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"}) {
            m.put(s, Boolean.FALSE);
        }
        for (String s : new String[] {"", "~", "null", "Null", "NULL"}) {
            m.put(s, NULL);
        }
        for (String s : new String[] {".nan", ".NaN", ".NAN"}) {
            m.put(s, Double.NaN);
        }
        for (String s : new String[] {".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"}) {
            m.put(s, Double.POSITIVE_INFINITY);
        }
        for (String s : new String[] {"-.inf", "-.Inf", "-.INF"}) {
            m.put(s, Double.NEGATIVE_INFINITY);
        }
        return Map.copyOf(m);
    }

    /** The value of an untagged plain scalar: null, Boolean, Long, BigInteger, Double or String. */
    static Object resolve(String text) {
        Object word = WORDS.get(text);
        if (word != null) {
            return word == NULL ? null : word;
        }
        char first = text.charAt(0);
        if (first == '.') {
            Double d = parseFloat(text);
            return d == null ? text : d;
        }
        if (first == '+' || first == '-' || (first >= '0' && first <= '9')) {
            String plain = text.replace("_", "");
            BigInteger integer = parseInt(plain);
            if (integer != null) {
                return integer.bitLength() < 64 ? (Object) integer.longValue() : integer;
            }
            Double d = parseFloat(plain);
            if (d != null) {
                return d;
            }
        }
        return text;
    }

    /** True when {@code text} resolves to what an explicit {@code !!int} tag requires. */
    static boolean isInteger(Object value) {
        return value instanceof Long || value instanceof BigInteger;
    }

    /** Go's float text for a finite double as encoding/json writes it, as a number literal. */
    static BigDecimal jsonNumber(double d) {
        BigDecimal exact = new BigDecimal(Double.toString(d)).stripTrailingZeros();
        double abs = Math.abs(d);
        boolean exponent = abs != 0 && (abs < 1e-6 || abs >= 1e21);
        return new BigDecimal(exponent ? exact.toString() : exact.toPlainString());
    }

    // Go's strconv.ParseInt(s, 0, 64), falling back to ParseUint(s, 0, 64) for large positives.
    private static BigInteger parseInt(String s) {
        boolean negative = false;
        boolean signed = false;
        String digits = s;
        if (!digits.isEmpty() && (digits.charAt(0) == '+' || digits.charAt(0) == '-')) {
            negative = digits.charAt(0) == '-';
            signed = true;
            digits = digits.substring(1);
        }
        if (digits.isEmpty()) {
            return null;
        }
        int radix = 10;
        if (digits.charAt(0) == '0' && digits.length() > 1) {
            char p = Character.toLowerCase(digits.charAt(1));
            if (digits.length() >= 3 && (p == 'x' || p == 'o' || p == 'b')) {
                radix = p == 'x' ? 16 : p == 'o' ? 8 : 2;
                digits = digits.substring(2);
            } else {
                radix = 8;
            }
        }
        for (int i = 0; i < digits.length(); i++) {
            if (Character.digit(digits.charAt(i), radix) < 0 || digits.charAt(i) > 'z') {
                return null;
            }
        }
        BigInteger value = new BigInteger(digits, radix);
        if (negative) {
            value = value.negate();
        }
        boolean fitsInt64 = value.bitLength() < 64;
        boolean fitsUint64 = !signed && value.signum() >= 0 && value.compareTo(MAX_UINT64) <= 0;
        return fitsInt64 || fitsUint64 ? value : null;
    }

    private static Double parseFloat(String s) {
        if (!YAML_FLOAT.matcher(s).matches()) {
            return null;
        }
        double d = Double.parseDouble(s);
        // Go's ParseFloat reports overflow as an error, so go-yaml keeps the text as a string.
        return Double.isInfinite(d) ? null : d;
    }
}
