package dev.concourse.internal.check;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The keys the engine names version histories (scopes) with: one per resource and per
 * {@code (type, source)} with vars resolved, as Concourse's resource config scopes without global
 * resources. A changed source (a rotated secret too) gives a new scope; versions are matched
 * across scopes by their fields, so pins, disabled versions and build history still apply.
 * Sources are hashed, never stored: they may hold secrets.
 */
final class ScopeKeys {
    /** Maps sorted by key, as Go's json.Marshal writes them: the same source always gives the same text. */
    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .build();

    private ScopeKeys() {
    }

    /** {@code resource:<id>:<sha256 of type and source>}. */
    static String resource(long resourceId, String type, Map<String, Object> source) {
        return "resource:" + resourceId + ":" + sha256(type + "\0" + canonicalJson(source));
    }

    static String canonicalJson(Map<String, Object> map) {
        return JSON.writeValueAsString(map);
    }

    private static String sha256(String text) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
