package dev.concourse.spi.credentials;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A value found by a {@link CredentialManager}, and until when it may be used.
 *
 * <p>The value is plain data, as in a YAML document: a {@code String}, {@code Boolean},
 * {@code Integer}, {@code Long}, {@code BigInteger}, {@code BigDecimal}, {@code Double}, a
 * {@code List} of such values, a {@code Map} from names to such values (for
 * {@code ((creds.user))}), or null for a secret that exists with the value null. It is copied
 * into unmodifiable, insertion-ordered collections; map keys that are not strings become their
 * {@code toString()}.
 *
 * <p>Immutable and thread-safe. {@link #toString()} never shows the value.
 */
public final class Secret {

    private final Object value;
    private final Instant expiresAt;

    private Secret(Object value, Instant expiresAt) {
        this.value = freeze(value, 0);
        this.expiresAt = expiresAt;
    }

    /**
     * A secret that does not expire (the cache still keeps it no longer than its maximum time to
     * live).
     *
     * @param value a plain value, see the class description; may be null
     * @throws IllegalArgumentException if the value is not plain data
     */
    public static Secret of(Object value) {
        return new Secret(value, null);
    }

    /**
     * A secret with a lease: the engine does not use a cached copy at or after {@code expiresAt}.
     *
     * @param value     a plain value, see the class description; may be null
     * @param expiresAt when the value stops being valid, never null
     * @throws IllegalArgumentException if the value is not plain data
     */
    public static Secret expiring(Object value, Instant expiresAt) {
        return new Secret(value, Objects.requireNonNull(expiresAt, "expiresAt"));
    }

    /** The value; null only for a secret that exists with the value null. */
    public Object value() {
        return value;
    }

    /** When the value stops being valid, or empty if it does not expire. */
    public Optional<Instant> expiresAt() {
        return Optional.ofNullable(expiresAt);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Secret that && Objects.equals(value, that.value)
                && Objects.equals(expiresAt, that.expiresAt);
    }

    @Override
    public int hashCode() {
        return Objects.hash(value, expiresAt);
    }

    /** Says whether there is an expiry, never the value. */
    @Override
    public String toString() {
        return expiresAt == null ? "Secret[value hidden]" : "Secret[value hidden, expires " + expiresAt + "]";
    }

    private static Object freeze(Object value, int depth) {
        if (depth > 100) {
            throw new IllegalArgumentException("secret value nested more than 100 levels deep");
        }
        if (value == null || value instanceof String || value instanceof Boolean || value instanceof Integer
                || value instanceof Long || value instanceof BigInteger || value instanceof BigDecimal
                || value instanceof Double) {
            return value;
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            map.forEach((k, v) -> copy.put(String.valueOf(k), freeze(v, depth + 1)));
            return Collections.unmodifiableMap(copy);
        }
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            for (Object item : list) {
                copy.add(freeze(item, depth + 1));
            }
            return Collections.unmodifiableList(copy);
        }
        throw new IllegalArgumentException("a secret value must be plain data (String, Boolean, Integer, Long, "
                + "BigInteger, BigDecimal, Double, List or Map), not " + value.getClass().getName());
    }
}
