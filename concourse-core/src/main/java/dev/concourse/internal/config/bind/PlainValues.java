package dev.concourse.internal.config.bind;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/** Conversions of plain values that follow Concourse's rules. */
final class PlainValues {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private PlainValues() {
    }

    /**
     * Concourse's {@code CoercedString}: null becomes empty, strings stay, numbers keep their
     * digits, anything else becomes its JSON text.
     */
    static String coerceToString(Object value) {
        if (value == null) {
            return "";
        }
        if (value instanceof String s) {
            return s;
        }
        if (value instanceof Double d) {
            if (d.isNaN() || d.isInfinite()) {
                return d.toString();
            }
            return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
        }
        if (value instanceof Number || value instanceof Boolean) {
            return value.toString();
        }
        if (value instanceof Map<?, ?> || value instanceof List<?>) {
            return JSON.writeValueAsString(value);
        }
        return value.toString();
    }
}
