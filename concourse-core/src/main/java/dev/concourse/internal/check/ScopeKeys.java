package dev.concourse.internal.check;

import dev.concourse.Pipeline;
import dev.concourse.Resource;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The keys the engine names version histories (scopes) with, per {@code (type, source)} with vars
 * resolved, as Concourse's resource config scopes. Resources of one team whose type is a base type
 * (a native type of the engine, not one of the pipeline's {@code resource_types}) share the
 * history of their type and source, as Concourse's global resources do; that is safe because the
 * type's code is the engine's, the same for every pipeline. Resources of a custom type keep a
 * history of their own (their type's image may differ between pipelines). A changed source (a
 * rotated secret too) gives a new scope; versions are matched across scopes by their fields, so
 * pins, disabled versions and build history still apply. Sources are hashed, never stored: they
 * may hold secrets.
 */
final class ScopeKeys {
    /** Maps sorted by key, as Go's json.Marshal writes them: the same source always gives the same text. */
    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .build();

    private ScopeKeys() {
    }

    /** {@code resource:<id>:<sha256 of type and source>}: one resource's own history. */
    static String resource(long resourceId, String type, Map<String, Object> source) {
        return "resource:" + resourceId + ":" + sha256(type + "\0" + canonicalJson(source));
    }

    /** {@code resource-type:<id>:<sha256 of its image's type and source>}: a pipeline type's own history. */
    static String resourceType(long typeId, String imageType, Map<String, Object> source) {
        return "resource-type:" + typeId + ":" + sha256(imageType + "\0" + canonicalJson(source));
    }

    /** {@code team:<sha256 of team>:<sha256 of type and source>}: shared by the team's resources. */
    static String shared(String team, String type, Map<String, Object> source) {
        return "team:" + sha256(team) + ":" + sha256(type + "\0" + canonicalJson(source));
    }

    /** The resource's key: shared when its type is a base type, its own for a custom type. */
    static String of(Pipeline pipeline, Resource resource, Map<String, Object> source) {
        String type = resource.config().type();
        boolean custom = pipeline.config().resourceTypes().stream().anyMatch(t -> t.name().equals(type));
        return custom ? resource(resource.id(), type, source) : shared(pipeline.ref().team(), type, source);
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
